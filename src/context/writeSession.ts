import type { Session } from '../session/Session.js';
import type { TokenSet } from '../session/TokenSet.js';
import type { ContextState } from './ContextState.js';

/**
 * Stores verified tokens as the context's session and makes later reads in
 * the same operation see them. Throws `CookiesReadOnly` where Next.js forbids
 * writes (server components).
 */
export async function writeSession(state: ContextState, tokens: TokenSet): Promise<Session> {
  if (state.store === null) throw new TypeError('writeSession needs a request context');
  const session = await state.runtime.codec.write(state.store, tokens);
  state.session = Promise.resolve(session);
  state.userInfo = undefined;
  return session;
}
