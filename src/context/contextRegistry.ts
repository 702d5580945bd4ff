import { AuthError } from '../errors/AuthError.js';
import type { ContextSpec } from './ContextSpec.js';
import type { ContextState } from './ContextState.js';

// A WeakMap so a handle that leaks out of its operation cannot keep its state
// alive; the counter exists because a WeakMap cannot say it is empty.
const states = new WeakMap<ContextSpec, ContextState>();
let live = 0;

/** Registers `state` and returns a fresh opaque handle for it. */
export function createContext(state: ContextState): ContextSpec {
  const spec = Object.freeze(Object.create(null)) as ContextSpec;
  states.set(spec, state);
  live += 1;
  return spec;
}

/** The state behind `spec`; throws `ContextDestroyed` once its operation has settled. */
export function getContextState(spec: ContextSpec): ContextState {
  const state = typeof spec === 'object' && spec !== null ? states.get(spec) : undefined;
  if (state === undefined) {
    throw new AuthError('ContextDestroyed', 'This context handle is not valid: use it only inside its runWithServerContext operation');
  }
  return state;
}

/** Forgets `spec`; later use throws. */
export function destroyContext(spec: ContextSpec): void {
  if (states.delete(spec)) live -= 1;
}

/** How many contexts are alive in this process (for tests and diagnostics). */
export function liveContextCount(): number {
  return live;
}
