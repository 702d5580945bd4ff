import { sealData, unsealData } from 'iron-session';
import { isAuthError } from '../errors/AuthError.js';
import type { AuthError } from '../errors/AuthError.js';
import type { TokenSet } from '../session/TokenSet.js';
import type { AuthStore } from '../store/AuthStore.js';
import type { Refresher } from './createRefresher.js';
import type { AccessTokenResult, ResourceGrantResult, ResourceRequest } from './resourceTokenGrant.js';
import { refreshTokenKey } from './tokenSetFacts.js';

/** One cached resource token (per process; sealed in the store as {@link StoredToken}). */
interface Entry {
  /** The resource it was issued for: checked again on every hit (never another API's token). */
  readonly resource: string;
  readonly token: AccessTokenResult;
  /** When we asked for it (epoch ms): its lifetime sets how early it is renewed. */
  readonly issuedAt: number;
}

/**
 * The per-process memory of resource tokens, on `globalThis` per issuer and
 * client (Next.js bundles the proxy, route handlers and pages separately).
 * Keys start with the SHA-256 of a refresh token: the grant, never anything
 * two users share.
 */
export interface ResourceTokenState {
  readonly cache: Map<string, Entry>;
  readonly inflight: Map<string, Promise<{ value: AccessTokenResult | AuthError; tokens: TokenSet }>>;
}

const SHARED = Symbol.for('next-server-auth.resource-token-states.v1');

/**
 * The resource-token memory that goes with a refresher's memory
 * (`Refresher.memory`): the process-wide one for the process-wide refresher
 * state, so every bundle's copy of the library shares it, and a private one
 * for a private refresher (one "instance" in tests).
 *
 * @example
 * ```ts
 * const tokens = createResourceTokens({ ...options, state: resourceTokenStateFor(refresher.memory ?? refresher) });
 * ```
 */
export function resourceTokenStateFor(memory: object): ResourceTokenState {
  const g = globalThis as { [SHARED]?: WeakMap<object, ResourceTokenState> };
  const states = (g[SHARED] ??= new WeakMap());
  let state = states.get(memory);
  if (state === undefined) states.set(memory, (state = { cache: new Map(), inflight: new Map() }));
  return state;
}

export interface ResourceTokensOptions {
  /** The session refresher: resource grants run in its lanes (see `Refresher.inLane`). */
  refresher: Refresher;
  /** One resource grant at the IdP (`resourceTokenGrant`); `dpopKey`: the session's (RFC 9449), its tokens are bound to it. */
  grant: (refreshToken: string, request: ResourceRequest, sub: string, dpopKey?: string) => Promise<ResourceGrantResult>;
  /** With a store: tokens are shared between instances, sealed with `secrets`. @default undefined (per process) */
  store?: AuthStore;
  secrets: Record<string, string>;
  /** Renew a token this long before it expires (at most a quarter of its lifetime). Milliseconds. */
  leewayMs: number;
  /** Bound on cached tokens (the oldest go first). */
  maxEntries: number;
  /** @default private to this instance */
  state?: ResourceTokenState;
  /** The store failed: the call went on per process. Never given tokens. */
  onUnavailable?: () => void;
  now?: () => number;
}

export interface ResourceTokens {
  /**
   * A valid access token for `request` on behalf of the session `session`
   * (whose `sub` is `sub`): from the cache while it is not due, else from one
   * resource grant, shared by every concurrent caller with the same refresh
   * token, resource and scopes. `tokens` is the session after it (a new
   * refresh token when the IdP rotated it: write it back). `value` is an
   * `AuthError` when the IdP refused after rotating (the rotation must be
   * written back before the error is thrown). `force`: the API rejected
   * the token the cache holds now: a new one, never that one again.
   *
   * @throws AuthError `RefreshTokenRejected`, `ResourceNotGranted`, `IdpUnavailable`.
   */
  get(
    session: TokenSet & { refreshToken: string },
    request: ResourceRequest,
    sub: string,
    options?: { force?: boolean },
  ): Promise<{ value: AccessTokenResult | AuthError; tokens: TokenSet }>;
}

