import * as oauth from 'oauth4webapi';
import type { DPoPKey } from './importDPoPKey.js';

/**
 * The last `DPoP-Nonce` each server origin sent (RFC 9449 §8, §9), shared by
 * every session of this process: a nonce belongs to the server, not to a key,
 * so one session's retry spares the others theirs. Bounded (oldest first).
 */
const nonces = new Map<string, string>();
const MAX_ORIGINS = 100;

function remember(origin: string, nonce: string): void {
  nonces.delete(origin);
  if (nonces.size >= MAX_ORIGINS) nonces.delete(nonces.keys().next().value!);
  nonces.set(origin, nonce);
}

/**
 * An oauth4webapi DPoP handle signing proofs with the session's key, for the
 * `DPoP` option of its requests (token endpoint, userinfo, protected
 * resources). The proof carries the last nonce the target origin sent, and
 * every `DPoP-Nonce` answer is remembered for that origin.
 *
 * @example
 * ```ts
 * const dpop = dpopHandle(await importDPoPKey(tokens.dpopKey!));
 * await oauth.refreshTokenGrantRequest(as, client, auth, rt, { ...requestOptions(config, 5000, dpop) });
 * ```
 */
export function dpopHandle(key: DPoPKey): oauth.DPoPHandle {
  const handle = oauth.DPoP({}, key.keyPair, {
    [oauth.modifyAssertion]: (_header, payload) => {
      if (payload.nonce !== undefined || typeof payload.htu !== 'string') return;
      const nonce = nonces.get(new URL(payload.htu).origin);
      if (nonce !== undefined) payload.nonce = nonce;
    },
  });
  // oauth4webapi keeps nonces per handle (one per request here): also keep them per process.
  const own = handle as oauth.DPoPHandle & { cacheNonce(response: Response, url: URL): void };
  const cacheNonce = own.cacheNonce.bind(own);
  own.cacheNonce = (response, url) => {
    cacheNonce(response, url);
    const nonce = response.headers.get('dpop-nonce');
    if (nonce) remember(url.origin, nonce);
  };
  return handle;
}

/**
 * Runs a DPoP request, and once more when the server answers
 * `use_dpop_nonce` (RFC 9449 §8: the answer carried the nonce to use, which
 * the handle now holds). Without a handle it just runs.
 *
 * @example
 * ```ts
 * const response = await withDPoPNonceRetry(dpop, async () => oauth.processRefreshTokenResponse(as, client,
 *   await oauth.refreshTokenGrantRequest(as, client, auth, rt, requestOptions(config, 5000, dpop))));
 * ```
 */
export async function withDPoPNonceRetry<T>(dpop: oauth.DPoPHandle | undefined, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (dpop === undefined || !oauth.isDPoPNonceError(err)) throw err;
    return run();
  }
}
