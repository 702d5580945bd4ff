import { sealData, unsealData } from 'iron-session';
import type { AuthStore } from '../store/AuthStore.js';
import { sha256Base64url } from './base64url.js';
import type { TokenSet } from './TokenSet.js';
import { toStoreUnavailable } from './toStoreUnavailable.js';

/** What a store record holds, sealed with the app secret. */
export interface SessionRecord {
  v: 1;
  tokens: TokenSet;
  sub: string;
  sid?: string;
  createdAt: number;
  userAgent?: string;
}

/** A record's fields besides its tokens. */
type RecordFields = Pick<SessionRecord, 'sub' | 'sid' | 'createdAt' | 'userAgent'>;

/**
 * Server sessions as the store holds them, each under its session hash (the
 * base64url SHA-256 of its id). Methods that touch the store reject with
 * `AuthError('StoreUnavailable')` unless said otherwise.
 */
export interface SessionRecords {
  /** Whether `hash` can be a session hash at all: anything else is never looked up. */
  isHash(hash: string): boolean;
  /** The sealed record of `fields` and `tokens`, valid for `ttlMs`. */
  seal(fields: RecordFields, tokens: TokenSet, ttlMs: number): Promise<string>;
  /** The record under `hash`: `undefined` when there is none or it is not ours. */
  get(hash: string): Promise<SessionRecord | undefined>;
  /** Writes a new record, its user (and IdP-session) index entries first. */
  create(hash: string, index: Pick<SessionRecord, 'sub' | 'sid'>, sealed: string, ttlMs: number): Promise<void>;
  /** Replaces a record that still exists (and renews its index entries); `false` when it was gone. */
  replace(hash: string, index: Pick<SessionRecord, 'sub' | 'sid'>, sealed: string, ttlMs: number): Promise<boolean>;
  /** Deletes the record, its last-seen time and, given its `record`, its index entries. */
  remove(hash: string, record: SessionRecord | undefined): Promise<void>;
  /** The hashes indexed under every given field (none given: none). */
  indexed(match: { sub?: string; sid?: string }): Promise<string[]>;
  /** Takes `hash` out of the user's index (best effort, never rejects). */
  unindex(sub: string, hash: string): void;
  /** When the session was last seen (epoch ms), 0 when unknown; never rejects. */
  lastSeen(hash: string): Promise<number>;
  /** Records `t` as the session's last-seen time; never awaited, never rejects. */
  markSeen(hash: string, t: number): void;
}

const HASH = /^[A-Za-z0-9_-]{43}$/;

function isTokenSet(t: unknown): t is TokenSet {
  if (typeof t !== 'object' || t === null) return false;
  const s = t as Record<string, unknown>;
  return typeof s.idToken === 'string' && typeof s.accessToken === 'string' && (s.refreshToken === undefined || typeof s.refreshToken === 'string') && (s.dpopKey === undefined || typeof s.dpopKey === 'string');
}

function isRecord(d: unknown): d is SessionRecord {
  if (typeof d !== 'object' || d === null) return false;
  const r = d as Record<string, unknown>;
  return (
    r.v === 1 && isTokenSet(r.tokens) && typeof r.sub === 'string' && (r.sid === undefined || typeof r.sid === 'string') &&
    typeof r.createdAt === 'number' && (r.userAgent === undefined || typeof r.userAgent === 'string')
  );
}

/**
 * The store layout of server sessions: `sess:<hash>` → the iron seal of
 * `{ tokens, sub, sid?, createdAt, userAgent? }` under the app secrets;
 * `user:<sha256(iss + ' ' + sub)>` and `sid:<sha256(iss + ' ' + sid)>` → sets
 * of session hashes (so a user's or an IdP session's sessions can be listed
 * and ended); `seen:<hash>` → last-seen epoch ms. Keys are hashes: the store
 * never holds a session id or a user id.
 *
 * @example
 * ```ts
 * const records = createSessionRecords({ store, secrets: { 1: secret }, issuer, maxAgeMs: 30 * 86_400_000 });
 * await records.create(hash, { sub }, await records.seal({ sub, createdAt: Date.now() }, tokens, ttl), ttl);
 * const record = await records.get(hash); // { v: 1, tokens, sub, createdAt }
 * ```
 */
