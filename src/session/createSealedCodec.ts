import { sealData, unsealData } from 'iron-session';
import type { CookieOptions, CookieStore } from '../cookies/CookieStore.js';
import { deleteChunkedCookie } from '../cookies/deleteChunkedCookie.js';
import { readCookieChunks } from '../cookies/readCookieChunks.js';
import { writeChunkedCookie } from '../cookies/writeChunkedCookie.js';
import type { SessionCache } from './SessionCache.js';
import type { Session } from './Session.js';
import type { SessionCodec } from './SessionCodec.js';
import type { TokenSet } from './TokenSet.js';
import { toSession } from './toSession.js';

export interface SealedCodecOptions {
  /** Cookie name, prefix included (`__Host-nsa.session` on https). */
  cookieName: string;
  /** `{ id: secret }`; the highest id seals. */
  secrets: Record<string, string>;
  cookieOptions: CookieOptions & { maxAge: number };
  cache: SessionCache;
  /** Cheap claim checks run once per new cookie value, before it is cached; throwing means signed out. */
  checkSession?: (session: Session) => void;
  /** Called on every read when set (per-request verification); throwing means signed out. */
  verifyOnRead?: (session: Session) => Promise<void>;
}

/** What is sealed: short keys, since every byte is paid on every request. */
interface SealedPayload {
  v: 1;
  id: string;
  at: string;
  rt?: string;
}

function isSealedPayload(data: unknown): data is SealedPayload {
  if (typeof data !== 'object' || data === null) return false;
  const d = data as Record<string, unknown>;
  return d.v === 1 && typeof d.id === 'string' && typeof d.at === 'string' && (d.rt === undefined || typeof d.rt === 'string');
}

/**
 * The default codec: the token set sealed with iron-session (AES-256-CBC +
 * HMAC-SHA-256) into one httpOnly cookie, chunked when large. A verified seal
 * authenticates the tokens, so steady-state reads are a cache lookup keyed by
 * the cookie value.
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
  const { cookieName, secrets, cookieOptions, cache, checkSession, verifyOnRead } = options;
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
      const session = toSession({ idToken: data.id, accessToken: data.at, ...(data.rt ? { refreshToken: data.rt } : {}) });
      checkSession?.(session);
      return session;
    } catch {
      return undefined;
    }
  }

  return {
    async read(store: CookieStore) {
      const parts = readCookieChunks(store, cookieName);
      if (parts === undefined) return undefined;
      let session = cache.get(parts);
      if (session === undefined) {
        const raw = parts.join('');
        let pending = unsealing.get(raw);
        if (pending === undefined) {
          pending = unseal(raw).then((result) => {
            if (result !== undefined) cache.set(parts, result);
            return result;
          });
          unsealing.set(raw, pending);
          void pending.finally(() => unsealing.delete(raw));
        }
        session = await pending;
        if (session === undefined) return undefined;
      }
      if (verifyOnRead) {
        try {
          await verifyOnRead(session);
        } catch {
          return undefined;
        }
      }
      return session;
    },
    async write(store: CookieStore, tokens: TokenSet) {
      const session = toSession(tokens);
      const payload: SealedPayload = { v: 1, id: tokens.idToken, at: tokens.accessToken, ...(tokens.refreshToken ? { rt: tokens.refreshToken } : {}) };
      let sealing = seals.get(tokens);
      if (sealing === undefined) {
        sealing = sealData(payload, { password: secrets, ttl });
        seals.set(tokens, sealing);
      }
      const sealed = await sealing;
      writeChunkedCookie(store, cookieName, sealed, cookieOptions);
      const written = readCookieChunks(store, cookieName);
      if (written !== undefined && written.join('') === sealed) cache.set(written, session);
      return session;
    },
    clear(store: CookieStore) {
      const { maxAge: _maxAge, ...rest } = cookieOptions;
      deleteChunkedCookie(store, cookieName, rest);
    },
  };
}
