/** What every native format is built from: the rendered template fields and the event's facts. */
export type Rendered = { title?: string; text?: string; color?: string; subject?: string; body?: string };
export type Notice = {
  eventType: string; eventId: string; at: number; payload: unknown;
  /** A status or severity the format colors by (payload.status, payload.severity, or an alert's). */
  status: string | null;
};

/** Cuts `s` to `max` characters (code points), ending with an ellipsis when it was longer. */
export function truncate(s: string, max: number): string {
  const chars = [...s];
  return chars.length <= max ? s : `${chars.slice(0, max - 1).join('')}…`;
}

const GREEN = '#2eb67d';
const RED = '#e01e5a';
const ORANGE = '#ecb22e';
const BLUE = '#3498db';
const BY_STATUS: Record<string, string> = {
  success: GREEN, succeeded: GREEN, delivered: GREEN, ok: GREEN, resolved: GREEN, low: BLUE, info: BLUE,
  failed: RED, failure: RED, error: RED, dead: RED, critical: RED, high: RED,
  warning: ORANGE, retry: ORANGE, retrying: ORANGE, pending: ORANGE, medium: ORANGE,
};

/** The color of a status (#rrggbb), or null for one without a color of its own. */
export function statusColor(status: string | null): string | null {
  return status === null ? null : BY_STATUS[status.toLowerCase()] ?? null;
}

/** The notice's status: the payload's `status`, else its `severity`. */
export function statusOf(payload: unknown): string | null {
  if (payload === null || typeof payload !== 'object') return null;
  const p = payload as Record<string, unknown>;
  const s = p.status ?? p.severity;
  return typeof s === 'string' ? s : null;
}

/** `#36a64f` as 0x36a64f (Discord's integer colors); null for what is not a hex color. */
export function colorInt(color: string): number | null {
  const m = /^#?([0-9a-f]{6})$/i.exec(color.trim());
  return m ? Number.parseInt(m[1]!, 16) : null;
}

/** The payload's top-level scalar fields as name/value pairs, at most `max`: the facts cards show. */
export function facts(payload: unknown, max = 10): Array<{ name: string; value: string }> {
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) return [];
  return Object.entries(payload as Record<string, unknown>)
    .filter(([, v]) => v === null || ['string', 'number', 'boolean'].includes(typeof v))
    .slice(0, max).map(([name, v]) => ({ name, value: truncate(String(v), 500) }));
}
