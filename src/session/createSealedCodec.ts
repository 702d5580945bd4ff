import { sealData, unsealData } from 'iron-session';
import type { CookieOptions, CookieStore } from '../cookies/CookieStore.js';
import { deleteChunkedCookie } from '../cookies/deleteChunkedCookie.js';
import { readCookieChunks } from '../cookies/readCookieChunks.js';
import { writeChunkedCookie } from '../cookies/writeChunkedCookie.js';
import { AuthError, isAuthError } from '../errors/AuthError.js';
import { chunksAsWritten } from './chunksAsWritten.js';
import { MAX_TOKEN_SET_BYTES, parseIronSeal } from './parseIronSeal.js';
import type { SessionCache } from './SessionCache.js';
import type { Session } from './Session.js';
import type { SessionCodec } from './SessionCodec.js';
import type { TokenSet } from './TokenSet.js';
import { toSession } from './toSession.js';
import type { RevocationList, RevokedCut } from './createRevocationList.js';
import { revocationFacts } from './revocationCheck.js';

export interface SealedCodecOptions {
  /** Cookie name, prefix included (`__Host-nsa.session` on https). */
  cookieName: string;
  /** `{ id: secret }`; the highest id seals. */
  secrets: Record<string, string>;
  cookieOptions: CookieOptions & { maxAge: number };
  cache: SessionCache;
  /** Cheap claim checks run once per new cookie value, before it is cached; throwing means signed out. */
  checkSession?: (session: Session) => void;
  /**
   * Verifies the tokens' signatures (and `iss`/`aud`, not `exp`): `'once'` per
   * new cookie value, before it is cached; `'always'` on every read. `verify`
   * throwing `AuthError('IdpUnavailable')` means "could not check now": the
   * seal alone authenticates that read and a new value is checked again after
   * {@link RECHECK_MS}. Any other throw means signed out.
   */
  verifySignatures?: { mode: 'once' | 'always'; verify: (session: Session) => Promise<void> };
  /**
   * The cut-off list ("signed out everywhere", back-channel logout): checked
   * once per new cookie value, before it is cached; `true` means signed out.
   */
  isRevoked?: (session: Session) => Promise<boolean>;
  /** Where cut-offs come from, so cached sessions they end are dropped at once (this process's and pushed ones). */
  revocations?: Pick<RevocationList, 'onRevoked' | 'hashesOf'>;
  /**
   * Latest expiry (epoch ms) for a new cache entry: a short bound while the
   * cut-off push is down, so a missed revocation is served for that long at
   * most. @default () => Infinity
   */
  cacheBound?: () => number;
  /** For tests: the clock, epoch ms. @default Date.now */
  now?: () => number;
}

/** How soon a value whose signatures could not be checked (JWKS unreachable) is checked again. */
export const RECHECK_MS = 30_000;

/** What is sealed: short keys, since every byte is paid on every request. */
interface SealedPayload {
  v: 1;
  id: string;
  at: string;
  rt?: string;
  /** `TokenSet.dpopKey` (RFC 9449): sealed like the tokens it binds. */
  dk?: string;
}

function isSealedPayload(data: unknown): data is SealedPayload {
  if (typeof data !== 'object' || data === null) return false;
  const d = data as Record<string, unknown>;
  return d.v === 1 && typeof d.id === 'string' && typeof d.at === 'string' && (d.rt === undefined || typeof d.rt === 'string') && (d.dk === undefined || typeof d.dk === 'string');
}

/**
 * The default codec: the token set sealed with iron-session (AES-256-CBC +
 * HMAC-SHA-256) into one httpOnly cookie, chunked when large. A verified seal
 * authenticates the tokens, so steady-state reads are a cache lookup keyed by
 * the cookie value. A value is unsealed only when it has exactly the seal's
 * format and the writer's chunk layout: every other spelling of a valid seal
 * (trailing data, extra or re-split chunks) reads as signed out, so one
 * cookie cannot fill the cache with copies of itself.
 *
 * @example
 * ```ts
 * const codec = createSealedCodec({ cookieName: 'nsa.session', secrets: { 1: process.env.AUTH_SECRET! },
 *   cookieOptions: { httpOnly: true, sameSite: 'lax', path: '/', maxAge: 2592000 }, cache: createSessionCache(10_000) });
 * await codec.write(store, tokens);
 * const session = await codec.read(store);
 * ```
 */