/** Sealed under `rt:<hash>:res:<request hash>`. Short keys. */
interface StoredToken {
  v: 1;
  r: string;
  tk: string;
  exp: number;
  iat: number;
  sc?: string;
  /** `tokenType` 'DPoP' (bound to the session's key). */
  tt?: 'DPoP';
}

function isStoredToken(d: unknown): d is StoredToken {
  if (typeof d !== 'object' || d === null) return false;
  const r = d as Record<string, unknown>;
  return r.v === 1 && typeof r.r === 'string' && typeof r.tk === 'string' && typeof r.exp === 'number' && typeof r.iat === 'number' && (r.sc === undefined || typeof r.sc === 'string') && (r.tt === undefined || r.tt === 'DPoP');
}

const requestId = (request: ResourceRequest) => `${request.resource}\n${request.scope ?? '*'}`;

/**
 * Resource-scoped access tokens (RFC 8707) for signed-in sessions: a
 * per-process cache keyed by the grant (the refresh token's hash) plus the
 * resource and scopes, renewed shortly before expiry; single-flight renewal;
 * with a store, shared across instances (sealed, under hashed keys) and
 * renewed once across them, holding the refresh token's lock so a rotating
 * IdP never sees one refresh token twice. Tokens never go into the cookie.
 *
 * @example
 * ```ts
 * const resourceTokens = createResourceTokens({ refresher, grant, secrets, leewayMs: 30_000, maxEntries: 10_000 });
 * const { value, tokens } = await resourceTokens.get(session.tokens, { resource: 'https://orders.example.com' }, sub);
 * ```
 */
