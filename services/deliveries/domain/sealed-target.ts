/**
 * A delivery whose URL is a credential (a connector's Slack, Discord, Teams or Zapier webhook,
 * a URL with a token in it) carries it sealed: `sealed:<masked URL>|<sealed URL>[|<sealed headers>]`.
 * The dispatch lanes and the attempts recorded forever then hold only the masked form
 * (`https://hooks.slack.com/****`) and ciphertext; the engine opens the URL and the headers (an
 * Authorization a generic connector sends) only to send.
 */
const PREFIX = 'sealed:';

export type SealedTarget = { masked: string; sealed: string; sealedHeaders: string | null };

export function sealedTarget(masked: string, sealed: string, sealedHeaders: string | null = null): string {
  if (masked.includes('|')) throw new Error('a masked URL cannot hold |');
  return `${PREFIX}${masked}|${sealed}${sealedHeaders === null ? '' : `|${sealedHeaders}`}`;
}

/** The masked URL and the sealed parts, or null for a plain URL. */
export function parseSealedTarget(url: string): SealedTarget | null {
  if (!url.startsWith(PREFIX)) return null;
  const [masked, sealed, sealedHeaders, ...rest] = url.slice(PREFIX.length).split('|');
  if (!masked || !sealed || rest.length > 0) return null;
  return { masked, sealed, sealedHeaders: sealedHeaders ?? null };
}
