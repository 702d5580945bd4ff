import type { CookieOptions, CookieStore } from '../cookies/CookieStore.js';
import { AuthError, isAuthError } from '../errors/AuthError.js';
import type { AuthStore } from '../store/AuthStore.js';
import { sha256Base64url } from './base64url.js';
import { createPendingEnds } from './createPendingEnds.js';
import { createRevocationSubscription } from './createRevocationSubscription.js';
import { createServerSessionCache } from './createServerSessionCache.js';
import { createSessionIdCookie } from './createSessionIdCookie.js';
import { createSessionRecords } from './createSessionRecords.js';
import type { SessionRecord } from './createSessionRecords.js';
import type { Session } from './Session.js';
import type { SessionCodec, SessionWriteOptions } from './SessionCodec.js';
import type { TokenSet } from './TokenSet.js';
import { toSession } from './toSession.js';
import { toStoreUnavailable } from './toStoreUnavailable.js';

export interface ServerCodecOptions {
  /** Cookie name, prefix included (`__Host-nsa.sid` on https). */
  cookieName: string;
  /** `{ id: secret }`; the highest id MACs new cookies and seals records, all verify. */
  secrets: Record<string, string>;
  /** Attributes of the session-id cookie; `maxAge` is also the session's absolute lifetime. */
  cookieOptions: CookieOptions & { maxAge: number };
  store: AuthStore;
  /** The IdP's issuer: part of the user and IdP-session index keys. */
  issuer: string;
  /** How many sessions a process keeps decoded, keyed by cookie value. */
  maxEntries: number;
  /** Upper bound, in estimated bytes, of those decoded sessions (the oldest go first). @default Infinity */
  maxBytes?: number;
  /**
   * While the revocation push (pub/sub) is down or not yet subscribed, a
   * cached session is read from the store again after this many ms.
   */
  offlineMaxAgeMs: number;
  /** Cheap claim checks run when a record is read from the store; throwing means signed out. */
  checkSession?: (session: Session) => void;
  /** As the sealed codec's: signatures checked once per record read into the cache (`'once'`) or on every read. */
  verifySignatures?: { mode: 'once' | 'always'; verify: (session: Session) => Promise<void> };
  /** The store failed; the read or write rejected with `StoreUnavailable` (sign-out went on in the background). */
  onUnavailable?: (operation: 'session' | 'signOut') => void;
  /** A sign-out made during a store outage reached the store later: these tokens' session is gone now (revoke them at the IdP). */
  onLateEnd?: (tokens: TokenSet) => void;
  /** Clock, epoch ms. @default Date.now */
  now?: () => number;
}

/** One of a user's sessions, as `listSessions` shows it: never a token. */
export interface StoredSessionInfo {
  /** The session's id in the store (a hash; it cannot be turned into a cookie). */
  id: string;
  createdAt: number;
  lastSeenAt: number;
  userAgent?: string;
}

export interface ServerCodec extends SessionCodec {
  readonly mode: 'server';
  /** The user's live sessions, most recently seen first. @throws AuthError `StoreUnavailable` */
  list(sub: string): Promise<StoredSessionInfo[]>;
  /**
   * Ends every session matching all given fields (`id` is a session's store id):
   * records and index entries deleted, every instance told. A match with no
   * field ends nothing.
   *
   * @returns The token sets of the sessions ended (to revoke at the IdP).
   * @throws AuthError `StoreUnavailable`
   */
  endWhere(match: { sub?: string; sid?: string; id?: string }): Promise<TokenSet[]>;
  /** Resolves `true` once revocations are pushed to this process (subscribed), `false` if that failed for now. */
  ready(): Promise<boolean>;
  /** Ends the subscription and the retry timer (the store stays open: it is the app's). */
  close(): Promise<void>;
  /** Diagnostics and tests. */
  stats(): { cached: number; bytes: number; live: boolean; pendingEnds: number };
}

/** The channel revocations are pushed on (shared with the cookie codecs' cut-off list, whose messages start `cut `). */
export const SESSIONS_REVOKED_CHANNEL = 'sessions:revoked';

/** What the codec knows of a session it read or wrote (kept beside the Session, never in it). */
interface Meta {
  hash: string;
  sub: string;
  sid?: string;
  createdAt: number;
  userAgent?: string;
}

const SEEN_EVERY_MS = 60_000;
// Sessions whose last-seen write time a process remembers (~150 bytes each).
const MAX_SEEN_WRITES = 10_000;
const MAX_USER_AGENT = 256;
const PUBLISH_BATCH = 100;

