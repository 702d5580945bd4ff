import { parseSetCookie } from 'cookie';

/**
 * A minimal browser cookie jar for tests: applies Set-Cookie lines (a line
 * with Max-Age <= 0 or a past Expires removes the cookie) and produces the
 * next request's Cookie header. Path and domain are ignored: the tests use one
 * path and one host.
 */
export class CookieJar {
  /** name -> value as on the wire (still encoded) */
  readonly #cookies = new Map<string, string>();

  constructor(initial: Record<string, string> = {}) {
    for (const [name, value] of Object.entries(initial)) this.#cookies.set(name, value);
  }

  apply(lines: readonly string[]): void {
    for (const line of lines) {
      const cookie = parseSetCookie(line, { decode: (raw) => raw });
      const expired =
        cookie.maxAge !== undefined ? cookie.maxAge <= 0 : cookie.expires !== undefined && cookie.expires.getTime() <= Date.now();
      if (expired) this.#cookies.delete(cookie.name);
      else this.#cookies.set(cookie.name, cookie.value ?? '');
    }
  }

  header(): string {
    return [...this.#cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  names(): string[] {
    return [...this.#cookies.keys()].sort();
  }
}

/** Names of the Set-Cookie lines that expire their cookie. */
export function expiredNames(lines: readonly string[]): string[] {
  return lines
    .map((line) => parseSetCookie(line, { decode: (raw) => raw }))
    .filter((c) => c.maxAge === 0 && c.expires?.getTime() === 0 && c.value === '')
    .map((c) => c.name)
    .sort();
}

/** Names of the Set-Cookie lines that set a value. */
export function setNames(lines: readonly string[]): string[] {
  return lines
    .map((line) => parseSetCookie(line, { decode: (raw) => raw }))
    .filter((c) => !(c.maxAge !== undefined && c.maxAge <= 0))
    .map((c) => c.name)
    .sort();
}
