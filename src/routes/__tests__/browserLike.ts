import { CookieJar } from '../../dev-idp/CookieJar.js';

/**
 * A scripted browser over HTTP: follows redirects across the app and the dev
 * IdP with one cookie jar, filling the IdP's login form when it appears.
 */
export class BrowserLike {
  readonly jar = new CookieJar();

  constructor(private readonly appOrigin: string) {}

  /** Navigates like a browser (GETs along redirects); returns the final response and URL. */
  async navigate(start: string, login?: { username: string; password: string }, init: RequestInit = {}): Promise<{ url: URL; response: Response; body: string; trail: URL[] }> {
    let url = new URL(start, this.appOrigin);
    let response = await this.jar.fetch(url, init);
    const trail = [url];
    for (let hops = 0; hops < 20; hops++) {
      if (response.status >= 300 && response.status < 400) {
        const location = response.headers.get('location');
        await response.body?.cancel();
        if (!location) break;
        url = new URL(location, url);
        trail.push(url);
        response = await this.jar.fetch(url);
        continue;
      }
      const body = await response.text();
      const action = /<form\b[^>]*\bid="sign-in-form"[^>]*>/i.exec(body)?.[0]?.match(/\baction="([^"]*)"/i)?.[1]?.replace(/&amp;/g, '&');
      if (action && login) {
        url = new URL(action, url);
        response = await this.jar.fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams(login).toString(),
        });
        login = undefined;
        continue;
      }
      return { url, response, body, trail };
    }
    throw new Error(`too many redirects from ${start}`);
  }

  /** Names of the app's cookies the jar holds. */
  appCookies(): string[] {
    return this.jar.names(this.appOrigin).sort();
  }
}
