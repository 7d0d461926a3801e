/**
 * The portal's look: its sub-account's configured theme (portalTheme, answered by
 * GET /sub-account-api/session), under the URL's query (`?primary=%230a7f5a&accent=%23ff0066&theme=dark`),
 * which overrides it and is kept for the tab so later pages keep it. Only hex colours, light or
 * dark, and a plain font list are applied, each as a custom property: nothing here writes CSS text.
 */
import { isFontFamily, isHexColour, isThemeUrl, type PortalTheme } from '../../../services/sub-accounts/domain/theme.ts';

const KEY = 'mittr.portal.theme';
type QueryTheme = { primary?: string; accent?: string; theme?: 'light' | 'dark' };
export type ConfiguredTheme = PortalTheme | null | undefined;

// The configuration was checked by the same rules when it was set; the query is checked here.
const hex = (v: string | null | undefined) => (isHexColour(v) ? v : undefined);

/** The query's choices over those saved earlier in the tab. */
function fromQuery(query: URLSearchParams): QueryTheme {
  const saved = JSON.parse(sessionStorage.getItem(KEY) ?? '{}') as QueryTheme;
  const primary = hex(query.get('primary'));
  const accent = hex(query.get('accent'));
  const theme = query.get('theme');
  if (primary) saved.primary = primary;
  if (accent) saved.accent = accent;
  if (theme === 'light' || theme === 'dark') saved.theme = theme;
  sessionStorage.setItem(KEY, JSON.stringify(saved));
  return saved;
}

function setVar(name: string, value: string | undefined): void {
  const root = document.documentElement;
  if (value) root.style.setProperty(name, value);
  else root.style.removeProperty(name);
}

export function applyTheme(query: URLSearchParams, config: ConfiguredTheme): void {
  const q = fromQuery(query);
  setVar('--primary', q.primary ?? hex(config?.primaryColor));
  setVar('--accent', q.accent ?? hex(config?.accentColor));
  setVar('--portal-font', isFontFamily(config?.fontFamily) ? config.fontFamily : undefined);
  document.documentElement.dataset.theme = q.theme ?? config?.mode ?? 'light';
}

/** The configured logo, if it is one the portal may show: https, or a path on mittr. */
export function logoOf(config: ConfiguredTheme): string | undefined {
  const url = config?.logoUrl;
  return url && isThemeUrl(url) ? url : undefined;
}
