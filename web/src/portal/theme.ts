/**
 * The portal's look, from its URL (`?accent=%23ff0066&theme=dark`), kept for the tab so later
 * pages keep it. Only a colour and light/dark are accepted: a query never injects CSS.
 */
const KEY = 'mittr.portal.theme';
type Theme = { accent?: string; theme?: 'light' | 'dark' };

export function applyTheme(query: URLSearchParams): void {
  const saved = JSON.parse(sessionStorage.getItem(KEY) ?? '{}') as Theme;
  const accent = query.get('accent');
  const theme = query.get('theme');
  if (accent && /^#[0-9a-f]{3,8}$/i.test(accent)) saved.accent = accent;
  if (theme === 'light' || theme === 'dark') saved.theme = theme;
  sessionStorage.setItem(KEY, JSON.stringify(saved));
  const root = document.documentElement;
  if (saved.accent) root.style.setProperty('--accent', saved.accent);
  root.dataset.theme = saved.theme ?? 'light';
}
