/**
 * A delivery whose URL is a credential (a connector's Slack, Discord, Teams or Zapier webhook)
 * carries it sealed: `sealed:<masked URL>|<sealed URL>`. The dispatch lanes and the attempts
 * recorded forever then hold only the masked form (`https://hooks.slack.com/****`) and the
 * ciphertext; the engine opens the URL only to send.
 */
const PREFIX = 'sealed:';

export function sealedTarget(masked: string, sealed: string): string {
  return `${PREFIX}${masked}|${sealed}`;
}

export type SealedTarget = { masked: string; sealed: string };

/** The masked URL and the sealed one, or null for a plain URL. */
export function parseSealedTarget(url: string): SealedTarget | null {
  if (!url.startsWith(PREFIX)) return null;
  const bar = url.lastIndexOf('|');
  if (bar < PREFIX.length) return null;
  return { masked: url.slice(PREFIX.length, bar), sealed: url.slice(bar + 1) };
}
