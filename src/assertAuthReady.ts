import { isAuthError } from './errors/AuthError.js';
import { RUNNER_CHECK } from './runnerCheck.js';
import type { RunnerCheck } from './runnerCheck.js';

/** Options of {@link assertAuthReady}. */
export interface AssertAuthReadyOptions {
  /**
   * Fetch the IdP's OpenID discovery document at start-up (generic OIDC
   * configs; Cognito configs know their endpoints). `'warn'`: a failure is
   * logged with the URL and the cause and the server starts (discovery is
   * retried on each sign-in, so an IdP that is down during a deploy recovers
   * by itself). `'fail'`: a failure fails the check. `'skip'`: no request.
   * @default 'warn'
   */
  discovery?: 'warn' | 'fail' | 'skip';
  /**
   * Stop the process (`process.exit(1)`) when the check fails. Next.js 16.4
   * does not stop on its own: when `register()` throws, `next start` prints
   * Ready and answers every request, public pages too, with a 500.
   * In development the error is logged and the dev server keeps running, so
   * fixing `auth.ts` or `.env` reloads without a restart.
   * @default process.env.NODE_ENV === 'production'
   */
  exitOnFailure?: boolean;
}

/** Where the check writes and how it stops (tests replace them). */
export interface AssertAuthReadySeams {
  env?: Record<string, string | undefined>;
  error?: (message: string) => void;
  warn?: (message: string) => void;
  exit?: (code: number) => void;
}

/**
 * Checks the app's auth setup when the server starts, from Next's
 * `instrumentation.ts`: loads the module that calls `createServerRunner`
 * (which validates the config, `AUTH_SECRET` and `AUTH_ORIGIN` and throws
 * `AuthError('InvalidConfig' | 'InvalidSecret')` naming the field), then,
 * by default, tries the IdP's discovery. A failure is logged in one line and,
 * in production, stops the server instead of letting every page answer 500.
 * Resolves to `true` when the setup is usable. Does nothing while
 * `next build` runs.
 *
 * Node.js runtime only: import it under `process.env.NEXT_RUNTIME === 'nodejs'`
 * (Next also compiles `instrumentation.ts` for the edge runtime, where a
 * process cannot be stopped).
 *
 * @example
 * ```ts
 * // instrumentation.ts (next to auth.ts)
 * export async function register() {
 *   if (process.env.NEXT_RUNTIME === 'nodejs') {
 *     const { assertAuthReady } = await import('next-server-auth/instrumentation');
 *     await assertAuthReady(() => import('./auth'));
 *   }
 * }
 * ```
 */
export async function assertAuthReady(
  load: () => unknown,
  options: AssertAuthReadyOptions = {},
  seams: AssertAuthReadySeams = {},
): Promise<boolean> {
  const env = seams.env ?? process.env;
  if (env.NEXT_PHASE === 'phase-production-build') return true;
  const discovery = options.discovery ?? 'warn';
  const exitOnFailure = options.exitOnFailure ?? env.NODE_ENV === 'production';
  const error = seams.error ?? ((m: string) => console.error(m));
  const warn = seams.warn ?? ((m: string) => console.warn(m));
  const exit = seams.exit ?? ((code: number) => process.exit(code));

  const fail = (err: unknown): false => {
    error(
      `next-server-auth: the auth setup cannot work, ${exitOnFailure ? 'stopping the server' : 'requests that use it will fail'}. ${describe(err)}`,
    );
    if (exitOnFailure) exit(1);
    return false;
  };

  let loaded: unknown;
  try {
    loaded = await load();
  } catch (err) {
    return fail(err);
  }
  const checks = runnerChecksOf(loaded);
  if (checks.length === 0) {
    warn('next-server-auth: assertAuthReady found no export of createServerRunner in the loaded module; only loading it was checked.');
    return true;
  }
  for (const check of checks) {
    try {
      await check({ discovery: discovery !== 'skip' });
    } catch (err) {
      if (discovery === 'warn' && isAuthError(err, 'DiscoveryFailed')) {
        warn(`next-server-auth: ${err.message}. The server starts; sign-in answers 503 until discovery succeeds.`);
        continue;
      }
      return fail(err);
    }
  }
  return true;
}

/** The distinct runner checks carried by a module's exports (see RUNNER_CHECK). */
function runnerChecksOf(loaded: unknown): RunnerCheck[] {
  if (typeof loaded !== 'object' || loaded === null) return [];
  const checks = new Set<RunnerCheck>();
  for (const value of Object.values(loaded)) {
    const check: unknown = typeof value === 'function' ? (value as { [RUNNER_CHECK]?: unknown })[RUNNER_CHECK] : undefined;
    if (typeof check === 'function') checks.add(check as RunnerCheck);
  }
  return [...checks];
}

/** One line: the AuthError's code and message (built to name fields, never secrets), or the error's own message. */
function describe(err: unknown): string {
  if (isAuthError(err)) return `${err.code}: ${err.message}`;
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}