export function createSealedCodec(options: SealedCodecOptions): SessionCodec {
  const { cookieName, secrets, cookieOptions, cache, checkSession, verifySignatures, isRevoked, revocations, cacheBound, now = Date.now } = options;
  // Cut-offs bumping this while a cold read runs keep its result out of the cache.
  let cutGeneration = 0;
  if (revocations !== undefined) {
    revocations.onRevoked((cut) => {
      cutGeneration++;
      void dropCut(cut);
    });
  }

  /** Drops the cached sessions a cut-off ends (their user's or IdP session's hash, authenticated at or before it). */
  async function dropCut(cut: RevokedCut): Promise<void> {
    const doomed = new Set<string>();
    const seen = new Set<string>();
    for (const session of cache.sessions()) {
      const facts = revocationFacts(session);
      if (facts === undefined) continue;
      const who = `${facts.sub}\n${facts.sid ?? ''}`;
      if (seen.has(who)) continue;
      seen.add(who);
      const hashes = await revocations!.hashesOf(facts);
      if (hashes.some((h) => cut.hashes.includes(h))) doomed.add(who);
    }
    if (doomed.size === 0) return;
    cache.deleteWhere((session) => {
      const facts = revocationFacts(session);
      return facts !== undefined && doomed.has(`${facts.sub}\n${facts.sid ?? ''}`) && !(facts.authTime > cut.at);
    });
  }
  const ttl = cookieOptions.maxAge;
  // One seal per token set: a refresh storm hands the same result object to
  // every waiting request, and sealing (~1 ms of CPU) is the costly part.
  const seals = new WeakMap<TokenSet, Promise<string>>();
  // Concurrent first reads of one new cookie value share one unseal.
  const unsealing = new Map<string, Promise<Session | undefined>>();

  async function unseal(raw: string): Promise<Session | undefined> {
    let data: unknown;
    try {
      data = await unsealData(raw, { password: secrets, ttl });
    } catch {
      return undefined;
    }
    if (!isSealedPayload(data)) return undefined;
    try {
      const session = toSession({ idToken: data.id, accessToken: data.at, ...(data.rt ? { refreshToken: data.rt } : {}), ...(data.dk ? { dpopKey: data.dk } : {}) });
      checkSession?.(session);
      return session;
    } catch {
      return undefined;
    }
  }

  /** `true`: verified; `false`: forged or not ours; `undefined`: could not be checked now. */
  async function signaturesHold(session: Session): Promise<boolean | undefined> {
    if (verifySignatures === undefined) return true;
    try {
      await verifySignatures.verify(session);
      return true;
    } catch (err) {
      return isAuthError(err, 'IdpUnavailable') ? undefined : false;
    }
  }

  // A seal's characters encode to themselves in a cookie, so the writer's
  // layout depends only on the value's length: learn it from the writer once
  // per length (asking it costs ~40 µs; few lengths occur in practice).
  const layouts = new Map<number, number[]>();
  function layoutFor(length: number): number[] {
    let lengths = layouts.get(length);
    if (lengths === undefined) {
      lengths = chunksAsWritten(cookieName, 'a'.repeat(length), cookieOptions).map((chunk) => chunk.length);
      if (layouts.size < 256) layouts.set(length, lengths);
    }
    return lengths;
  }

  /** First read of a cookie value in this process: exact format, canonical chunks, unseal, verify, cache. */
  function readCold(store: CookieStore, parts: string[]): Promise<Session | undefined> | undefined {
    const raw = parts.join('');
    // Trailing data, extra chunks and oversized values stop here, before any crypto,
    // so one valid cookie cannot be spelled in many ways that each unseal and get cached.
    if (parseIronSeal(raw, secrets) === undefined) return undefined;
    const lengths = layoutFor(raw.length);
    if (lengths.length !== parts.length || lengths.some((length, i) => parts[i]!.length !== length)) return undefined;
    let pending = unsealing.get(raw);
    if (pending === undefined) {
      const started = cutGeneration;
      pending = unseal(raw).then(async (result) => {
        if (result === undefined) return undefined;
        const verified = await signaturesHold(result);
        if (verified === false) return undefined;
        if (isRevoked !== undefined && (await isRevoked(result))) return undefined;
        // A cut-off learned meanwhile may postdate the check: serve this read, cache nothing.
        if (cutGeneration !== started) return result;
        const until = Math.min(verified === undefined ? now() + RECHECK_MS : Number.POSITIVE_INFINITY, cacheBound?.() ?? Number.POSITIVE_INFINITY);
        cache.set(parts, result, Number.isFinite(until) ? { until } : {});
        return result;
      });
      unsealing.set(raw, pending);
      void pending.finally(() => unsealing.delete(raw));
    }
    return pending;
  }

  return {
    async read(store: CookieStore) {
      const parts = readCookieChunks(store, cookieName);
      if (parts === undefined) return undefined;
      // The writer never leaves `name` and `name.0` side by side, nor a lone `name.0`
      // (a value that fits one cookie is written as `name`): either is someone else's layout.
      if (parts.length === 1 && (store.get(cookieName) === undefined || store.get(`${cookieName}.0`) !== undefined)) return undefined;
      const cached = cache.get(parts, now());
      if (cached === undefined) return readCold(store, parts);
      if (verifySignatures?.mode === 'always' && (await signaturesHold(cached)) === false) return undefined;
      return cached;
    },
    async write(store: CookieStore, tokens: TokenSet) {
      const session = toSession(tokens);
      const payload: SealedPayload = { v: 1, id: tokens.idToken, at: tokens.accessToken, ...(tokens.refreshToken ? { rt: tokens.refreshToken } : {}), ...(tokens.dpopKey ? { dk: tokens.dpopKey } : {}) };
      let sealing = seals.get(tokens);
      if (sealing === undefined) {
        // Larger seals would be refused on read (and overflow request headers): say so at the source.
        const bytes = new TextEncoder().encode(JSON.stringify(payload)).length;
        if (bytes > MAX_TOKEN_SET_BYTES) {
          throw new AuthError('TokenInvalid', `The token set is too large for the session cookie (${bytes} bytes sealed; at most ${MAX_TOKEN_SET_BYTES})`);
        }
        sealing = sealData(payload, { password: secrets, ttl });
        seals.set(tokens, sealing);
      }
      const sealed = await sealing;
      writeChunkedCookie(store, cookieName, sealed, cookieOptions);
      const written = readCookieChunks(store, cookieName);
      if (written !== undefined && written.join('') === sealed) {
        const until = cacheBound?.() ?? Number.POSITIVE_INFINITY;
        cache.set(written, session, Number.isFinite(until) ? { until } : {});
      }
      return session;
    },
    clear(store: CookieStore) {
      // The value being cleared is no session any more, in this process's cache either.
      try {
        const parts = readCookieChunks(store, cookieName);
        if (parts !== undefined) cache.delete(parts);
      } catch {
        // Unreadable chunks were never cached.
      }
      const { maxAge: _maxAge, ...rest } = cookieOptions;
      deleteChunkedCookie(store, cookieName, rest);
    },
  };
}
