import { decodeJwt } from 'jose/jwt/decode';
import { AuthError, isAuthError } from '../errors/AuthError.js';
import type { TokenSet } from '../session/TokenSet.js';

export interface RefresherOptions {
  /** Performs one real refresh at the IdP. */
  grant: (refreshToken: string) => Promise<TokenSet>;
  /** Milliseconds a just-used refresh token keeps mapping to its result. */
  graceMs: number;
  /** Milliseconds a rotated-out token is remembered as spent (never sent to the IdP again). */
  spentMs: number;
  /** Bound on remembered tokens (each map). */
  maxEntries: number;
  /**
   * Where in-flight calls and remembered tokens live. Default: private to this
   * refresher. Pass {@link sharedRefresherState} so every copy of the library
   * in one process (Next.js bundles the proxy, route handlers and pages
   * separately) shares one single-flight and grace mapping.
   */
  state?: RefresherState;
  /** Called once per successful IdP call. */
  onRefreshed?: (tokens: TokenSet) => void;
  /** Called once per failed IdP call, with what the first caller passed as `subject`. */
  onFailed?: (error: AuthError, subject: unknown) => void;
  now?: () => number;
}

export interface Refresher {
  /**
   * New tokens for `refreshToken`. Concurrent calls with one token share one
   * IdP call; a token refreshed moments ago maps to that result.
   */
  refresh(refreshToken: string, options?: { force?: boolean; subject?: unknown }): Promise<TokenSet>;
  /** Keeps `refreshToken` mapped to its result until `untilMs` (its new cookie could not be stored). */
  extend(refreshToken: string, untilMs: number): void;
  /** How many IdP calls are in flight, and how many tokens are remembered (diagnostics, tests). */
  stats(): { inflight: number; recent: number; spent: number };
}

interface Recent {
  result: TokenSet;
  until: number;
}

/** The refresher's memory: in-flight IdP calls, recent results, spent tokens. */
export interface RefresherState {
  readonly inflight: Map<string, Promise<TokenSet>>;
  readonly recent: Map<string, Recent>;
  readonly spent: Map<string, number>;
}

const SHARED = Symbol.for('next-server-auth.refresher-state.v1');

/**
 * The process-wide refresher state for one client of one issuer, kept on
 * `globalThis`: Next.js gives the proxy, each route handler and the pages
 * their own copy of this module, and a refresh done by one copy must be
 * known to the others (otherwise a rotated-out refresh token reaches the IdP
 * again, which revokes the whole grant).
 *
 * @example
 * ```ts
 * const refresher = createRefresher({ ...options, state: sharedRefresherState(config.issuer, config.clientId) });
 * ```
 */
export function sharedRefresherState(issuer: string, clientId: string): RefresherState {
  const g = globalThis as { [SHARED]?: Map<string, RefresherState> };
  const states = (g[SHARED] ??= new Map());
  const key = `${issuer}\n${clientId}`;
  let state = states.get(key);
  if (state === undefined) {
    state = { inflight: new Map(), recent: new Map(), spent: new Map() };
    states.set(key, state);
  }
  return state;
}

function accessExpiry(tokens: TokenSet): number {
  try {
    const exp = decodeJwt(tokens.accessToken).exp;
    return typeof exp === 'number' ? exp * 1000 : 0;
  } catch {
    return 0;
  }
}

/** Deletes the oldest entries past `max` (Maps iterate in insertion order). */
function bound<K, V>(map: Map<K, V>, max: number): void {
  while (map.size > max) map.delete(map.keys().next().value as K);
}

/**
 * Single-flight refresh with a grace mapping, so refresh-token rotation never
 * logs a user out:
 *
 * - concurrent refreshes of one token share one token-endpoint call;
 * - a token that was just refreshed maps to its result for `graceMs` (requests
 *   still carrying the old cookie get the new session, not `invalid_grant`);
 * - a rotated-out token is then remembered as spent and never reaches the IdP
 *   again (a strict IdP would revoke the whole grant on reuse).
 *
 * Memory is bounded by `maxEntries` per map and every entry expires. The state
 * is per process (see `state`): several server processes each keep their own.
 *
 * @example
 * ```ts
 * const refresher = createRefresher({ grant: (rt) => refreshTokenGrant(config, endpoints, verifier, rt, 5000),
 *   graceMs: 60_000, spentMs: 86_400_000, maxEntries: 10_000 });
 * const tokens = await refresher.refresh(session.tokens.refreshToken);
 * ```
 */
export function createRefresher(options: RefresherOptions): Refresher {
  const now = options.now ?? Date.now;
  const { inflight, recent, spent } = options.state ?? { inflight: new Map<string, Promise<TokenSet>>(), recent: new Map<string, Recent>(), spent: new Map<string, number>() };

  function remember(token: string, result: TokenSet, until: number): void {
    recent.delete(token);
    recent.set(token, { result, until });
    bound(recent, options.maxEntries);
    if (result.refreshToken !== undefined && result.refreshToken !== token) {
      spent.delete(token);
      spent.set(token, now() + options.spentMs);
      bound(spent, options.maxEntries);
    }
  }

  function callIdp(token: string, subject: unknown): Promise<TokenSet> {
    const pending = inflight.get(token);
    if (pending) return pending;
    const call = options.grant(token).then(
      (result) => {
        remember(token, result, now() + options.graceMs);
        options.onRefreshed?.(result);
        return result;
      },
      (err: unknown) => {
        const error = isAuthError(err) ? err : new AuthError('IdpUnavailable', 'Refresh failed', { cause: err });
        options.onFailed?.(error, subject);
        throw error;
      },
    );
    inflight.set(token, call);
    // Settled calls leave the in-flight map; their result lives on in `recent`.
    void call.then(
      () => inflight.delete(token),
      () => inflight.delete(token),
    );
    return call;
  }

  return {
    async refresh(token, { force = false, subject } = {}) {
      const t = now();
      const hit = recent.get(token);
      if (hit && hit.until > t) {
        // Still fresh: the same answer for every request that carries this token.
        if (!force && accessExpiry(hit.result) > t) return hit.result;
        // The mapped result aged out too: continue the rotation chain from its token.
        const next = hit.result.refreshToken ?? token;
        const result = next === token ? await callIdp(token, subject) : await this.refresh(next, { force, subject });
        remember(token, result, Math.max(hit.until, t + options.graceMs));
        return result;
      }
      if (hit) recent.delete(token);
      const spentUntil = spent.get(token);
      if (spentUntil !== undefined) {
        if (spentUntil > t) throw new AuthError('RefreshTokenRejected', 'This refresh token was already rotated');
        spent.delete(token);
      }
      return callIdp(token, subject);
    },
    extend(token, untilMs) {
      const hit = recent.get(token);
      if (hit && hit.until < untilMs) hit.until = untilMs;
    },
    stats: () => ({ inflight: inflight.size, recent: recent.size, spent: spent.size }),
  };
}
