import type { Session } from '../session/Session.js';
import type { SessionWriteOptions } from '../session/SessionCodec.js';
import type { TokenSet } from '../session/TokenSet.js';
import type { ContextState } from './ContextState.js';

/**
 * Stores verified tokens as the context's session (a sign-in: server-side
 * sessions always get a new id) and makes later reads in the same operation
 * see them. Throws `CookiesReadOnly` where Next.js forbids writes (server
 * components), `StoreUnavailable` when a server-side session's store is down.
 */
export async function writeSession(state: ContextState, tokens: TokenSet, options: Pick<SessionWriteOptions, 'userAgent'> = {}): Promise<Session> {
  if (state.store === null) throw new TypeError('writeSession needs a request context');
  const session = await state.runtime.codec.write(state.store, tokens, options.userAgent ? { userAgent: options.userAgent } : {});
  state.session = Promise.resolve(session);
  state.userInfo = undefined;
  return session;
}
