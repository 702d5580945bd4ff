import type * as oauth from 'oauth4webapi';
import { dpopHandle } from './dpopHandle.js';
import { importDPoPKey } from './importDPoPKey.js';

/** Proofs for requests to protected resources with a session's key (see {@link createDPoPSigner}). */
export interface DPoPSigner {
  /** Sets `Authorization: DPoP <token>` and a `DPoP` proof for `method` `url` (`ath` = the token's hash, the origin's last nonce). */
  authorize(headers: Headers, url: URL, method: string, accessToken: string): Promise<void>;
  /** Remembers the `DPoP-Nonce` a response from `url`'s origin carries (for this and later proofs to it). */
  learn(response: Response, url: URL): void;
}

type ProofHandle = oauth.DPoPHandle & {
  addProof(url: URL, headers: Headers, htm: string, accessToken?: string): Promise<void>;
  cacheNonce(response: Response, url: URL): void;
};

/**
 * A signer of DPoP proofs for protected-resource requests made outside
 * oauth4webapi's own request functions (the API proxy streams its bodies
 * itself): the same handle, proof format and per-origin nonce memory as the
 * token endpoint and userinfo calls.
 *
 * @example
 * ```ts
 * const signer = await createDPoPSigner(session.tokens.dpopKey!);
 * await signer.authorize(headers, url, 'GET', session.tokens.accessToken);
 * ```
 */
export async function createDPoPSigner(dpopKey: string): Promise<DPoPSigner> {
  const handle = dpopHandle(await importDPoPKey(dpopKey)) as ProofHandle;
  return {
    async authorize(headers, url, method, accessToken) {
      await handle.addProof(url, headers, method.toUpperCase(), accessToken);
      headers.set('authorization', `DPoP ${accessToken}`);
    },
    learn: (response, url) => handle.cacheNonce(response, url),
  };
}
