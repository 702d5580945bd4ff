import { sealData, unsealData } from 'iron-session';
import type { CookieOptions, CookieStore } from '../cookies/CookieStore.js';
import { AuthError, isAuthError } from '../errors/AuthError.js';
import type { AuthStore } from '../store/AuthStore.js';
import { sha256Base64url } from './base64url.js';
import { createSessionIdCookie } from './createSessionIdCookie.js';
import type { Session } from './Session.js';
import type { SessionCodec, SessionWriteOptions } from './SessionCodec.js';
import type { TokenSet } from './TokenSet.js';
import { toSession } from './toSession.js';

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

/** What a store record holds, sealed with the app secret. */
interface SessionRecord {
  v: 1;
  tokens: TokenSet;
  sub: string;
  sid?: string;
  createdAt: number;
  userAgent?: string;
}

/** What the codec knows of a session it read or wrote (kept beside the Session, never in it). */
interface Meta {
  hash: string;
  sub: string;
  sid?: string;
  createdAt: number;
  userAgent?: string;
}

interface Entry {
  session: Session;
  hash: string;
  until: number;
  bytes: number;
}

const HASH = /^[A-Za-z0-9_-]{43}$/;
const SEEN_EVERY_MS = 60_000;
// Sessions whose last-seen write time a process remembers (~150 bytes each).
const MAX_SEEN_WRITES = 10_000;
const RESUBSCRIBE_MS = 1000;
const MAX_PENDING = 10_000;
const MAX_RETRY_MS = 10_000;
const MAX_USER_AGENT = 256;
const PUBLISH_BATCH = 100;
// Rough heap cost of an entry, as the sealed codec's cache counts it: the
// tokens and their decoded claims (about twice the tokens again), plus objects.
const ENTRY_OVERHEAD = 1024;
const sizeOf = (value: string, { idToken, accessToken, refreshToken }: TokenSet): number =>
  ENTRY_OVERHEAD + value.length + 3 * (idToken.length + accessToken.length) + (refreshToken?.length ?? 0);

function isTokenSet(t: unknown): t is TokenSet {
  if (typeof t !== 'object' || t === null) return false;
  const s = t as Record<string, unknown>;
  return typeof s.idToken === 'string' && typeof s.accessToken === 'string' && (s.refreshToken === undefined || typeof s.refreshToken === 'string');
}

function isRecord(d: unknown): d is SessionRecord {
  if (typeof d !== 'object' || d === null) return false;
  const r = d as Record<string, unknown>;
  return (
    r.v === 1 && isTokenSet(r.tokens) && typeof r.sub === 'string' && (r.sid === undefined || typeof r.sid === 'string') &&
    typeof r.createdAt === 'number' && (r.userAgent === undefined || typeof r.userAgent === 'string')
  );
}

