/**
 * A browser's leg of a sign-in, in plain HTTP: a cookie jar per origin (name → value; paths are
 * not needed by the flows driven here) and redirects followed by hand, each hop recorded, so a
 * spec can stop at, read or alter any of them.
 */
export class Browser {
  private readonly jars = new Map<string, Map<string, string>>();
  /** Every URL visited, in order. */
  readonly visited: string[] = [];

  cookie(url: string, name: string): string | undefined {
    return this.jars.get(new URL(url).origin)?.get(name);
  }

  setCookie(url: string, name: string, value: string): void {
    const jar = this.jars.get(new URL(url).origin) ?? new Map<string, string>();
    this.jars.set(new URL(url).origin, jar);
    jar.set(name, value);
  }

  /** One request, without following: cookies sent and stored. */
  async request(url: string, init: { method?: string; form?: Record<string, string> } = {}): Promise<Response> {
    this.visited.push(url);
    const jar = this.jars.get(new URL(url).origin);
    const headers: Record<string, string> = {};
    if (jar?.size) headers.cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    if (init.form) headers['content-type'] = 'application/x-www-form-urlencoded';
    const res = await fetch(url, {
      method: init.method ?? (init.form ? 'POST' : 'GET'), headers, redirect: 'manual', body: init.form ? new URLSearchParams(init.form).toString() : undefined,
    });
    for (const line of res.headers.getSetCookie()) this.store(url, line);
    return res;
  }

  private store(url: string, line: string): void {
    const [pair, ...attrs] = line.split(';');
    const eq = pair!.indexOf('=');
    const name = pair!.slice(0, eq).trim();
    const value = pair!.slice(eq + 1).trim();
    const expired = attrs.some((a) => /^\s*max-age=0\s*$/i.test(a) || (/^\s*expires=/i.test(a) && Date.parse(a.split('=')[1]!) < Date.now()));
    const jar = this.jars.get(new URL(url).origin) ?? new Map<string, string>();
    this.jars.set(new URL(url).origin, jar);
    if (expired || value === '') jar.delete(name); else jar.set(name, value);
  }

  /**
   * Follows redirects from `url` until a page answers without one or `stop` says to stop at a URL
   * (then that URL is answered, not requested). At most 20 hops.
   */
  async follow(url: string, stop: (next: URL) => boolean = () => false, init: { method?: string; form?: Record<string, string> } = {}): Promise<{ url: string; res?: Response }> {
    let current = url;
    let res = await this.request(current, init);
    for (let hop = 0; hop < 20; hop++) {
      const location = res.status >= 300 && res.status < 400 ? res.headers.get('location') : null;
      if (!location) return { url: current, res };
      await res.arrayBuffer();
      const next = new URL(location, current);
      if (stop(next)) return { url: next.href };
      current = next.href;
      res = await this.request(current);
    }
    throw new Error(`more than 20 redirects from ${url}`);
  }
}