export function createSessionRecords(options: {
  store: AuthStore;
  /** `{ id: secret }`: the highest id seals, all unseal. */
  secrets: Record<string, string>;
  /** The IdP's issuer: part of the index keys. */
  issuer: string;
  /** A session's absolute lifetime: no record, seal or last-seen time outlives it. */
  maxAgeMs: number;
}): SessionRecords {
  const { store, secrets, issuer, maxAgeMs } = options;
  const userKey = (sub: string) => sha256Base64url(`${issuer} ${sub}`).then((h) => `user:${h}`);
  const sidKey = (sid: string) => sha256Base64url(`${issuer} ${sid}`).then((h) => `sid:${h}`);
  const addToIndexes = (hash: string, { sub, sid }: Pick<SessionRecord, 'sub' | 'sid'>, ttlMs: number) =>
    Promise.all([
      userKey(sub).then((key) => store.addMember(key, hash, ttlMs)),
      sid !== undefined ? sidKey(sid).then((key) => store.addMember(key, hash, ttlMs)) : undefined,
    ]);

  return {
    isHash: (hash) => HASH.test(hash),

    async seal(fields, tokens, ttlMs) {
      const record: SessionRecord = {
        v: 1,
        tokens: { idToken: tokens.idToken, accessToken: tokens.accessToken, ...(tokens.refreshToken ? { refreshToken: tokens.refreshToken } : {}), ...(tokens.dpopKey ? { dpopKey: tokens.dpopKey } : {}) },
        sub: fields.sub,
        ...(fields.sid !== undefined ? { sid: fields.sid } : {}),
        createdAt: fields.createdAt,
        ...(fields.userAgent !== undefined ? { userAgent: fields.userAgent } : {}),
      };
      return sealData(record, { password: secrets, ttl: Math.ceil(ttlMs / 1000) });
    },

    async get(hash) {
      let raw: string | undefined;
      try {
        raw = await store.get(`sess:${hash}`);
      } catch (err) {
        throw toStoreUnavailable(err, 'read');
      }
      if (raw === undefined) return undefined;
      try {
        const data: unknown = await unsealData(raw, { password: secrets, ttl: Math.ceil(maxAgeMs / 1000) });
        return isRecord(data) ? data : undefined;
      } catch {
        return undefined;
      }
    },

    async create(hash, index, sealed, ttlMs) {
      try {
        // Indexes first: a session that exists is always findable by user and sid.
        await addToIndexes(hash, index, ttlMs);
        await store.set(`sess:${hash}`, sealed, ttlMs);
      } catch (err) {
        throw toStoreUnavailable(err, 'write');
      }
    },

    async replace(hash, index, sealed, ttlMs) {
      try {
        const written = await store.setIfPresent(`sess:${hash}`, sealed, ttlMs);
        // The indexes live as long as the record (a session ended meanwhile gets no entries back).
        if (written) await addToIndexes(hash, index, ttlMs);
        return written;
      } catch (err) {
        throw toStoreUnavailable(err, 'write');
      }
    },

    async remove(hash, record) {
      try {
        await Promise.all([
          store.delete(`sess:${hash}`),
          store.delete(`seen:${hash}`),
          record ? userKey(record.sub).then((key) => store.removeMember(key, hash)) : undefined,
          record?.sid !== undefined ? sidKey(record.sid).then((key) => store.removeMember(key, hash)) : undefined,
        ]);
      } catch (err) {
        throw toStoreUnavailable(err, 'delete');
      }
    },

    async indexed({ sub, sid }) {
      if (sub === undefined && sid === undefined) return [];
      try {
        const [bySub, bySid] = await Promise.all([
          sub !== undefined ? userKey(sub).then((key) => store.members(key)) : undefined,
          sid !== undefined ? sidKey(sid).then((key) => store.members(key)) : undefined,
        ]);
        return bySub && bySid ? bySub.filter((h) => bySid.includes(h)) : (bySub ?? bySid ?? []);
      } catch (err) {
        throw toStoreUnavailable(err, 'list');
      }
    },

    unindex(sub, hash) {
      userKey(sub).then((key) => store.removeMember(key, hash)).catch(() => {});
    },

    async lastSeen(hash) {
      const seen = await store.get(`seen:${hash}`).catch(() => undefined);
      return seen !== undefined && /^\d{1,16}$/.test(seen) ? Number(seen) : 0;
    },

    markSeen(hash, t) {
      store.set(`seen:${hash}`, String(t), maxAgeMs).catch(() => {});
    },
  };
}
