import type { AuthRuntime } from './AuthRuntime.js';
import type { ContextSpec } from './ContextSpec.js';
import { createContext, destroyContext } from './contextRegistry.js';
import { createCookieStore } from './createCookieStore.js';
import type { NextServerContext } from './NextServerContext.js';

/** Input of `runWithServerContext`. */
export interface RunWithServerContextInput<Result> {
  nextServerContext: NextServerContext;
  operation: (contextSpec: ContextSpec) => Result | Promise<Result>;
}

/** Runs `operation` in an isolated per-request auth context. */
export type RunWithServerContext = <Result>(input: RunWithServerContextInput<Result>) => Promise<Result>;

/**
 * Binds `runWithServerContext` to one runtime. Each call gets a fresh handle
 * and a fresh state; the handle is destroyed when the operation settles, even
 * when it throws.
 */
export function createRunWithServerContext(runtime: AuthRuntime): RunWithServerContext {
  return async function runWithServerContext<Result>({ nextServerContext, operation }: RunWithServerContextInput<Result>): Promise<Result> {
    const store = await createCookieStore(nextServerContext);
    const spec = createContext({ runtime, store });
    try {
      return await operation(spec);
    } finally {
      destroyContext(spec);
    }
  };
}