/**
 * `session.codec: 'server'`: the browser holds one small cookie (a random
 * id with its HMAC, ~90 bytes, never chunked); the tokens live in the store,
 * sealed with the app secret under `sess:<sha256(id)>`, indexed by user and
 * by IdP session (`sid`) so they can be listed and ended.
 *
 * Warm reads are a Map lookup keyed by the exact cookie value (no store
 * call, no crypto). Revocations are pushed to every process on
 * `sessions:revoked`; while that subscription is down (or had a gap) the
 * cache is flushed and entries live at most `offlineMaxAgeMs`. A store that
 * cannot be read makes a cold read reject `StoreUnavailable`: never "signed
 * out", nothing deleted. A sign-out during an outage clears the cookie at
 * once and deletes the record when the store is back (retried in the
 * background; this process refuses the session meanwhile).
 *
 * @example
 * ```ts
 * const codec = createServerCodec({ cookieName: '__Host-nsa.sid', secrets: { 1: process.env.AUTH_SECRET! },
 *   cookieOptions: { httpOnly: true, secure: true, sameSite: 'lax', path: '/', maxAge: 2592000 },
 *   store, issuer, maxEntries: 10_000, offlineMaxAgeMs: 5000 });
 * await codec.write(cookies, tokens, { userAgent });      // sign-in: a new id
 * const session = await codec.read(cookies);              // session.serverId
 * await codec.end!(cookies);                              // sign-out, on every instance
 * ```
 */
