import type { AuthRuntime } from './AuthRuntime.js';
import type { ContextSpec } from './ContextSpec.js';
import type { ContextState } from './ContextState.js';
import { createContext, destroyContext, getContextState } from './contextRegistry.js';
import { createCookieStore } from './createCookieStore.js';
import type { NextServerContext } from './NextServerContext.js';

/**
 * Creates a context for `nextServerContext`, runs `operation` with its
 * handle and state, and destroys it when the operation settles (even on
 * throw). The one place contexts are born and die.
 */
export async function runInContext<Result>(
  runtime: AuthRuntime,
  nextServerContext: NextServerContext,
  operation: (spec: ContextSpec, state: ContextState) => Result | Promise<Result>,
): Promise<Result> {
  const store = await createCookieStore(nextServerContext);
  const spec = createContext({ runtime, store });
  try {
    return await operation(spec, getContextState(spec));
  } finally {
    destroyContext(spec);
  }
}
