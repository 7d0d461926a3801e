import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

export type CliConfig = { apiKey?: string; baseUrl?: string };

/** The config file: MITTR_CONFIG, else the user's config dir (XDG_CONFIG_HOME, APPDATA, ~/.config)/mittr/config.json. */
export function configPath(env = process.env): string {
  if (env.MITTR_CONFIG) return env.MITTR_CONFIG;
  const base = env.XDG_CONFIG_HOME ?? env.APPDATA ?? join(homedir(), '.config');
  return join(base, 'mittr', 'config.json');
}

export function readConfig(env = process.env): CliConfig {
  let stored: CliConfig = {};
  try { stored = JSON.parse(readFileSync(configPath(env), 'utf8')) as CliConfig; } catch { /* not logged in yet */ }
  // The environment wins, so CI and tests need no file.
  return { apiKey: env.MITTR_API_KEY ?? stored.apiKey, baseUrl: env.MITTR_BASE_URL ?? stored.baseUrl };
}

export function writeConfig(config: CliConfig, env = process.env): string {
  const path = configPath(env);
  mkdirSync(dirname(path), { recursive: true });
  // The key is a credential: readable by its owner only.
  writeFileSync(path, JSON.stringify(config, null, 2) + '\n', { mode: 0o600 });
  return path;
}
