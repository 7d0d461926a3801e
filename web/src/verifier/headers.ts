/**
 * Headers as people paste them: a JSON object (as a log or `console.log(req.headers)` prints
 * them), or `Name: value` lines (as curl -v or a proxy shows them). Names are lower-cased.
 */
export function parseHeaders(text: string): Record<string, string> {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    try {
      const parsed = JSON.parse(trimmed) as Record<string, unknown>;
      return Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k.toLowerCase(), Array.isArray(v) ? v.join(', ') : String(v)]));
    } catch { /* not JSON after all: read it as lines */ }
  }
  const out: Record<string, string> = {};
  for (const raw of trimmed.split(/\r?\n/)) {
    // curl -v prefixes request headers with "> " and response ones with "< ".
    const line = raw.replace(/^[<>]\s*/, '');
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    out[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return out;
}

/** The hex values of X-Mittr-Signature (`v1=<hex>`, several if comma- or space-separated). */
export function mittrSignatures(value: string | undefined): string[] {
  if (!value) return [];
  return value.split(/[\s,]+/).map((p) => p.trim()).filter((p) => p.startsWith('v1=')).map((p) => p.slice(3).toLowerCase());
}

/** The base64 values of webhook-signature (`v1,<base64>`, space-separated, one per secret during a rotation). */
export function standardSignatures(value: string | undefined): string[] {
  if (!value) return [];
  return value.split(/\s+/).filter((p) => p.startsWith('v1,')).map((p) => p.slice(3));
}
