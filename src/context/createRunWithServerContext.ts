import type { AuthRuntime } from './AuthRuntime.js';
import type { ContextSpec } from './ContextSpec.js';
import type { NextServerContext } from './NextServerContext.js';
import { runInContext } from './runInContext.js';

/** Input of `runWithServerContext`. */
export interface RunWithServerContextInput<Result> {
  nextServerContext: NextServerContext;
  operation: (contextSpec: ContextSpec) => Result | Promise<Result>;
}

/** Runs `operation` in an isolated per-request auth context. */
export type RunWithServerContext = <Result>(input: RunWithServerContextInput<Result>) => Promise<Result>;

/**
 * Binds `runWithServerContext` to one runtime. Each call gets a fresh handle
 * and state; the handle is destroyed when the operation settles, so it cannot
 * be used afterwards (that throws `ContextDestroyed`).
 *
 * @example
 * ```ts
 * const user = await runWithServerContext({ nextServerContext: { cookies }, operation: (ctx) => getCurrentUser(ctx) });
 * ```
 */
export function createRunWithServerContext(runtime: AuthRuntime): RunWithServerContext {
  return ({ nextServerContext, operation }) => runInContext(runtime, nextServerContext, (spec) => operation(spec));
}
