import type { AuthEvents } from './AuthEvents.js';
import type { AuthStore } from '../store/AuthStore.js';
import type { CognitoEndpointOptions } from './types.js';

/** Options of `createServerRunner({ runtimeOptions })`. Every field has a safe default. */
export interface RuntimeOptions {
  /**
   * Secret(s) sealing the session cookie, at least 32 characters. A map
   * `{ 1: 'old', 2: 'new' }` rotates: the highest id seals, all unseal.
   * @default process.env.AUTH_SECRET (a fixed development secret, with a warning, only when the
   *   origin is http on localhost / 127.0.0.1 / [::1] outside production; anything else fails at start-up)
   */
  secret?: string | Record<string | number, string>;
  /**
   * The app's public origin. Redirect URLs and cookie security derive from it,
   * never from request headers (Host / X-Forwarded-* are attacker-controlled).
   * @default process.env.AUTH_ORIGIN (outside production, with a warning: `http://localhost:<PORT>`,
   *   the port `next dev` / `next start` run on, which they put in `PORT`; `http://localhost:3000` without `PORT`)
   */
  origin?: string;
  cookies?: {
    /** @default undefined (host-only; the `__Host-` prefix is used on https) */
    domain?: string;
    /** @default 'lax' */
    sameSite?: 'lax' | 'strict' | 'none';
    /**
     * Session cookie lifetime in seconds.
     * @default 2592000 (30 days) with the sealed codec; 31536000 (365 days, what
     *   Amplify itself writes) with the amplify codec, so switching signs nobody out early
     */
    maxAge?: number;
    /** Base name of the session cookie. @default 'nsa.session' */
    name?: string;
  };
  session?: {
    /**
     * `'sealed'`: the token set sealed into one httpOnly cookie (chunked).
     * `'amplify'`: Amplify JS v6's cookie layout
     * (`CognitoIdentityServiceProvider.<clientId>.<username>.idToken`, …), readable and
     * writable by `Amplify.configure(outputs, { ssr: true })` in the browser; tokens
     * are verified with jose on every read, cookies are not httpOnly.
     * `'server'`: server-side sessions. The browser holds one small httpOnly
     * cookie (`nsa.sid`, a random id and its HMAC, under 200 bytes, never
     * chunked); the tokens live in `runtimeOptions.store`, sealed with
     * `secret`. Sign-out deletes the record, so every copy of the cookie is
     * dead at once on every instance; `listSessions`, `revokeSession` and
     * `signOutEverywhere` work per session. Needs `store` (else
     * `InvalidConfig` at start-up) and the Node.js runtime. A store outage
     * makes reads that miss the per-process cache answer 503 (never "signed
     * out"). The session lasts at most `cookies.maxAge` from sign-in.
     * @default 'sealed'
     */
    codec?: 'sealed' | 'amplify' | 'server';
    /**
     * With `runtimeOptions.store`: seconds a process may serve a cached
     * session without hearing about revocations, i.e. while its pub/sub
     * subscription to the store is down or not yet made (on a drop or a
     * reconnect the cache is flushed; entries cached meanwhile are read again
     * after this long). With the subscription up, revocations (sign-out and
     * `revokeSession` for `codec: 'server'`; `signOutEverywhere` and
     * back-channel logout for every codec) reach every instance's cache at
     * once and entries live until their access token is due. A positive
     * number, at most 300.
     * @default 5
     */
    offlineMaxAge?: number;
    /**
     * When the sealed codec verifies the tokens' signatures (jose, cached
     * JWKS; `iss`, `aud`/`client_id` and `token_use` too, while an expired
     * token still reads, to be refreshed). Tokens are always verified when
     * they enter the session (sign-in, refresh).
     * - `'once'`: once per new cookie value, before the process caches it;
     *   warm reads stay a cache hit. Someone holding only `AUTH_SECRET` then
     *   cannot mint a session: the IdP's signing key is needed too. If the
     *   JWKS cannot be fetched, the seal alone authenticates the read and the
     *   value is checked again 30 s later: an IdP outage signs nobody out.
     * - `'always'`: on every read (costs two signature checks per request).
     * - `'never'`: the seal alone authenticates a cookie.
     * @default 'once'
     */
    verifySignatures?: 'once' | 'always' | 'never';
    /** @deprecated Use `verifySignatures: 'always'`. `true` means `'always'`. */
    verifyOnRead?: boolean;
    /** How many decoded sessions a process keeps, keyed by cookie value. @default 10000 */
    cacheSize?: number;
    /**
     * Upper bound, in estimated bytes, of the decoded-session cache of a
     * process (the oldest entries go first). A Cognito-sized session takes
     * ~15 KB. @default 67108864 (64 MiB)
     */
    cacheBytes?: number;
  };
  tokens?: {
    /** Tolerated clock difference with the IdP, seconds. @default 30 */
    clockSkew?: number;
    /** Accepted JWS algorithms (asymmetric only). @default ['RS256','RS384','RS512','PS256','PS384','PS512','ES256','ES384','ES512','EdDSA'] */
    algorithms?: string[];
  };
  refresh?: {
    /**
     * Refresh this many seconds before the access token expires (capped at a
     * quarter of the token's lifetime, so short-lived tokens still get used).
     * @default 30
     */
    leeway?: number;
    /**
     * Seconds a rotated-out refresh token keeps mapping to its successor's
     * tokens, counted from its first use, so requests still carrying the old
     * cookie (concurrent requests, server components) get the new session
     * instead of reusing a rotated token. A hard window: nothing extends it;
     * after it the old token is spent and a request carrying it is signed out.
     * Between 0 and 3600. @default 60
     */
    grace?: number;
  };
  /**
   * Cognito settings. `amplify_outputs.json` configs: `userPoolEndpoint`
   * points the pool at a local Cognito-compatible server (the dev IdP), as
   * Amplify's own option does, so tests need no network. Every Cognito
   * config: `authFlow` (how `cognito.signIn` proves the password,
   * USER_SRP_AUTH by default) and `userPoolId` (for an `{ oidc }` config on a
   * local issuer). See {@link CognitoEndpointOptions}.
   * @default {}
   */
  cognito?: CognitoEndpointOptions;
  /** Server-side auth event callbacks (never given tokens). */
  events?: AuthEvents;
  /**
   * State shared by every instance of the app (several `next start`
   * processes, replicas, serverless functions), e.g. `createRedisStore` from
   * `next-server-auth/redis`. With it a refresh token is refreshed once across
   * all instances (a lock per token; the result, sealed with `secret`, is read
   * by the others), and the grace window and the spent / rejected / signed-out
   * tokens are the same on every instance. Only refreshes use it: a read that
   * needs no refresh never waits on the store. A store that is down or slow
   * makes that refresh go on per-process (event `storeUnavailable`), never an
   * error or a sign-out. Node runtime only: `createServerRunner` throws
   * `InvalidConfig` on the edge runtime when it is set.
   * @default undefined (every process refreshes on its own)
   */
  store?: AuthStore;
  /** Timeout for every request to the IdP, milliseconds. @default 5000 */
  httpTimeoutMs?: number;
  /**
   * The path of the sign-in route (`app/api/auth/[slug]/route.ts` serves
   * `/api/auth/sign-in`). The one place it is set: `createAuthGuard`,
   * `requireUser` and the `signIn` server action send signed-out users there
   * with `?returnTo=`. A same-origin path.
   * @default '/api/auth/sign-in'
   */
  signInPath?: string;
  /** What `GET /api/auth/session` and `getClientSession` show the browser. */
  clientSession?: {
    /**
     * ID-token claims the browser may see, besides `username`, `userId` and
     * `groups` (always there). Only string, number and boolean values pass.
     * Protocol and token claims (`iss`, `sub`, `aud`, `exp`, `iat`, `nbf`,
     * `jti`, `nonce`, `at_hash`, `c_hash`, `s_hash`, `sid`, `azp`,
     * `auth_time`, `acr`, `amr`, `origin_jti`, `event_id`, `token_use`,
     * `client_id`, `scope`, `cnf`, `events`, and any name containing "token") are
     * refused with `InvalidConfig`: they are either a replay aid or nothing
     * a UI needs. Cognito custom attributes read like `'custom:tenant'`.
     * @default ['email', 'name']
     */
    claims?: string[];
  };
}

/** Runtime options after defaults and validation. */
export interface ResolvedRuntimeOptions {
  secrets: Record<string, string>;
  origin: string;
  /** True when `origin` is https: Secure cookies and the `__Host-` prefix. */
  secure: boolean;
  cookies: { domain?: string; sameSite: 'lax' | 'strict' | 'none'; maxAge: number; name: string };
  session: { codec: 'sealed' | 'amplify' | 'server'; verifySignatures: 'once' | 'always' | 'never'; cacheSize: number; cacheBytes: number; offlineMaxAge: number };
  tokens: { clockSkew: number; algorithms: string[] };
  refresh: { leeway: number; grace: number };
  events: AuthEvents;
  httpTimeoutMs: number;
  store?: AuthStore;
  signInPath: string;
  clientSession: { claims: string[] };
}
