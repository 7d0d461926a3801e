/**
 * A top-level field of a JSON body as text (numbers too), or undefined when the body is not a
 * JSON object or the field is not a string or number. Read only after or for verification, never
 * to decide what the bytes are.
 */
export function bodyField(rawBody: Buffer, field: string): string | undefined {
  return fieldOf(jsonObject(rawBody), field);
}

/** A top-level field of an already parsed body as text, as bodyField reads it. */
export function fieldOf(body: Record<string, unknown> | undefined, field: string): string | undefined {
  const value = body?.[field];
  if (typeof value === 'string' && value.length > 0) return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

export function jsonObject(rawBody: Buffer): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(rawBody.toString('utf8'));
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
