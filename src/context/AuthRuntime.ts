import type { AuthEndpoints, ResolvedAuthConfig } from '../config/types.js';
import type { ResolvedRuntimeOptions } from '../config/runtimeOptions.js';
import type { SessionCodec } from '../session/SessionCodec.js';
import type { TokenVerifier } from '../tokens/TokenVerifier.js';
import type { TransactionCookieOptions } from '../oauth/transactionCookies.js';

/**
 * Everything one `createServerRunner` call owns and its contexts share:
 * validated config, the session codec, the token verifier and caches.
 * Nothing here is module-level: two runners never share state.
 */
export interface AuthRuntime {
  readonly config: ResolvedAuthConfig;
  readonly options: ResolvedRuntimeOptions;
  readonly endpoints: () => Promise<AuthEndpoints>;
  readonly verifier: TokenVerifier;
  readonly codec: SessionCodec;
  /** Sealed sign-in transaction cookies. */
  readonly transactions: TransactionCookieOptions;
}
