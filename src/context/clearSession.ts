import type { ContextState } from './ContextState.js';

/** Deletes every session cookie of the context; later reads see a signed-out user. */
export function clearSession(state: ContextState): void {
  state.session = Promise.resolve(undefined);
  state.userInfo = undefined;
  if (state.store !== null) state.runtime.codec.clear(state.store);
}
