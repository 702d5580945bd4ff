import { AuthError, isAuthError } from '../errors/AuthError.js';
import type { TokenSet } from '../session/TokenSet.js';
import { REMEMBERED } from './createRefreshCoordinator.js';
import type { RefreshCoordinator } from './createRefreshCoordinator.js';
import { refreshRefusal } from './refreshRefusal.js';
import { accessExpiry, refreshTokenKey } from './tokenSetFacts.js';

export interface RefresherOptions {
  /** Performs one real refresh at the IdP (`previous`: the session refreshed, for its DPoP key). */
  grant: (refreshToken: string, previous?: TokenSet) => Promise<TokenSet>;
  /**
   * Milliseconds a rotated-out refresh token maps to its successor, counted
   * from its first use. Nothing extends it: after it the token is spent.
   */
  graceMs: number;
  /**
   * Milliseconds a spent token (rotated out, rejected by the IdP, signed out)
   * is remembered and refused locally, never sent to the IdP again.
   */
  spentMs: number;
  /** Bound on remembered tokens (each map; the oldest go first). */
  maxEntries: number;
  /**
   * Where in-flight calls and remembered tokens live. Default: private to this
   * refresher. Pass {@link sharedRefresherState} so every copy of the library
   * in one process (Next.js bundles the proxy, route handlers and pages
   * separately) shares one single-flight and grace mapping.
   */
  state?: RefresherState;
  /**
   * Shares the refresh with other instances (`runtimeOptions.store`): the
   * IdP call goes through it, and its answers carry the grace window fixed by
   * whichever instance refreshed first. The in-process single-flight stays in
   * front (one coordinated call per instance per token), and reads that need
   * no refresh never reach it. @default undefined (per-process only)
   */
  coordinator?: RefreshCoordinator;
  /** Called once per successful IdP call whose result is used. */
  onRefreshed?: (tokens: TokenSet) => void;
  /** Called once per failed IdP call (or a result about another user), with what the first caller passed as `subject`. */
  onFailed?: (error: AuthError, subject: unknown) => void;
  now?: () => number;
}

export interface RefreshOptions {
  /** Ask the IdP even when the mapped result is still valid (not for a token this process already rotated out). */
  force?: boolean;
  /** Who is refreshing, handed to `onFailed` (events); never compared. */
  subject?: unknown;
  /**
   * The token set being refreshed. The result must be about the same user
   * (same `sub` in the ID token and the access token, OIDC Core 12.2) and the
   * same authentication (its ID token's `iss`, `aud`, `azp`, no later
   * `auth_time`, no other `acr`: see `authenticationChange`), or the refresh
   * fails with `RefreshTokenRejected` and nothing is remembered but the
   * token's death (and its successor's).
   */
  previous?: TokenSet;
}

export interface Refresher {
  /**
   * New tokens for `refreshToken`. Concurrent calls with one token share one
   * IdP call; a token rotated out moments ago maps to its successor's result
   * for the grace window, then is refused locally.
   *
   * @throws AuthError `RefreshTokenRejected` (spent, rejected, signed out,
   *   another user) or `IdpUnavailable`.
   */
  refresh(refreshToken: string, options?: RefreshOptions): Promise<TokenSet>;
  /**
   * Sign-out: ends `refreshToken`'s chain in this process. Its grace mapping
   * and those of its predecessors and successors known here go, all are
   * spent, and a refresh of one of them in flight is discarded.
   * `cookieValidUntil` (the session's access-token expiry) is how long a
   * cookie carrying `refreshToken` must read as signed out without a refresh
   * ({@link Refresher.ended}).
   */
  end(refreshToken: string, options?: { cookieValidUntil?: number }): Promise<void>;
  /** True when `refreshToken` was signed out in this process and its cookie could still be valid (cheap: called per read). */
  ended(refreshToken: string): boolean;
  /**
   * Runs another grant than the session's own refresh on `refreshToken`'s
   * chain (a resource token, RFC 8707), in its lane: never while another
   * grant on the same token is in flight in this process (or, with a
   * coordinator, on any instance), since an IdP that rotates would take the
   * second use for a replay and revoke the whole grant. A token rotated out
   * moments ago continues from its successor. When `grant` rotates the
   * token, that is recorded as a refresh whose result is the session's
   * tokens with the new refresh token: a session refresh of the old token
   * (a concurrent request with the old cookie) maps to it for the grace
   * window, then the old token is spent, exactly as after a session refresh.
   * Resolves to `grant`'s value and the session's tokens after it (the
   * caller writes them back when their refresh token changed).
   *
   * `attempt` (optional) is asked before the grant, after every wait and
   * on every instance: a value another call already obtained.
   *
   * @throws AuthError `RefreshTokenRejected` (spent, signed out, rejected) or what `grant` throws.
   */
  inLane<T>(
    refreshToken: string,
    session: TokenSet,
    grant: (refreshToken: string) => Promise<{ value: T; refreshToken: string }>,
    attempt?: (refreshToken: string) => Promise<T | undefined>,
  ): Promise<{ value: T; tokens: TokenSet }>;
  /**
   * The memory this refresher works on (the process-wide one, or a private
   * one): what else is remembered per grant (resource tokens) goes beside it,
   * so it is shared exactly as widely.
   */
  readonly memory?: object;
  /** How many IdP calls are in flight, and how many tokens are remembered (diagnostics, tests). */
  stats(): { inflight: number; recent: number; spent: number; ended: number };
}

