import { settingOf } from './verify/secrets.ts';
import type { Preset } from './verify/types.ts';

const REDACTED = '[redacted]';
/** Headers that carry a credential whatever the scheme: never kept in the request log. */
const ALWAYS = ['authorization', 'proxy-authorization', 'cookie'];

/**
 * A received request as the log keeps it: the credentials a sender authenticates with (a bearer
 * or shared token, basic auth, a token in the query string) replaced by `[redacted]`, so the
 * request log holds no secret of the inbound endpoint. Signatures stay: they prove nothing
 * without the secret, and they are what one debugs a refusal with.
 */
export function redactCredentials(preset: Preset | undefined, config: Readonly<Record<string, unknown>>, headers: Record<string, string>, url: string) {
  const names = new Set(ALWAYS);
  if (preset?.mode === 'token-header') names.add((settingOf(config, preset.headerField) ?? preset.header).toLowerCase());
  const kept = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, names.has(k) ? REDACTED : v]));
  if (preset?.mode !== 'query-token') return { headers: kept, url };
  const param = settingOf(config, preset.paramField) ?? preset.param;
  const u = new URL(url);
  if (u.searchParams.has(param)) u.searchParams.set(param, REDACTED);
  return { headers: kept, url: u.toString() };
}
