import { sameText } from './compare.ts';
import { queryValues } from './hmac.ts';
import { refuse } from './refuse.ts';
import { settingOf, valuesOf } from './secrets.ts';
import type { BasicAuthParams, ModeCheck, QueryTokenParams, TokenHeaderParams, Verdict } from './types.ts';

/** Whether the sent text equals any accepted value; every value is compared, so the time does not say which. */
function matchesAny(sent: string, accepted: readonly string[]): boolean {
  return accepted.map((value) => sameText(sent, value)).includes(true);
}

/** HTTP Basic credentials (Postmark, Chargebee, SparkPost ...) against `username` and `password` (a list while rotating). */
export const checkBasicAuth: ModeCheck<BasicAuthParams> = (_params, config, req): Verdict | undefined => {
  const usernames = valuesOf(config, 'username');
  const passwords = valuesOf(config, 'password');
  if (usernames === undefined || passwords === undefined) return refuse('misconfigured', 'sourceConfig needs username and password');
  const header = req.headers.authorization;
  const match = header === undefined ? null : /^basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (match === null) return refuse('missing_credentials', 'no Basic Authorization header');
  const decoded = Buffer.from(match[1] ?? '', 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return refuse('bad_credentials', 'the Basic credentials are not user:password');
  const userOk = matchesAny(decoded.slice(0, colon), usernames);
  const passOk = matchesAny(decoded.slice(colon + 1), passwords);
  return userOk && passOk ? undefined : refuse('bad_credentials', 'the username or password is wrong');
};

/** A shared token in a header (GitLab's X-Gitlab-Token, Telegram's secret token), optionally after a scheme (`Bearer `). */
export const checkTokenHeader: ModeCheck<TokenHeaderParams> = (params, config, req) => {
  const tokenField = params.tokenField ?? 'token';
  const tokens = valuesOf(config, tokenField);
  if (tokens === undefined) return refuse('misconfigured', `sourceConfig has no ${tokenField}`);
  const header = (settingOf(config, params.headerField) ?? params.header).toLowerCase();
  const value = req.headers[header];
  if (value === undefined) return refuse('missing_credentials', `no ${header} header`);
  const sent = withoutScheme(value.trim(), params.scheme);
  if (sent === undefined) return refuse('missing_credentials', `${header} does not start with ${params.scheme ?? ''}`);
  return matchesAny(sent, tokens) ? undefined : refuse('bad_credentials', `the ${header} token is wrong`);
};

function withoutScheme(value: string, scheme: string | undefined): string | undefined {
  if (scheme === undefined) return value;
  return value.slice(0, scheme.length).toLowerCase() === scheme.toLowerCase() ? value.slice(scheme.length).trim() : undefined;
}

/** A shared token in the query string (for providers that can only be given a URL). */
export const checkQueryToken: ModeCheck<QueryTokenParams> = (params, config, req) => {
  const tokenField = params.tokenField ?? 'token';
  const tokens = valuesOf(config, tokenField);
  if (tokens === undefined) return refuse('misconfigured', `sourceConfig has no ${tokenField}`);
  const param = settingOf(config, params.paramField) ?? params.param;
  const sent = queryValues(req.url, param);
  if (sent.length === 0) return refuse('missing_credentials', `no ${param} query parameter`);
  return sent.some((value) => matchesAny(value, tokens)) ? undefined : refuse('bad_credentials', `the ${param} token is wrong`);
};