interface Recent {
  result: TokenSet;
  /** First use + grace: fixed when the IdP answered, never moved. */
  readonly until: number;
  /** Key of the successor refresh token, when the IdP rotated this one. */
  readonly next?: string;
}

/**
 * The refresher's memory. Keys are SHA-256 hashes of refresh tokens (never
 * the tokens), except `ended`, which is read on every request and so is
 * keyed by the token itself; its entries live only as long as the signed-out
 * cookie's access token.
 */
export interface RefresherState {
  readonly inflight: Map<string, Promise<TokenSet>>;
  readonly recent: Map<string, Recent>;
  readonly spent: Map<string, number>;
  readonly ended: Map<string, number>;
  /** Other grants on a refresh token (`inLane`) in flight, by its key. Absent: private to the refresher. */
  readonly lanes?: Map<string, Promise<unknown>>;
}

const SHARED = Symbol.for('next-server-auth.refresher-state.v2');

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
    state = emptyState();
    states.set(key, state);
  }
  return state;
}

function emptyState(): RefresherState {
  return { inflight: new Map(), recent: new Map(), spent: new Map(), ended: new Map(), lanes: new Map() };
}

/** Drops expired entries from the front (insertion order ≈ expiry order), then the oldest past `max`. */
function prune<V>(map: Map<string, V>, max: number, expiry: (v: V) => number, t: number): void {
  for (const [k, v] of map) {
    if (expiry(v) > t && map.size <= max) break;
    map.delete(k);
  }
}

const FROM_ELSEWHERE = Symbol.for('next-server-auth.refresh-results-from-elsewhere');

/**
 * Results another instance obtained (read through the coordinator), never
 * this process's own IdP answers: only those continue to their successor
 * when already expired. On `globalThis`, like the state: a caller of another
 * bundle's copy may be handed the same in-flight result.
 */
function sharedFromElsewhere(): WeakSet<TokenSet> {
  const g = globalThis as { [FROM_ELSEWHERE]?: WeakSet<TokenSet> };
  return (g[FROM_ELSEWHERE] ??= new WeakSet());
}

const rejected = (message: string) => new AuthError('RefreshTokenRejected', message);

/**
 * Single-flight refresh with a hard grace window, so refresh-token rotation
 * never logs a user out and a stolen old cookie never lives on:
 *
 * - concurrent refreshes of one token share one token-endpoint call;
 * - a rotated-out token maps to its successor's result for `graceMs` from its
 *   first use (requests still carrying the old cookie get the new session,
 *   not `invalid_grant`). If that result ages out inside the window, the
 *   chain continues from the successor; the window itself never moves;
 * - after the window the token is spent: refused locally, never sent to the
 *   IdP again (a strict IdP would revoke the whole grant on reuse);
 * - a token the IdP rejected is remembered the same way (a replayed dead
 *   cookie reaches the IdP once);
 * - a result about another `sub` than the session being refreshed, or whose
 *   ID token claims a later `auth_time` or another `acr` than the session's
 *   (OIDC Core 12.2), is refused and never remembered;
 * - {@link Refresher.end} (sign-out) spends a token and every token of its
 *   chain known here.
 *
 * Memory is bounded by `maxEntries` per map and every entry expires. The state
 * is per process (see `state`): several server processes each keep their own,
 * unless a `coordinator` (a shared store) makes them refresh as one.
 *
 * @example
 * ```ts
 * const refresher = createRefresher({ grant: (rt) => refreshTokenGrant(config, endpoints, verifier, rt, 5000),
 *   graceMs: 60_000, spentMs: 30 * 86_400_000, maxEntries: 10_000 });
 * const tokens = await refresher.refresh(session.tokens.refreshToken, { previous: session.tokens });
 * ```
 */
