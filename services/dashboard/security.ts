/**
 * The pages' Content-Security-Policy: scripts, styles and connections only from mittr itself
 * (the build has no inline script), and who may frame them: the dashboard only itself, the
 * portal its sub-account's allowed origins (none known: only itself). A portal page may show
 * images over https too: the logo of its sub-account's portalTheme (https or same-origin only).
 */
export function contentSecurityPolicy(frameAncestors: readonly string[], portal = false): string {
  const ancestors = frameAncestors.length > 0 ? frameAncestors.join(' ') : "'self'";
  return [
    "default-src 'self'", "script-src 'self'", "style-src 'self' 'unsafe-inline'", `img-src 'self' data:${portal ? ' https:' : ''}`,
    "connect-src 'self'", "object-src 'none'", "base-uri 'none'", "form-action 'self'", `frame-ancestors ${ancestors}`,
  ].join('; ');
}

/** An origin fit for frame-ancestors: scheme://host[:port], nothing a CSP could read as another directive. */
export function isFrameableOrigin(origin: string): boolean {
  try {
    const u = new URL(origin);
    return (u.protocol === 'https:' || u.protocol === 'http:') && u.origin === origin.replace(/\/+$/, '');
  } catch {
    return false;
  }
}
