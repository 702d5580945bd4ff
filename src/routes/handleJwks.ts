import { loadClientKey } from '../config/loadClientKey.js';
import type { RouteContext } from './RouteContext.js';
import { NO_STORE } from './noStore.js';

/**
 * `GET jwks`: the app's public JSON Web Key Set (RFC 7517), for an IdP that
 * authenticates it with `private_key_jwt` (register this URL as the client's
 * `jwks_uri`, or paste the set as its `jwks`). Only the public members of
 * `oidc.clientPrivateKey`, with `kid`, `alg` and `use: "sig"`; a 404 when
 * no private key is configured. Cacheable for five minutes: the key changes
 * only with a deploy, and an IdP refetches on an unknown `kid`.
 *
 * @example
 * ```ts
 * // GET /api/auth/jwks → 200 {"keys":[{"kty":"EC","crv":"P-256","x":"…","y":"…","kid":"…","alg":"ES256","use":"sig"}]}
 * ```
 */
export async function handleJwks(route: RouteContext): Promise<Response> {
  const { clientKey } = route.runtime.config;
  if (clientKey === undefined) {
    return Response.json({ error: 'not_found' }, { status: 404, headers: { 'cache-control': NO_STORE } });
  }
  const { publicJwk } = await loadClientKey(clientKey);
  return Response.json(
    { keys: [publicJwk] },
    { status: 200, headers: { 'cache-control': 'public, max-age=300', 'x-content-type-options': 'nosniff' } },
  );
}
