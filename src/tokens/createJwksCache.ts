// Subpath imports: jose's barrel pulls in JWE compression, which the edge runtime lacks.
import { JOSEError, JWKSNoMatchingKey, JWKSTimeout } from 'jose/errors';
import { createLocalJWKSet } from 'jose/jwks/local';
import type { JSONWebKeySet, JWTVerifyGetKey } from 'jose';

export interface JwksCacheOptions {
  /** Resolved lazily: for discovered providers the JWKS URI is only known after discovery. */
  jwksUri: () => Promise<string>;
  /** Milliseconds for one JWKS fetch. */
  timeoutMs: number;
  /**
   * Least time between the starts of two JWKS fetches, milliseconds. A token
   * whose `kid` is unknown waits for the next allowed fetch instead of
   * failing, so after a key rotation the new key is picked up within this
   * interval while a flood of unknown `kid`s costs at most one fetch per
   * interval.
   * @default 5000
   */
  refetchIntervalMs?: number;
  /** Keys older than this are refreshed in the background, milliseconds. @default 600000 */
  maxAgeMs?: number;
  /** Clock, epoch milliseconds. @default Date.now */
  now?: () => number;
}

const noop = (): void => {};

/** Runtimes where a promise begun by one request must not be awaited by another (jose checks the same). */
function isolatesRequests(): boolean {
  const g = globalThis as { WebSocketPair?: unknown; EdgeRuntime?: unknown; navigator?: { userAgent?: string } };
  return g.WebSocketPair !== undefined || g.navigator?.userAgent === 'Cloudflare-Workers' || g.EdgeRuntime === 'vercel';
}

async function fetchJwks(uri: string, timeoutMs: number): Promise<JSONWebKeySet> {
  const response = await fetch(uri, {
    method: 'GET',
    redirect: 'manual',
    headers: { accept: 'application/json, application/jwk-set+json' },
    signal: AbortSignal.timeout(timeoutMs),
  }).catch((err: unknown) => {
    throw err instanceof Error && err.name === 'TimeoutError' ? new JWKSTimeout(undefined, { cause: err }) : err;
  });
  if (response.status !== 200) {
    await response.body?.cancel();
    throw new JOSEError('Expected 200 OK from the JSON Web Key Set HTTP response');
  }
  return (await response.json()) as JSONWebKeySet;
}

/**
 * A cached remote JWKS for `jwtVerify`. Unlike jose's `createRemoteJWKSet`
 * (which, for 30 s after any fetch, fails every unknown `kid`), a token
 * signed with a key the cache does not hold yet waits for the next fetch the
 * rate limit allows: one fetch at a time (shared by every waiting lookup)
 * and at most one start per `refetchIntervalMs`, whatever number of unknown
 * `kid`s arrive. Stale keys keep serving while a background fetch refreshes
 * them; a failed fetch keeps the keys held, and an unknown `kid` then fails
 * with the fetch's error (the keys could not be had), not with "no matching
 * key" (a verdict on the token).
 *
 * @example
 * ```ts
 * const keys = createJwksCache({ jwksUri: async () => `${issuer}/.well-known/jwks.json`, timeoutMs: 5000 });
 * await jwtVerify(token, keys, { issuer, algorithms: ['RS256', 'ES256'] });
 * ```
 */
export function createJwksCache(options: JwksCacheOptions): JWTVerifyGetKey {
  const interval = options.refetchIntervalMs ?? 5000;
  const maxAge = options.maxAgeMs ?? 600_000;
  const now = options.now ?? Date.now;
  const share = !isolatesRequests();
  let local: JWTVerifyGetKey | undefined;
  let loadedAt = -Infinity;
  let lastStart = -Infinity;
  let inflight: Promise<void> | undefined;
  /** Why the last fetch failed; undefined once one succeeds. */
  let lastFailure: unknown;
  let timer: { until: number; done: Promise<void> } | undefined;

  function start(): Promise<void> {
    lastStart = now();
    const current: Promise<void> = (async () => {
      const json = await fetchJwks(await options.jwksUri(), options.timeoutMs);
      local = createLocalJWKSet(json); // throws on a malformed set: the old keys stay
      loadedAt = now();
      lastFailure = undefined;
    })().catch((err: unknown) => {
      lastFailure = err;
      throw err;
    }).finally(() => {
      if (inflight === current) inflight = undefined;
    });
    inflight = current;
    current.catch(noop);
    return current;
  }

  function delay(until: number): Promise<void> {
    if (share && timer?.until === until) return timer.done;
    // +1: timers may fire a little before the clock reads `until`.
    const done = new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, until - now()) + 1)).then(() => {
      if (timer?.done === done) timer = undefined;
    });
    if (share) timer = { until, done };
    return done;
  }

  /**
   * Resolves once a fetch that was in flight when `since` came, or started
   * after it, has finished; starts one when the rate limit allows, else
   * waits for the next slot.
   */
  async function fetchSince(since: number): Promise<void> {
    if (inflight !== undefined && share) return inflight;
    if (lastStart >= since) return;
    const slot = lastStart + interval;
    if (now() < slot) {
      await delay(slot);
      // Whoever woke first started the fetch; the others share it.
      if (inflight !== undefined && share) return inflight;
      if (lastStart >= since) return;
    }
    return start();
  }

  return async (protectedHeader, token) => {
    const since = now();
    if (local === undefined) {
      // No keys yet (cold start, or the IdP was down): load now, one fetch at a time, as jose does.
      await (inflight !== undefined && share ? inflight : start());
    } else if (since - loadedAt > maxAge && inflight === undefined && since - lastStart >= interval) {
      start().catch(noop);
    }
    try {
      return await local!(protectedHeader, token);
    } catch (err) {
      if (!(err instanceof JWKSNoMatchingKey)) throw err;
      await fetchSince(since);
      // Keys we could not fetch are no verdict on the token: report the failure, not "no such key".
      if (lastFailure !== undefined) throw lastFailure;
      return local!(protectedHeader, token);
    }
  };
}