export function createRefresher(options: RefresherOptions): Refresher {
  const now = options.now ?? Date.now;
  const memory = options.state ?? emptyState();
  const { inflight, recent, spent, ended, lanes = new Map<string, Promise<unknown>>() } = memory;
  const max = options.maxEntries;
  const fromElsewhere = sharedFromElsewhere();

  function spend(key: string, t: number): void {
    recent.delete(key);
    spent.delete(key);
    spent.set(key, t + options.spentMs);
    prune(spent, max, (until) => until, t);
  }

  function isSpent(key: string, t: number): boolean {
    const until = spent.get(key);
    if (until === undefined) return false;
    if (until > t) return true;
    spent.delete(key);
    return false;
  }

  function callIdp(token: string, key: string, subject: unknown, previous: TokenSet | undefined, force = false): Promise<TokenSet> {
    const pending = inflight.get(key);
    if (pending) return pending;
    const fail = (error: AuthError): never => {
      options.onFailed?.(error, subject);
      throw error;
    };
    const { coordinator } = options;
    const answer = coordinator
      ? coordinator.refresh(token, key, { force, ...(previous !== undefined ? { previous } : {}) })
      : options.grant(token, previous).then((tokens) => ({ tokens, until: undefined, shared: false }));
    const call = answer.then(
      async ({ tokens: result, until, shared }) => {
        const t = now();
        const next = result.refreshToken !== undefined && result.refreshToken !== token ? await refreshTokenKey(result.refreshToken) : undefined;
        // Signed out while the IdP answered: the new tokens belong to nobody.
        if (isSpent(key, t)) {
          if (next !== undefined) spend(next, t);
          throw rejected('This refresh token was signed out');
        }
        const refused = previous === undefined ? undefined : refreshRefusal(previous, result);
        if (refused !== undefined) {
          spend(key, t);
          if (next !== undefined) spend(next, t);
          return fail(rejected(refused));
        }
        recent.delete(key);
        // Another instance's answer keeps the window it opened: nothing extends it.
        recent.set(key, { result, until: until ?? t + options.graceMs, ...(next !== undefined ? { next } : {}) });
        prune(recent, max, (r) => r.until, t);
        // Rotated out: once its window closes it must never reach the IdP again.
        if (next !== undefined) {
          spent.delete(key);
          spent.set(key, t + options.spentMs);
          prune(spent, max, (until) => until, t);
        }
        if (shared) fromElsewhere.add(result);
        else options.onRefreshed?.(result);
        return result;
      },
      (err: unknown) => {
        const error = isAuthError(err) ? err : new AuthError('IdpUnavailable', 'Refresh failed', { cause: err });
        // A dead token stays dead: replays are refused here, not at the IdP.
        if (error.code === 'RefreshTokenRejected') spend(key, now());
        // Refused from the store's memory: no IdP call failed here.
        if (error.cause === REMEMBERED) throw error;
        return fail(error);
      },
    );
    inflight.set(key, call);
    // Settled calls leave the in-flight map; their result lives on in `recent`.
    const settle = () => {
      if (inflight.get(key) === call) inflight.delete(key);
    };
    void call.then(settle, settle);
    return call;
  }

  async function refreshKey(token: string, key: string, opts: RefreshOptions): Promise<TokenSet> {
    const lane = lanes.get(key);
    if (lane) {
      // Another grant on this token (inLane) is in flight: a second use could be a replay. Look again after it.
      await lane.catch(() => undefined);
      return refreshKey(token, key, opts);
    }
    const { force = false, subject, previous } = opts;
    const t = now();
    const hit = recent.get(key);
    let result: TokenSet;
    if (hit && hit.until > t) {
      const successor = hit.result.refreshToken;
      result = hit.result;
      if (successor === undefined || successor === token) {
        // Not rotated (Cognito's default): the token is still good at the IdP.
        if (force || accessExpiry(result) <= t) result = await callIdp(token, key, subject, previous, force);
      } else if (accessExpiry(result) <= t) {
        // The successor's tokens aged out inside this token's window: continue
        // from the successor (its own window, its own spending). This token's
        // window does not move. `force` never rotates a rotated-out token again.
        result = await refreshKey(successor, await refreshTokenKey(successor), { subject, previous });
        if (recent.get(key) === hit) hit.result = result;
      }
    } else {
      if (hit) recent.delete(key);
      if (isSpent(key, t)) throw rejected('This refresh token was already used or rejected');
      result = await callIdp(token, key, subject, previous, force);
      const successor = result.refreshToken;
      // Another instance's mapping whose tokens aged out inside the window: continue from the successor, as above.
      if (fromElsewhere.has(result) && successor !== undefined && successor !== token && accessExpiry(result) <= now()) {
        result = await refreshKey(successor, await refreshTokenKey(successor), { subject, ...(previous !== undefined ? { previous } : {}) });
      }
    }
    const refused = previous === undefined ? undefined : refreshRefusal(previous, result);
    if (refused !== undefined) throw rejected(refused);
    return result;
  }

  return {
    async refresh(token, opts = {}) {
      return refreshKey(token, await refreshTokenKey(token), opts);
    },
    async end(token, { cookieValidUntil } = {}) {
      const t = now();
      // The chain through this token, both ways, as far as this process knows it.
      const chain = new Set([await refreshTokenKey(token)]);
      for (let grew = true; grew; ) {
        grew = false;
        for (const [key, { next }] of recent) {
          if (next !== undefined && chain.has(key) !== chain.has(next)) {
            chain.add(key).add(next);
            grew = true;
          }
        }
      }
      for (const key of chain) {
        spend(key, t);
        // An IdP call in flight learns it was signed out when it settles (see callIdp).
        inflight.delete(key);
      }
      // Every instance refuses the chain from now on (the store may be down: best effort, never throws for it).
      await options.coordinator?.end([...chain]);
      if (cookieValidUntil !== undefined && cookieValidUntil > t) {
        ended.delete(token);
        ended.set(token, cookieValidUntil);
        prune(ended, max, (until) => until, t);
      }
    },
    ended(token) {
      if (ended.size === 0) return false;
      const until = ended.get(token);
      if (until === undefined) return false;
      if (until > now()) return true;
      ended.delete(token);
      return false;
    },
    async inLane<T>(
      token: string,
      session: TokenSet,
      grant: (refreshToken: string) => Promise<{ value: T; refreshToken: string }>,
      attempt?: (refreshToken: string) => Promise<T | undefined>,
    ): Promise<{ value: T; tokens: TokenSet }> {
      let current = token;
      let base = session;
      for (;;) {
        const key = await refreshTokenKey(current);
        const busy = inflight.get(key) ?? lanes.get(key);
        if (busy) {
          // Wait, then look again: the token may have rotated meanwhile.
          await busy.catch(() => undefined);
          continue;
        }
        const t = now();
        const hit = recent.get(key);
        const successor = hit && hit.until > t ? hit.result.refreshToken : undefined;
        if (successor !== undefined && successor !== current) {
          // Rotated out moments ago: the chain continues from its successor.
          base = hit!.result;
          current = successor;
          continue;
        }
        if (isSpent(key, t)) throw rejected('This refresh token was already used or rejected');
        const from = current;
        const tokens = base;
        const run = async (): Promise<{ value: T; tokens: TokenSet } | { moved: TokenSet }> => {
          const found = await attempt?.(from);
          if (found !== undefined) return { value: found, tokens: { ...tokens, refreshToken: from } };
          const answer = options.coordinator
            ? await options.coordinator.exclusive(from, key, tokens, grant, attempt)
            : { ...(await grant(from)), moved: undefined };
          if (answer.moved !== undefined) return { moved: answer.moved };
          const after = now();
          const next = answer.refreshToken !== from ? await refreshTokenKey(answer.refreshToken) : undefined;
          if (isSpent(key, after)) {
            // Signed out while the IdP answered: the new refresh token belongs to nobody.
            if (next !== undefined) spend(next, after);
            throw rejected('This refresh token was signed out');
          }
          const result: TokenSet = { ...tokens, refreshToken: answer.refreshToken };
          if (next !== undefined) {
            // Recorded as a refresh: the old cookie maps to the session with the new token, for the grace window only.
            spend(key, after);
            recent.set(key, { result, until: after + options.graceMs, next });
            prune(recent, max, (r) => r.until, after);
            // Its access token is the session's old one: a session refresh finding it expired continues from the successor.
            fromElsewhere.add(result);
          }
          return { value: answer.value, tokens: result };
        };
        const call = run();
        lanes.set(key, call);
        const settle = () => {
          if (lanes.get(key) === call) lanes.delete(key);
        };
        void call.then(settle, settle);
        const outcome = await call;
        if ('moved' in outcome) {
          // Another instance rotated it meanwhile: continue from its successor.
          base = outcome.moved;
          current = outcome.moved.refreshToken ?? current;
          if (current === from) throw rejected('This refresh token was already used');
          continue;
        }
        return outcome;
      }
    },
    memory,
    stats: () => ({ inflight: inflight.size, recent: recent.size, spent: spent.size, ended: ended.size }),
  };
}
