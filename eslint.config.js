import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', '.mittr/**', 'bench/results/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  { files: ['**/*.mjs', 'scripts/**/*.js'], languageOptions: { globals: { Buffer: 'readonly', process: 'readonly', console: 'readonly' } } },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // The domain is pure: decisions take clock and ids as arguments and import no infrastructure.
    files: ['services/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['kafkajs', '@kafkajs/*', 'pg', 'slonik', 'fastify', '@fastify/*', 'undici', 'node:net', 'node:http', 'node:fs', 'node:child_process'], message: 'services/domain is pure: no infrastructure imports.' },
          { group: ['**/kafka/**', '**/api/**', '**/delivery/**', '**/projections/**', '**/config/**'], message: 'services/domain must not depend on the edges.' },
        ],
      }],
    },
  },
);
