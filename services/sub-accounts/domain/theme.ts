/**
 * A sub-account's portal theme: the portal's colours, logo, light or dark, and font, set by the
 * workspace (POST/PATCH /sub-accounts) and applied by the portal; its query parameters override it.
 *
 * Every value ends up in a CSS custom property or an <img src>, so each is held to a shape that
 * cannot carry anything else: colours are hex, the font a plain family list (no quotes,
 * semicolons, braces, parentheses or backslashes), the logo an https URL or a path on mittr itself.
 */
export type PortalTheme = {
  primaryColor: string | null;
  accentColor: string | null;
  logoUrl: string | null;
  mode: 'light' | 'dark' | null;
  fontFamily: string | null;
};

/** What the API takes: any field left out is unset. */
export type PortalThemeInput = Partial<Record<keyof PortalTheme, unknown>>;

export const THEME_FIELDS = ['primaryColor', 'accentColor', 'logoUrl', 'mode', 'fontFamily'] as const satisfies readonly (keyof PortalTheme)[];
const HEX = /^#(?:[0-9a-f]{3,4}|[0-9a-f]{6}|[0-9a-f]{8})$/i;
const FONT = /^[A-Za-z0-9][A-Za-z0-9 ,_-]{0,99}$/;
const MAX_URL = 2048;

/** The rules the portal checks its query (and, again, the configuration) by: the same as here (web/src/portal/theme.ts). */
export const isHexColour = (v: unknown): v is string => typeof v === 'string' && HEX.test(v);
export const isFontFamily = (v: unknown): v is string => typeof v === 'string' && FONT.test(v);

/** https://host/... with no credentials, or /path on mittr's own origin (not //host, not /\host). */
export function isThemeUrl(value: string): boolean {
  if (value.length > MAX_URL || /[\s"'()<>\\`]/.test(value)) return false;
  if (value.startsWith('/')) return !value.startsWith('//');
  try {
    const u = new URL(value);
    return u.protocol === 'https:' && u.username === '' && u.password === '' && u.hostname !== '';
  } catch { return false; }
}

const text = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** The problems of one field's value (null: none). */
function problemOf(field: keyof PortalTheme, v: unknown): string | null {
  const s = text(v);
  switch (field) {
    case 'primaryColor': case 'accentColor':
      return isHexColour(s) ? null : `portalTheme.${field} must be a hex colour (#rgb, #rgba, #rrggbb or #rrggbbaa)`;
    case 'logoUrl': return s !== null && isThemeUrl(s) ? null : 'portalTheme.logoUrl must be an https URL or a path on mittr (/...), at most 2048 characters';
    case 'mode': return s === 'light' || s === 'dark' ? null : 'portalTheme.mode must be light or dark';
    case 'fontFamily': return isFontFamily(s) ? null : 'portalTheme.fontFamily must be a font family list of letters, digits, spaces, commas, - and _ (at most 100)';
  }
}

/**
 * Checks a theme; answers it with every field present (null: unset) and the problems found,
 * each naming its field. An unknown field is a problem too: a theme is small and exact. Pure.
 */
export function checkTheme(input: unknown): { theme: PortalTheme | null; problems: string[] } {
  if (input === null) return { theme: null, problems: [] };
  if (typeof input !== 'object' || Array.isArray(input)) return { theme: null, problems: ['portalTheme must be an object (or null for none)'] };
  const given = input as Record<string, unknown>;
  const problems = Object.keys(given).filter((k) => !(THEME_FIELDS as readonly string[]).includes(k)).map((k) => `portalTheme.${k.slice(0, 50)} is not a theme field (${THEME_FIELDS.join(', ')})`);
  const theme = { primaryColor: null, accentColor: null, logoUrl: null, mode: null, fontFamily: null } as PortalTheme;
  for (const field of THEME_FIELDS) {
    const v = given[field];
    if (v === undefined || v === null) continue;
    const problem = problemOf(field, v);
    if (problem) problems.push(problem);
    else (theme as Record<string, unknown>)[field] = v;
  }
  return { theme, problems };
}