export function createServerCodec(options: ServerCodecOptions): ServerCodec {
  const { cookieName, secrets, cookieOptions, store, issuer, maxEntries, offlineMaxAgeMs, checkSession, verifySignatures, onUnavailable, onLateEnd } = options;
  const now = options.now ?? Date.now;
  const maxAgeMs = cookieOptions.maxAge * 1000;
  const ids = createSessionIdCookie(secrets);
  const { maxAge: _maxAge, ...deleteOptions } = cookieOptions;
  const records = createSessionRecords({ store, secrets, issuer, maxAgeMs });
  const metaOf = new WeakMap<Session, Meta>();
  const reading = new Map<string, Promise<Session | undefined>>();

  // The push's callbacks use `cache` and `pending`, which exist before anything subscribes.
  const push = createRevocationSubscription({
    store,
    channel: SESSIONS_REVOKED_CHANNEL,
    onMessage(message) {
      if (message.startsWith('cut ')) return; // the cookie codecs' cut-offs
      for (const hash of message.split(',')) if (records.isHash(hash)) cache.drop(hash);
    },
    onGap: () => cache.flush(),
    onBack: () => pending.retryNow(),
    now,
  });
  const cache = createServerSessionCache({ maxEntries, maxBytes: options.maxBytes, offlineMaxAgeMs, live: () => push.live, now });
  const pending = createPendingEnds({ end: (hash) => endHashes([hash]), maxAgeMs, onLateEnd, now });

  function report(operation: 'session' | 'signOut'): void {
    try {
      onUnavailable?.(operation);
    } catch {
      // an event handler's bug must not change the outcome
    }
  }

  /** The record's lifetime: the cookie's (counted from sign-in) with a refresh token, else until the access token expires. */
  function ttlOf(session: Session, createdAt: number): number {
    const end = createdAt + maxAgeMs;
    const until = session.tokens.refreshToken ? end : Math.min(end, session.expiresAt);
    return Math.max(1, Math.floor(until - now()));
  }

  /** The session a record holds, checked; `undefined` when its tokens fail the checks. */
  async function sessionOf(record: SessionRecord, hash: string): Promise<{ session: Session; until: number } | undefined> {
    let session: Session;
    try {
      session = { ...toSession(record.tokens), serverId: hash };
      checkSession?.(session);
    } catch {
      return undefined;
    }
    let until = Number.POSITIVE_INFINITY;
    if (verifySignatures !== undefined) {
      try {
        await verifySignatures.verify(session);
      } catch (err) {
        if (!isAuthError(err, 'IdpUnavailable')) return undefined;
        // Could not check now: the seal authenticates this read; look again soon.
        until = now() + 30_000;
      }
    }
    metaOf.set(session, {
      hash,
      sub: record.sub,
      ...(record.sid !== undefined ? { sid: record.sid } : {}),
      createdAt: record.createdAt,
      ...(record.userAgent !== undefined ? { userAgent: record.userAgent } : {}),
    });
    return { session, until };
  }

  // When this process last wrote `seen:<hash>`, per session rather than per
  // cache entry: re-reads after a flush or an eviction (offline mode, a small
  // cache) must not each cost a store write.
  const seenWrites = new Map<string, number>();
  function noteSeen(hash: string, t: number): void {
    seenWrites.delete(hash);
    seenWrites.set(hash, t);
    if (seenWrites.size > MAX_SEEN_WRITES) seenWrites.delete(seenWrites.keys().next().value as string);
  }
  function touch(hash: string, t: number): void {
    const last = seenWrites.get(hash);
    if (last !== undefined && t - last < SEEN_EVERY_MS) return;
    noteSeen(hash, t);
    // Never awaited: the read path does not wait on the store.
    records.markSeen(hash, t);
  }

  async function readCold(value: string): Promise<Session | undefined> {
    const id = await ids.verify(value);
    if (id === undefined) return undefined; // forged or garbage: no store round trip
    const hash = await sha256Base64url(id);
    if (pending.has(hash)) return undefined; // signed out here; the store has not heard yet
    void push.subscribe();
    const started = cache.generation;
    let record: SessionRecord | undefined;
    try {
      record = await records.get(hash);
    } catch (err) {
      report('session');
      throw err;
    }
    if (record === undefined) return undefined;
    const read = await sessionOf(record, hash);
    if (read === undefined) return undefined;
    if (cache.generation === started && !pending.has(hash)) {
      cache.set(value, read.session, hash, read.until);
      touch(hash, now());
    }
    return read.session;
  }

  /** Deletes the records (and index entries) of `hashes` whose record passes `matches`, and tells every instance. */
  async function endHashes(hashes: readonly string[], matches?: (record: SessionRecord) => boolean): Promise<TokenSet[]> {
    const ended: string[] = [];
    const tokens: TokenSet[] = [];
    try {
      await Promise.all(
        hashes.map(async (hash) => {
          const record = await records.get(hash);
          if (matches !== undefined && (record === undefined || !matches(record))) return;
          await records.remove(hash, record);
          cache.drop(hash);
          ended.push(hash);
          if (record) tokens.push(record.tokens);
        }),
      );
      for (let i = 0; i < ended.length; i += PUBLISH_BATCH) {
        await store.publish(SESSIONS_REVOKED_CHANNEL, ended.slice(i, i + PUBLISH_BATCH).join(','));
      }
    } catch (err) {
      throw toStoreUnavailable(err, 'delete');
    }
    return tokens;
  }

  /** Sign-out of one cookie value: the record goes now, or as soon as the store is back. Never rejects. */
  async function endValue(value: string): Promise<void> {
    const cached = cache.hashOf(value);
    if (cached !== undefined) cache.drop(cached);
    const id = await ids.verify(value);
    if (id === undefined) return;
    const hash = await sha256Base64url(id);
    cache.drop(hash);
    try {
      await endHashes([hash]);
    } catch {
      report('signOut');
      pending.add(hash);
    }
  }

  async function writeRefreshed(meta: Meta, tokens: TokenSet): Promise<Session> {
    const session: Session = { ...toSession(tokens), serverId: meta.hash };
    const sid = session.idToken.payload.sid;
    const next: Meta = { ...meta, ...(typeof sid === 'string' && sid !== '' ? { sid } : {}) };
    const ttl = ttlOf(session, meta.createdAt);
    const sealed = await records.seal(next, tokens, ttl);
    let written: boolean;
    try {
      written = await records.replace(meta.hash, next, sealed, ttl);
    } catch (err) {
      report('session');
      throw err;
    }
    // Ended while the IdP answered: the refresh must not bring it back.
    if (!written) {
      cache.drop(meta.hash);
      throw new AuthError('RefreshTokenRejected', 'The session was ended while it was being refreshed');
    }
    metaOf.set(session, next);
    cache.update(meta.hash, session, Number.POSITIVE_INFINITY);
    return session;
  }

  async function writeNew(cookies: CookieStore, tokens: TokenSet, userAgent: string | undefined): Promise<Session> {
    const base = toSession(tokens);
    const { sub, sid } = base.idToken.payload;
    if (typeof sub !== 'string' || sub === '') throw new AuthError('TokenInvalid', 'The ID token has no sub');
    // Sign-in never keeps the id the browser came with (session fixation): the old session ends.
    const previous = cookies.get(cookieName);
    if (previous !== undefined && previous !== '') await endValue(previous);
    const { id, value } = await ids.mint();
    const hash = await sha256Base64url(id);
    const meta: Meta = {
      hash,
      sub,
      ...(typeof sid === 'string' && sid !== '' ? { sid } : {}),
      createdAt: now(),
      ...(userAgent ? { userAgent: userAgent.slice(0, MAX_USER_AGENT) } : {}),
    };
    const session: Session = { ...base, serverId: hash };
    const ttl = ttlOf(session, meta.createdAt);
    const sealed = await records.seal(meta, tokens, ttl);
    void push.subscribe();
    try {
      await records.create(hash, meta, sealed, ttl);
    } catch (err) {
      report('session');
      throw err;
    }
    cookies.set(cookieName, value, cookieOptions);
    metaOf.set(session, meta);
    cache.set(value, session, hash, Number.POSITIVE_INFINITY);
    // Just signed in: the record's createdAt is its last-seen time (listSessions takes the later).
    noteSeen(hash, now());
    return session;
  }

  return {
    mode: 'server',

    read(cookies) {
      const value = cookies.get(cookieName);
      if (value === undefined || value === '') return Promise.resolve(undefined);
      // Sent twice (one planted by a sibling subdomain or a path-scoped cookie): which is ours cannot be known.
      if (cookies.isAmbiguous(cookieName)) return Promise.resolve(undefined);
      const t = now();
      const entry = cache.get(value, t);
      if (entry !== undefined) {
        touch(entry.hash, t);
        if (verifySignatures?.mode !== 'always') return Promise.resolve(entry.session);
        const { session } = entry;
        return verifySignatures.verify(session).then(
          () => session,
          (err: unknown) => (isAuthError(err, 'IdpUnavailable') ? session : undefined),
        );
      }
      if (!push.live) void push.subscribe();
      let reads = reading.get(value);
      if (reads === undefined) {
        reads = readCold(value);
        reading.set(value, reads);
        const done = () => void reading.delete(value);
        reads.then(done, done);
      }
      return reads;
    },

    write(cookies, tokens, writeOptions: SessionWriteOptions = {}) {
      const meta = writeOptions.refreshes && metaOf.get(writeOptions.refreshes);
      return meta ? writeRefreshed(meta, tokens) : writeNew(cookies, tokens, writeOptions.userAgent);
    },

    async reload(session) {
      const meta = metaOf.get(session);
      if (meta === undefined) return session;
      let record: SessionRecord | undefined;
      try {
        record = await records.get(meta.hash);
      } catch (err) {
        report('session');
        throw err;
      }
      if (record === undefined || record.sub !== meta.sub) {
        cache.drop(meta.hash);
        return undefined;
      }
      const read = await sessionOf(record, meta.hash);
      if (read === undefined) return undefined;
      cache.update(meta.hash, read.session, read.until);
      return read.session;
    },

    clear(cookies) {
      const value = cookies.get(cookieName);
      if (value !== undefined && value !== '') void endValue(value);
      cookies.delete(cookieName, deleteOptions);
    },

    async end(cookies) {
      const value = cookies.get(cookieName);
      if (value !== undefined && value !== '') await endValue(value);
      cookies.delete(cookieName, deleteOptions);
    },

    async list(sub) {
      const hashes = await records.indexed({ sub });
      const rows = await Promise.all(
        hashes.map(async (hash): Promise<StoredSessionInfo | undefined> => {
          if (!records.isHash(hash) || pending.has(hash)) return undefined;
          const [record, lastSeen] = await Promise.all([records.get(hash), records.lastSeen(hash)]);
          if (record === undefined || record.sub !== sub) {
            // Expired or ended elsewhere: tidy the index.
            if (record === undefined) records.unindex(sub, hash);
            return undefined;
          }
          return { id: hash, createdAt: record.createdAt, lastSeenAt: Math.max(record.createdAt, lastSeen), ...(record.userAgent ? { userAgent: record.userAgent } : {}) };
        }),
      );
      return rows.filter((r): r is StoredSessionInfo => r !== undefined).sort((a, b) => b.lastSeenAt - a.lastSeenAt);
    },

    async endWhere(match) {
      const { sub, sid, id } = match;
      const fits = (record: SessionRecord): boolean =>
        (sub === undefined || record.sub === sub) && (sid === undefined || record.sid === sid);
      if (id !== undefined) {
        if (!records.isHash(id)) return [];
        return endHashes([id], fits);
      }
      const candidates = await records.indexed({ sub, sid });
      return endHashes(candidates.filter((h) => records.isHash(h)), fits);
    },

    ready: () => push.subscribe(),

    async close() {
      pending.close();
      cache.flush();
      await push.close();
    },

    stats() {
      return { cached: cache.size, bytes: cache.bytes, live: push.live, pendingEnds: pending.size };
    },
  };
}
