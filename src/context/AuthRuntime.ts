import type { AuthEndpoints, ResolvedAuthConfig } from '../config/types.js';
import type { ResolvedRuntimeOptions } from '../config/runtimeOptions.js';
import type { SessionCodec } from '../session/SessionCodec.js';
import type { TokenVerifier } from '../tokens/TokenVerifier.js';
import type { TransactionCookieOptions } from '../oauth/transactionCookies.js';
import type { ConsumedStates } from '../oauth/createConsumedStates.js';
import type { Refresher } from '../tokens/createRefresher.js';
import type { AuthEvents } from '../config/AuthEvents.js';
import type { SessionDirectory } from '../session/SessionDirectory.js';
import type { ServerCodec } from '../session/createServerCodec.js';
import type { Session } from '../session/Session.js';
import type { RevocationList } from '../session/createRevocationList.js';

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
  /** States of callbacks already accepted (server-side single use), shared per process. */
  readonly consumedStates: ConsumedStates;
  /** Single-flight refresh with grace mapping, shared by every context of this runner. */
  readonly refresher: Refresher;
  /** Calls an event callback; never throws, never awaits the callback's completion. */
  /** Ends sessions by user or IdP session (sign-out everywhere, back-channel logout). */
  readonly sessions: SessionDirectory;
  /** `session.codec: 'server'`: the codec (the same object as `codec`), with its listing and ending of sessions. */
  readonly serverCodec?: ServerCodec;
  /**
   * Cookie codecs: true when a cut-off ("signed out everywhere", back-channel
   * logout) ends `session`. Checked before a refresh; the codecs check it on cold reads.
   */
  readonly isRevoked?: (session: Session) => Promise<boolean>;
  /** Cookie codecs: the cut-off list behind `isRevoked` and `sessions.endSessions`. */
  readonly revocations?: RevocationList;
  readonly emit: <E extends keyof AuthEvents>(name: E, event: Parameters<NonNullable<AuthEvents[E]>>[0]) => void;
}