function unavailable(err: unknown, what: string): AuthError {
  return isAuthError(err, 'StoreUnavailable') ? err : new AuthError('StoreUnavailable', `session store ${what} failed`, { cause: err });
}

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
  const maxBytes = options.maxBytes ?? Number.POSITIVE_INFINITY;
  let cachedBytes = 0;
  const now = options.now ?? Date.now;
  const maxAgeMs = cookieOptions.maxAge * 1000;
  const ids = createSessionIdCookie(secrets);
  const { maxAge: _maxAge, ...deleteOptions } = cookieOptions;

  // cookie value → decoded session; hash → the cookie value cached for it.
  const cache = new Map<string, Entry>();
  const valueOf = new Map<string, string>();
  const metaOf = new WeakMap<Session, Meta>();
  const reading = new Map<string, Promise<Session | undefined>>();
  // Bumped on every drop or flush: a cold read that overlapped one does not cache its result.
  let generation = 0;

  // Subscription to the revocation push.
  let live = false;
  let subscribing: Promise<boolean> | undefined;
  let lastAttempt = Number.NEGATIVE_INFINITY;
  let unsubscribe: (() => Promise<void>) | undefined;
  let statusHeard = false;
  let closed = false;

  // Sign-outs the store has not heard of yet: hash → give up after (epoch ms).
  const pendingEnds = new Map<string, number>();
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let retryDelay = 250;

  const userKey = (sub: string) => sha256Base64url(`${issuer} ${sub}`).then((h) => `user:${h}`);
  const sidKey = (sid: string) => sha256Base64url(`${issuer} ${sid}`).then((h) => `sid:${h}`);

  function forget(value: string): void {
    const entry = cache.get(value);
    if (entry === undefined) return;
    cache.delete(value);
    cachedBytes -= entry.bytes;
    if (valueOf.get(entry.hash) === value) valueOf.delete(entry.hash);
  }

  function drop(hash: string): void {
    generation++;
    const value = valueOf.get(hash);
    if (value !== undefined) forget(value);
  }

  function flush(): void {
    generation++;
    cache.clear();
    valueOf.clear();
    cachedBytes = 0;
  }

  function remember(value: string, session: Session, hash: string, until: number): void {
    const bytes = sizeOf(value, session.tokens);
    if (maxEntries === 0 || bytes > maxBytes) return;
    const previous = valueOf.get(hash);
    if (previous !== undefined) forget(previous);
    forget(value);
    // A live push keeps entries until their access token is due; without it, briefly.
    const bound = live ? session.expiresAt : Math.min(session.expiresAt, now() + offlineMaxAgeMs);
    cache.set(value, { session, hash, until: Math.min(bound, until), bytes });
    cachedBytes += bytes;
    valueOf.set(hash, value);
    // Map iterates in insertion order: the first key is the oldest.
    while (cache.size > maxEntries || cachedBytes > maxBytes) forget(cache.keys().next().value as string);
  }

  function onMessage(message: string): void {
    if (message.startsWith('cut ')) return; // the cookie codecs' cut-offs
    for (const hash of message.split(',')) if (HASH.test(hash)) drop(hash);
  }

  function onStatus(status: 'down' | 'up'): void {
    // Either way messages may have been missed: nothing cached so far can be trusted.
    statusHeard = true;
    live = status === 'up';
    flush();
    if (live) retryPendingSoon(0);
  }

  function subscribe(): Promise<boolean> {
    if (closed) return Promise.resolve(false);
    // Subscribed already: a dropped connection resubscribes by itself and reports 'up'.
    if (live || unsubscribe !== undefined) return Promise.resolve(live);
    if (subscribing !== undefined) return subscribing;
    if (now() - lastAttempt < RESUBSCRIBE_MS) return Promise.resolve(false);
    lastAttempt = now();
    const attempt = store.subscribe(SESSIONS_REVOKED_CHANNEL, onMessage, { onStatus }).then(
      (off) => {
        if (closed) {
          void off().catch(() => {});
          return false;
        }
        unsubscribe = off;
        // A 'down' heard while subscribing wins: the connection reports 'up' when back.
        if (!statusHeard) live = true;
        flush();
        return true;
      },
      () => false,
    );
    subscribing = attempt;
    void attempt.finally(() => {
      if (subscribing === attempt) subscribing = undefined;
    });
    return attempt;
  }

  function report(operation: 'session' | 'signOut'): void {
    try {
      onUnavailable?.(operation);
    } catch {
      // an event handler's bug must not change the outcome
    }
  }

  async function seal(meta: Meta, tokens: TokenSet, ttlMs: number): Promise<string> {
    const record: SessionRecord = {
      v: 1,
      tokens: { idToken: tokens.idToken, accessToken: tokens.accessToken, ...(tokens.refreshToken ? { refreshToken: tokens.refreshToken } : {}) },
      sub: meta.sub,
      ...(meta.sid !== undefined ? { sid: meta.sid } : {}),
      createdAt: meta.createdAt,
      ...(meta.userAgent !== undefined ? { userAgent: meta.userAgent } : {}),
    };
    return sealData(record, { password: secrets, ttl: Math.ceil(ttlMs / 1000) });
  }

  /** The record's lifetime: the cookie's (counted from sign-in) with a refresh token, else until the access token expires. */
  function ttlOf(session: Session, createdAt: number): number {
    const end = createdAt + maxAgeMs;
    const until = session.tokens.refreshToken ? end : Math.min(end, session.expiresAt);
    return Math.max(1, Math.floor(until - now()));
  }

  /** The record under `hash`: `undefined` when there is none or it is not ours. Rejects `StoreUnavailable`. */
  async function fetchRecord(hash: string): Promise<SessionRecord | undefined> {
    let raw: string | undefined;
    try {
      raw = await store.get(`sess:${hash}`);
    } catch (err) {
      throw unavailable(err, 'read');
    }
    if (raw === undefined) return undefined;
    try {
      const data: unknown = await unsealData(raw, { password: secrets, ttl: Math.ceil(maxAgeMs / 1000) });
      return isRecord(data) ? data : undefined;
    } catch {
      return undefined;
    }
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
    store.set(`seen:${hash}`, String(t), maxAgeMs).catch(() => {});
  }

  async function readCold(value: string): Promise<Session | undefined> {
    const id = await ids.verify(value);
    if (id === undefined) return undefined; // forged or garbage: no store round trip
    const hash = await sha256Base64url(id);
    if (pendingEnds.has(hash)) return undefined; // signed out here; the store has not heard yet
    void subscribe();
    const started = generation;
    let record: SessionRecord | undefined;
    try {
      record = await fetchRecord(hash);
    } catch (err) {
      report('session');
      throw err;
    }
    if (record === undefined) return undefined;
    const read = await sessionOf(record, hash);
    if (read === undefined) return undefined;
    if (generation === started && !pendingEnds.has(hash)) {
      remember(value, read.session, hash, read.until);
      touch(hash, now());
    }
    return read.session;
  }

  /** Deletes the records (and index entries) of `hashes` whose record passes `keep`, and tells every instance. */
  async function endHashes(hashes: readonly string[], matches?: (record: SessionRecord) => boolean): Promise<TokenSet[]> {
    const ended: string[] = [];
    const tokens: TokenSet[] = [];
    try {
      await Promise.all(
        hashes.map(async (hash) => {
          const record = await fetchRecord(hash);
          if (matches !== undefined && (record === undefined || !matches(record))) return;
          await Promise.all([
            store.delete(`sess:${hash}`),
            store.delete(`seen:${hash}`),
            record ? userKey(record.sub).then((key) => store.removeMember(key, hash)) : undefined,
            record?.sid !== undefined ? sidKey(record.sid).then((key) => store.removeMember(key, hash)) : undefined,
          ]);
          drop(hash);
          ended.push(hash);
          if (record) tokens.push(record.tokens);
        }),
      );
      for (let i = 0; i < ended.length; i += PUBLISH_BATCH) {
        await store.publish(SESSIONS_REVOKED_CHANNEL, ended.slice(i, i + PUBLISH_BATCH).join(','));
      }
    } catch (err) {
      throw unavailable(err, 'delete');
    }
    return tokens;
  }

  function retryPendingSoon(delay: number): void {
    if (closed || pendingEnds.size === 0) return;
    if (retryTimer !== undefined) {
      if (delay > 0) return;
      clearTimeout(retryTimer);
    }
    retryTimer = setTimeout(() => void retryPending(), delay);
    // Must not keep a process alive that is shutting down.
    (retryTimer as { unref?: () => void }).unref?.();
  }

  async function retryPending(): Promise<void> {
    retryTimer = undefined;
    const t = now();
    for (const [hash, giveUpAt] of [...pendingEnds]) {
      // Past the record's longest possible life, there is nothing left to delete.
      if (giveUpAt <= t) {
        pendingEnds.delete(hash);
        continue;
      }
      try {
        const tokens = await endHashes([hash]);
        pendingEnds.delete(hash);
        for (const set of tokens) {
          try {
            onLateEnd?.(set);
          } catch {
            // best effort
          }
        }
      } catch {
        // Still down: keep it, back off.
        retryDelay = Math.min(retryDelay * 2, MAX_RETRY_MS);
        retryPendingSoon(retryDelay);
        return;
      }
    }
    retryDelay = 250;
  }

  /** Sign-out of one cookie value: the record goes now, or as soon as the store is back. Never rejects. */
  async function endValue(value: string): Promise<void> {
    const cached = cache.get(value);
    if (cached !== undefined) drop(cached.hash);
    const id = await ids.verify(value);
    if (id === undefined) return;
    const hash = await sha256Base64url(id);
    drop(hash);
    try {
      await endHashes([hash]);
    } catch {
      report('signOut');
      pendingEnds.delete(hash);
      pendingEnds.set(hash, now() + maxAgeMs);
      while (pendingEnds.size > MAX_PENDING) pendingEnds.delete(pendingEnds.keys().next().value as string);
      retryPendingSoon(retryDelay);
    }
  }

  async function writeRefreshed(meta: Meta, tokens: TokenSet): Promise<Session> {
    const session: Session = { ...toSession(tokens), serverId: meta.hash };
    const sid = session.idToken.payload.sid;
    const next: Meta = { ...meta, ...(typeof sid === 'string' && sid !== '' ? { sid } : {}) };
    const ttl = ttlOf(session, meta.createdAt);
    const sealed = await seal(next, tokens, ttl);
    let written: boolean;
    try {
      written = await store.setIfPresent(`sess:${meta.hash}`, sealed, ttl);
      // The indexes live as long as the record (a session ended meanwhile gets no entries back).
      if (written) await Promise.all([
        userKey(next.sub).then((key) => store.addMember(key, meta.hash, ttl)),
        next.sid !== undefined ? sidKey(next.sid).then((key) => store.addMember(key, meta.hash, ttl)) : undefined,
      ]);
    } catch (err) {
      report('session');
      throw unavailable(err, 'write');
    }
    // Ended while the IdP answered: the refresh must not bring it back.
    if (!written) {
      drop(meta.hash);
      throw new AuthError('RefreshTokenRejected', 'The session was ended while it was being refreshed');
    }
    metaOf.set(session, next);
    const value = valueOf.get(meta.hash);
    if (value !== undefined) remember(value, session, meta.hash, Number.POSITIVE_INFINITY);
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
    const sealed = await seal(meta, tokens, ttl);
    void subscribe();
    try {
      // Indexes first: a session that exists is always findable by user and sid.
      await Promise.all([
        userKey(sub).then((key) => store.addMember(key, hash, ttl)),
        meta.sid !== undefined ? sidKey(meta.sid).then((key) => store.addMember(key, hash, ttl)) : undefined,
      ]);
      await store.set(`sess:${hash}`, sealed, ttl);
    } catch (err) {
      report('session');
      throw unavailable(err, 'write');
    }
    cookies.set(cookieName, value, cookieOptions);
    metaOf.set(session, meta);
    remember(value, session, hash, Number.POSITIVE_INFINITY);
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
      const entry = cache.get(value);
      if (entry !== undefined) {
        const t = now();
        if (entry.until > t) {
          touch(entry.hash, t);
          if (verifySignatures?.mode !== 'always') return Promise.resolve(entry.session);
          const { session } = entry;
          return verifySignatures.verify(session).then(
            () => session,
            (err: unknown) => (isAuthError(err, 'IdpUnavailable') ? session : undefined),
          );
        } else {
          forget(value);
        }
      }
      if (!live) void subscribe();
      let pending = reading.get(value);
      if (pending === undefined) {
        pending = readCold(value);
        reading.set(value, pending);
        const done = () => void reading.delete(value);
        pending.then(done, done);
      }
      return pending;
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
        record = await fetchRecord(meta.hash);
      } catch (err) {
        report('session');
        throw err;
      }
      if (record === undefined || record.sub !== meta.sub) {
        drop(meta.hash);
        return undefined;
      }
      const read = await sessionOf(record, meta.hash);
      if (read === undefined) return undefined;
      const value = valueOf.get(meta.hash);
      if (value !== undefined) remember(value, read.session, meta.hash, read.until);
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
      let hashes: string[];
      let key: string;
      try {
        key = await userKey(sub);
        hashes = await store.members(key);
      } catch (err) {
        throw unavailable(err, 'list');
      }
      const rows = await Promise.all(
        hashes.map(async (hash): Promise<StoredSessionInfo | undefined> => {
          if (!HASH.test(hash) || pendingEnds.has(hash)) return undefined;
          const [record, seen] = await Promise.all([fetchRecord(hash), store.get(`seen:${hash}`).catch(() => undefined)]);
          if (record === undefined || record.sub !== sub) {
            // Expired or ended elsewhere: tidy the index.
            if (record === undefined) store.removeMember(key, hash).catch(() => {});
            return undefined;
          }
          const lastSeen = seen !== undefined && /^\d{1,16}$/.test(seen) ? Number(seen) : 0;
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
        if (!HASH.test(id)) return [];
        return endHashes([id], fits);
      }
      if (sub === undefined && sid === undefined) return [];
      let candidates: string[];
      try {
        const sets = await Promise.all([
          sub !== undefined ? userKey(sub).then((key) => store.members(key)) : undefined,
          sid !== undefined ? sidKey(sid).then((key) => store.members(key)) : undefined,
        ]);
        const [bySub, bySid] = sets;
        candidates = bySub && bySid ? bySub.filter((h) => bySid.includes(h)) : (bySub ?? bySid ?? []);
      } catch (err) {
        throw unavailable(err, 'list');
      }
      return endHashes(candidates.filter((h) => HASH.test(h)), fits);
    },

    ready: subscribe,

    async close() {
      closed = true;
      live = false;
      flush();
      if (retryTimer !== undefined) clearTimeout(retryTimer);
      const off = unsubscribe;
      unsubscribe = undefined;
      if (off !== undefined) await off().catch(() => {});
    },

    stats() {
      return { cached: cache.size, bytes: cachedBytes, live, pendingEnds: pendingEnds.size };
    },
  };
}
