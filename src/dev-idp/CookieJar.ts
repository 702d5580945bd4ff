interface StoredCookie {
  name: string;
  value: string;
  origin: string;
  path: string;
  /** Epoch ms; undefined = session cookie. */
  expiresAt?: number;
}

function defaultPath(url: URL): string {
  const { pathname } = url;
  const slash = pathname.lastIndexOf('/');
  return slash <= 0 ? '/' : pathname.slice(0, slash);
}

function pathMatches(requestPath: string, cookiePath: string): boolean {
  if (requestPath === cookiePath) return true;
  if (!requestPath.startsWith(cookiePath)) return false;
  return cookiePath.endsWith('/') || requestPath[cookiePath.length] === '/';
}

/**
 * A tiny per-origin cookie jar with `fetch` that never follows redirects,
 * enough to drive the dev IdP's hosted pages the way a browser would
 * (host-only cookies, Path, Max-Age/Expires; no Domain, no Secure logic).
 *
 * @example
 * ```ts
 * const jar = new CookieJar();
 * const response = await jar.fetch(`${issuer}/oauth2/authorize?${params}`);
 * response.status; // 303 to the login page
 * ```
 */
export class CookieJar {
  #cookies: StoredCookie[] = [];

  /** `fetch` with this jar's cookies and `redirect: 'manual'`; stores the response's cookies. */
  async fetch(url: string | URL, init: RequestInit = {}): Promise<Response> {
    const target = new URL(url);
    const headers = new Headers(init.headers);
    const cookie = this.header(target);
    if (cookie) headers.set('cookie', cookie);
    const response = await fetch(target, { ...init, headers, redirect: 'manual' });
    this.store(target, response.headers.getSetCookie());
    return response;
  }

  /** The Cookie header value for a request to `url`. */
  header(url: URL): string {
    const now = Date.now();
    this.#cookies = this.#cookies.filter((c) => c.expiresAt === undefined || c.expiresAt > now);
    return this.#cookies
      .filter((c) => c.origin === url.origin && pathMatches(url.pathname, c.path))
      .map((c) => `${c.name}=${c.value}`)
      .join('; ');
  }

  /** Names of the cookies currently held for an origin. */
  names(origin: string): string[] {
    const now = Date.now();
    return this.#cookies.filter((c) => c.origin === origin && (c.expiresAt === undefined || c.expiresAt > now)).map((c) => c.name);
  }

  store(url: URL, setCookies: string[]): void {
    for (const line of setCookies) {
      const [pair = '', ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const cookie: StoredCookie = {
        name: pair.slice(0, eq).trim(),
        value: pair.slice(eq + 1).trim(),
        origin: url.origin,
        path: defaultPath(url),
      };
      let maxAge: number | undefined;
      for (const attribute of attributes) {
        const [rawKey = '', ...rest] = attribute.split('=');
        const key = rawKey.trim().toLowerCase();
        const value = rest.join('=').trim();
        if (key === 'path' && value.startsWith('/')) cookie.path = value;
        if (key === 'expires') {
          const time = Date.parse(value);
          if (!Number.isNaN(time)) cookie.expiresAt = time;
        }
        if (key === 'max-age' && /^-?\d+$/.test(value)) maxAge = Number(value);
      }
      // Max-Age wins over Expires (RFC 6265 5.3).
      if (maxAge !== undefined) cookie.expiresAt = Date.now() + maxAge * 1000;
      this.#cookies = this.#cookies.filter(
        (c) => !(c.name === cookie.name && c.origin === cookie.origin && c.path === cookie.path),
      );
      if (cookie.expiresAt === undefined || cookie.expiresAt > Date.now()) this.#cookies.push(cookie);
    }
  }
}