export function createResourceTokens(options: ResourceTokensOptions): ResourceTokens {
  const now = options.now ?? Date.now;
  const { cache, inflight } = options.state ?? { cache: new Map(), inflight: new Map() };
  const { store } = options;

  const usable = (entry: Entry, t: number) => t < entry.token.expiresAt - Math.min(options.leewayMs, (entry.token.expiresAt - entry.issuedAt) / 4);

  function remember(key: string, entry: Entry): void {
    const t = now();
    cache.delete(key);
    cache.set(key, entry);
    // Expired first, then the oldest past the bound.
    for (const [k, e] of cache) {
      if (cache.size <= options.maxEntries && e.token.expiresAt > t) break;
      cache.delete(k);
    }
  }

  async function storeKey(rtKey: string, request: ResourceRequest): Promise<string> {
    return `rt:${rtKey}:res:${await refreshTokenKey(requestId(request))}`;
  }

  /** A usable token for `refreshToken` + `request` already known here or, with a store, to another instance. */
  async function lookup(refreshToken: string, request: ResourceRequest, refused: string | undefined): Promise<AccessTokenResult | undefined> {
    const rtKey = await refreshTokenKey(refreshToken);
    const key = `${rtKey}\n${requestId(request)}`;
    const t = now();
    const entry = cache.get(key);
    if (entry !== undefined) {
      if (entry.resource === request.resource && usable(entry, t) && entry.token.token !== refused) return entry.token;
      cache.delete(key);
    }
    if (store === undefined) return undefined;
    try {
      const raw = await store.get(await storeKey(rtKey, request));
      if (raw === undefined) return undefined;
      const data: unknown = await unsealData(raw, { password: options.secrets }).catch(() => undefined);
      if (!isStoredToken(data) || data.r !== request.resource) return undefined;
      const found: Entry = { resource: data.r, issuedAt: data.iat, token: { token: data.tk, expiresAt: data.exp, ...(data.sc !== undefined ? { scope: data.sc } : {}), ...(data.tt !== undefined ? { tokenType: data.tt } : {}) } };
      if (!usable(found, now()) || found.token.token === refused) return undefined;
      remember(key, found);
      return found.token;
    } catch {
      // The store is a cache here: whatever failed, this is a miss (the grant itself holds the lock).
      options.onUnavailable?.();
      return undefined;
    }
  }

  /**
   * Keeps `token` under each refresh token that may present it (the old cookie and the new).
   * Never throws: it runs after a grant that may have rotated the refresh token, which must reach the session.
   */
  async function keep(refreshTokens: string[], request: ResourceRequest, entry: Entry): Promise<void> {
    try {
      await keepOrThrow(refreshTokens, request, entry);
    } catch {
      options.onUnavailable?.();
    }
  }

  async function keepOrThrow(refreshTokens: string[], request: ResourceRequest, entry: Entry): Promise<void> {
    const ttl = Math.floor((entry.token.expiresAt - now()) / 1000);
    const sealed = store !== undefined && ttl > 0
      ? await sealData({ v: 1, r: entry.resource, tk: entry.token.token, exp: entry.token.expiresAt, iat: entry.issuedAt, ...(entry.token.scope !== undefined ? { sc: entry.token.scope } : {}), ...(entry.token.tokenType !== undefined ? { tt: entry.token.tokenType } : {}) } satisfies StoredToken, { password: options.secrets, ttl: ttl + 60 })
      : undefined;
    const rtKeys = await Promise.all([...new Set(refreshTokens)].map((t) => refreshTokenKey(t)));
    // This process first: a store failure below must not cost the local cache.
    for (const rtKey of rtKeys) remember(`${rtKey}\n${requestId(request)}`, entry);
    if (sealed === undefined || store === undefined) return;
    for (const rtKey of rtKeys) await store.set(await storeKey(rtKey, request), sealed, ttl * 1000);
  }

  return {
    async get(session, request, sub, { force = false } = {}) {
      const presented = session.refreshToken;
      const current = await lookup(presented, request, undefined);
      const refused = force ? current?.token : undefined;
      if (refused !== undefined) {
        // Refused by the API: gone from this process's memory, whichever cookie it was kept for (rare: a scan is fine).
        for (const [key, entry] of cache) if (entry.token.token === refused) cache.delete(key);
      }
      const hit = force ? undefined : current;
      if (hit !== undefined) return { value: hit, tokens: session };
      // A forced renewal never joins a call that may hand out the refused token.
      const flightKey = `${await refreshTokenKey(presented)}\n${requestId(request)}${refused !== undefined ? `\n${await refreshTokenKey(refused)}` : ''}`;
      const pending = inflight.get(flightKey);
      if (pending) return pending;
      const call = options.refresher
        .inLane<AccessTokenResult | AuthError>(
          presented,
          session,
          async (refreshToken) => {
            const issuedAt = now();
            const answer = await options.grant(refreshToken, request, sub, session.dpopKey);
            if (answer.refused !== undefined) return { value: answer.refused, refreshToken: answer.refreshToken };
            await keep([presented, refreshToken, answer.refreshToken], request, { resource: request.resource, token: answer.accessToken, issuedAt });
            return { value: answer.accessToken, refreshToken: answer.refreshToken };
          },
          (refreshToken) => lookup(refreshToken, request, refused),
        )
        .then(async (outcome) => {
          // Found through a successor (another request rotated the token): the old cookie finds it too.
          if (!isAuthError(outcome.value) && outcome.tokens.refreshToken !== presented) {
            const entry = cache.get(`${await refreshTokenKey(outcome.tokens.refreshToken!)}\n${requestId(request)}`);
            if (entry !== undefined) remember(flightKey, entry);
          }
          return outcome;
        });
      inflight.set(flightKey, call);
      const settle = () => {
        if (inflight.get(flightKey) === call) inflight.delete(flightKey);
      };
      void call.then(settle, settle);
      return call;
    },
  };
}

