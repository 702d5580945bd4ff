import { invalidConfig } from './invalidConfig.js';

/**
 * Chooses, among the configured redirect URIs, the one served by `origin`
 * (Amplify lists localhost and production side by side). Falls back to the
 * first when none matches, so a misconfigured origin still fails visibly at
 * the IdP rather than silently here.
 */
export function pickRedirectUri(field: string, uris: unknown, origin: string): string {
  const list = typeof uris === 'string' ? [uris] : uris;
  if (!Array.isArray(list) || list.length === 0) throw invalidConfig(field, 'must be a non-empty list of absolute URLs');
  const parsed = list.map((u, i) => {
    if (typeof u !== 'string') throw invalidConfig(`${field}[${i}]`, 'must be a string');
    let url: URL;
    try {
      url = new URL(u);
    } catch {
      throw invalidConfig(`${field}[${i}]`, `is not an absolute URL: ${JSON.stringify(u)}`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw invalidConfig(`${field}[${i}]`, 'must be http(s)');
    return url;
  });
  const match = parsed.find((u) => u.origin === origin);
  return (match ?? parsed[0]!).href;
}
