/** How deeply a request body's JSON may nest: far beyond any webhook payload, far below a stack overflow. */
export const MAX_JSON_DEPTH = 128;

/**
 * True when `text` (JSON, valid or not) opens more than `max` arrays and objects inside one
 * another. One pass over the characters, skipping strings, before anything parses or walks it:
 * a body nested thousands deep made the recursive walks after parsing overflow the stack (500).
 */
export function nestsDeeperThan(text: string, max = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // a backslash escapes the next character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) {
      depth--;
    }
  }
  return false;
}
