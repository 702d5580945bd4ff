import { AuthError } from '../errors/AuthError.js';
import { invalidConfig } from './invalidConfig.js';
import { isLoopbackHttp } from './isLoopbackHttp.js';
import { refusedClientClaim } from './refusedClientClaim.js';
import type { ResolvedRuntimeOptions, RuntimeOptions } from './runtimeOptions.js';

const DEV_SECRET = 'next-server-auth:development-only-secret:do-not-use-in-production';
const ASYMMETRIC = new Set(['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519']);
const COOKIE_NAME = /^[A-Za-z0-9!#$&'*+.^_`|~-]+$/;

type Env = Record<string, string | undefined>;

function buildPhaseSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function resolveSecrets(secret: RuntimeOptions['secret'], env: Env, production: boolean, origin: string, warn: (m: string) => void): Record<string, string> {
  const given = secret ?? env.AUTH_SECRET;
  if (given === undefined || given === '') {
    // `next build` evaluates route modules but serves nothing: a random secret
    // lets it finish, quietly, without a secret anyone knows (whatever NODE_ENV
    // the build was given).
    if (env.NEXT_PHASE === 'phase-production-build') return { 1: buildPhaseSecret() };
    // The development secret is public (it is in this file): a session sealed
    // with it can be forged by anyone, so it is only for a browser on this machine.
    if (production || !isLoopbackHttp(origin)) {
      throw new AuthError(
        'InvalidSecret',
        `AUTH_SECRET is not set: set it (at least 32 random characters) or pass runtimeOptions.secret. ` +
          `The development secret is used only outside production for an http origin on localhost, 127.0.0.1 or [::1] (the origin is ${origin})`,
      );
    }
    warn('next-server-auth: AUTH_SECRET is not set; using a fixed development secret (http loopback origin only). Never deploy like this.');
    return { 1: DEV_SECRET };
  }
  const map: Record<string, string> = typeof given === 'string' ? { 1: given } : Object.fromEntries(Object.entries(given));
  const ids = Object.keys(map);
  if (ids.length === 0) throw new AuthError('InvalidSecret', 'runtimeOptions.secret: the secret map is empty');
  for (const id of ids) {
    if (!/^\d+$/.test(id)) throw new AuthError('InvalidSecret', `runtimeOptions.secret: key ${JSON.stringify(id)} must be a number (highest seals)`);
    const value = map[id];
    if (typeof value !== 'string' || value.length < 32) {
      throw new AuthError('InvalidSecret', `${secret === undefined ? 'AUTH_SECRET' : `runtimeOptions.secret[${id}]`} must be at least 32 characters`);
    }
  }
  return map;
}

/**
 * `http://localhost:<port>` with the port Next runs on: `next dev` and `next
 * start` put it in `PORT` (from `-p`, `PORT`, or 3000), checked on Next 16.4.
 * Never from request headers. 3000 when `PORT` is absent or not a port.
 */
function developmentOrigin(env: Env): string {
  const port = env.PORT !== undefined && /^\d{1,5}$/.test(env.PORT) ? Number(env.PORT) : NaN;
  return `http://localhost:${port >= 1 && port <= 65535 ? port : 3000}`;
}

function resolveOrigin(origin: string | undefined, env: Env, production: boolean, warn: (m: string) => void): string {
  const given = origin ?? env.AUTH_ORIGIN;
  if (given === undefined || given === '') {
    const building = env.NEXT_PHASE === 'phase-production-build';
    if (production && !building) {
      throw invalidConfig('runtimeOptions.origin', 'is required in production (or set AUTH_ORIGIN), e.g. https://app.example.com');
    }
    const assumed = developmentOrigin(env);
    // `next build` serves nothing: no warning (its output is read for real problems).
    if (!building) {
      warn(
        `next-server-auth: AUTH_ORIGIN is not set; assuming ${assumed} (localhost and the port Next runs on). ` +
          'Set AUTH_ORIGIN if the browser reaches the app on another host or port.',
      );
    }
    return assumed;
  }
  let url: URL;
  try {
    url = new URL(given);
  } catch {
    throw invalidConfig('runtimeOptions.origin', `is not an absolute URL: ${JSON.stringify(given)}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw invalidConfig('runtimeOptions.origin', 'must be http(s)');
  if (url.pathname !== '/' || url.search || url.hash || url.username) {
    throw invalidConfig('runtimeOptions.origin', `must be an origin only, like https://app.example.com (got ${JSON.stringify(given)})`);
  }
  return url.origin;
}

/**
 * Next evaluates `auth.ts` once per bundle (instrumentation, proxy, each route):
 * the same development warning would print several times per start.
 */
function warnOncePerProcess(message: string): void {
  const key = Symbol.for('next-server-auth.warned');
  const store = globalThis as { [key]?: Set<string> };
  const warned = (store[key] ??= new Set());
  if (warned.has(message)) return;
  warned.add(message);
  console.warn(message);
}

/**
 * Applies defaults and validates `runtimeOptions`, reading `AUTH_SECRET` and
 * `AUTH_ORIGIN` from `env` when not given.
 *
 * @example
 * ```ts
 * const options = resolveRuntimeOptions({ origin: 'https://app.example.com' }, process.env);
 * options.secure; // true
 * ```
 */
export function resolveRuntimeOptions(
  options: RuntimeOptions = {},
  env: Env = process.env,
  warn: (message: string) => void = warnOncePerProcess,
): ResolvedRuntimeOptions {
  const production = env.NODE_ENV === 'production';
  const origin = resolveOrigin(options.origin, env, production, warn);
  const secrets = resolveSecrets(options.secret, env, production, origin, warn);
  const c = options.cookies ?? {};
  if (c.sameSite !== undefined && !['lax', 'strict', 'none'].includes(c.sameSite)) {
    throw invalidConfig('runtimeOptions.cookies.sameSite', 'must be "lax", "strict" or "none"');
  }
  const secure = origin.startsWith('https:');
  if (c.sameSite === 'none' && !secure) throw invalidConfig('runtimeOptions.cookies.sameSite', '"none" requires an https origin');
  if (c.maxAge !== undefined && (!Number.isInteger(c.maxAge) || c.maxAge <= 0)) {
    throw invalidConfig('runtimeOptions.cookies.maxAge', 'must be a positive integer (seconds)');
  }
  if (c.name !== undefined && !COOKIE_NAME.test(c.name)) throw invalidConfig('runtimeOptions.cookies.name', 'must be a cookie-name token');
  if (c.domain !== undefined && (typeof c.domain !== 'string' || !/^\.?[a-z0-9.-]+$/i.test(c.domain))) {
    throw invalidConfig('runtimeOptions.cookies.domain', 'must be a host name');
  }
  const algorithms = options.tokens?.algorithms ?? [...ASYMMETRIC].filter((a) => a !== 'Ed25519');
  for (const alg of algorithms) {
    if (!ASYMMETRIC.has(alg)) throw invalidConfig('runtimeOptions.tokens.algorithms', `may only list asymmetric algorithms (got ${JSON.stringify(alg)})`);
  }
  const clockSkew = options.tokens?.clockSkew ?? 30;
  if (!Number.isFinite(clockSkew) || clockSkew < 0 || clockSkew > 300) {
    throw invalidConfig('runtimeOptions.tokens.clockSkew', 'must be between 0 and 300 seconds');
  }
  const cacheSize = options.session?.cacheSize ?? 10_000;
  if (!Number.isInteger(cacheSize) || cacheSize < 0) throw invalidConfig('runtimeOptions.session.cacheSize', 'must be a non-negative integer');
  const cacheBytes = options.session?.cacheBytes ?? 64 * 2 ** 20;
  if (!Number.isInteger(cacheBytes) || cacheBytes < 0) throw invalidConfig('runtimeOptions.session.cacheBytes', 'must be a non-negative integer');
  const verifySignatures = options.session?.verifySignatures ?? (options.session?.verifyOnRead === true ? 'always' : 'once');
  if (!['once', 'always', 'never'].includes(verifySignatures)) {
    throw invalidConfig('runtimeOptions.session.verifySignatures', 'must be "once", "always" or "never"');
  }
  const leeway = options.refresh?.leeway ?? 30;
  if (!Number.isFinite(leeway) || leeway < 0) throw invalidConfig('runtimeOptions.refresh.leeway', 'must be a non-negative number of seconds');
  const grace = options.refresh?.grace ?? 60;
  if (!Number.isFinite(grace) || grace < 0 || grace > 3600) throw invalidConfig('runtimeOptions.refresh.grace', 'must be between 0 and 3600 seconds');
  const events = options.events ?? {};
  for (const [name, fn] of Object.entries(events)) {
    if (typeof fn !== 'function') throw invalidConfig(`runtimeOptions.events.${name}`, 'must be a function');
  }
  const codec = options.session?.codec ?? 'sealed';
  if (codec !== 'sealed' && codec !== 'amplify' && codec !== 'server') throw invalidConfig('runtimeOptions.session.codec', 'must be "sealed", "amplify" or "server"');
  const offlineMaxAge = options.session?.offlineMaxAge ?? 5;
  if (typeof offlineMaxAge !== 'number' || !Number.isFinite(offlineMaxAge) || offlineMaxAge <= 0 || offlineMaxAge > 300) {
    throw invalidConfig('runtimeOptions.session.offlineMaxAge', 'must be a number of seconds above 0 and at most 300');
  }
  const httpTimeoutMs = options.httpTimeoutMs ?? 5000;
  if (!Number.isFinite(httpTimeoutMs) || httpTimeoutMs <= 0) throw invalidConfig('runtimeOptions.httpTimeoutMs', 'must be a positive number');
  const { store } = options;
  if (store !== undefined) {
    const methods = ['setIfAbsent', 'get', 'set', 'delete', 'deleteIfEquals', 'publish', 'subscribe'] as const;
    const missing = methods.filter((m) => typeof (store as unknown as Record<string, unknown> | null)?.[m] !== 'function');
    if (missing.length > 0) throw invalidConfig('runtimeOptions.store', `must be an AuthStore (e.g. createRedisStore from next-server-auth/redis); missing ${missing.join(', ')}`);
    // The edge runtime has no TCP sockets: a store there could only fail on every refresh.
    if (typeof (globalThis as { EdgeRuntime?: unknown }).EdgeRuntime !== 'undefined') {
      throw invalidConfig(
        'runtimeOptions.store',
        'needs the Node.js runtime, and this is the edge runtime: run the proxy/middleware on Node (Next 16 proxy.ts, or `export const config = { runtime: \'nodejs\' }` in Next 15.5+ middleware), or create a runner without a store for edge code',
      );
    }
  }
  if (codec === 'server') {
    if (store === undefined) {
      throw invalidConfig(
        'runtimeOptions.store',
        'is required with session.codec "server" (sessions live in the store): pass createRedisStore(...) from next-server-auth/redis, or use the default "sealed" codec',
      );
    }
    const methods = ['setIfPresent', 'addMember', 'removeMember', 'members'] as const;
    const missing = methods.filter((m) => typeof (store as unknown as Record<string, unknown>)[m] !== 'function');
    if (missing.length > 0) throw invalidConfig('runtimeOptions.store', `must support server-side sessions for session.codec "server"; missing ${missing.join(', ')}`);
  }
  const signInPath = options.signInPath ?? '/api/auth/sign-in';
  // A path on this origin: "//host" or "/\host" would send users to another site.
  if (typeof signInPath !== 'string' || !/^\/(?![/\\])[^\s?#\\]*$/.test(signInPath)) {
    throw invalidConfig('runtimeOptions.signInPath', `must be a path on this origin, like /api/auth/sign-in (got ${JSON.stringify(signInPath)})`);
  }
  const claims = options.clientSession?.claims ?? ['email', 'name'];
  if (!Array.isArray(claims)) throw invalidConfig('runtimeOptions.clientSession.claims', 'must be an array of ID-token claim names');
  for (const claim of claims) {
    const why = refusedClientClaim(claim);
    if (why !== undefined) throw invalidConfig('runtimeOptions.clientSession.claims', `${JSON.stringify(claim)} ${why}`);
  }
  return {
    secrets,
    origin,
    secure,
    cookies: {
      ...(c.domain ? { domain: c.domain } : {}),
      sameSite: c.sameSite ?? 'lax',
      maxAge: c.maxAge ?? 30 * 24 * 3600,
      name: c.name ?? 'nsa.session',
    },
    session: { codec, verifySignatures, cacheSize, cacheBytes, offlineMaxAge },
    tokens: { clockSkew, algorithms },
    refresh: { leeway, grace },
    events,
    httpTimeoutMs,
    signInPath,
    clientSession: { claims: [...new Set(claims)] },
    ...(store !== undefined ? { store } : {}),
  };
}
