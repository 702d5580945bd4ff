/**
 * The key under which each function `createServerRunner` returns carries its
 * runner's start-up check, so `assertAuthReady` finds it in an `auth.ts`
 * module whatever the app named its exports. `Symbol.for`: the instrumentation
 * bundle may hold its own copy of this library.
 */
export const RUNNER_CHECK: unique symbol = Symbol.for('next-server-auth.runnerCheck');

/**
 * What a runner checks at start-up beyond what `createServerRunner` already
 * validated (config, secret, origin): with `discovery`, the IdP's discovery
 * document (generic OIDC; Cognito configs know their endpoints).
 */
export type RunnerCheck = (options: { discovery: boolean }) => Promise<void>;
