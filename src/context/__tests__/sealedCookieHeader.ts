import { createCookieStoreFromFetchApi } from '../../cookies/createCookieStoreFromFetchApi.js';
import type { TokenSet } from '../../session/TokenSet.js';
import type { AuthRuntime } from '../AuthRuntime.js';

/** Seals `tokens` with the runtime's codec and returns the `Cookie` request header a browser would send back. */
export async function sealedCookieHeader(runtime: AuthRuntime, tokens: TokenSet): Promise<string> {
  const response = new Response(null);
  await runtime.codec.write(createCookieStoreFromFetchApi(new Request('http://localhost:3000/'), response), tokens);
  return response.headers
    .getSetCookie()
    .map((line) => line.split(';')[0]!)
    .join('; ');
}

/** The cookies of a `Cookie` header as name → value. */
export function cookieList(header: string): Array<[string, string]> {
  return header
    .split('; ')
    .filter(Boolean)
    .map((pair) => {
      const i = pair.indexOf('=');
      return [pair.slice(0, i), pair.slice(i + 1)];
    });
}
