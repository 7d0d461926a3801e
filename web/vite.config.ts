import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';

/**
 * The dashboard and the portal: one page (index.html) whose router reads the path, built into
 * web/dist, which mittr serves itself (services/dashboard): no CDN, works offline. Assets live
 * under /ui/assets/ with hashed names.
 */
export default defineConfig({
  root: import.meta.dirname,
  base: '/ui/',
  plugins: [preact()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 1024 },
  logLevel: 'warn',
});
