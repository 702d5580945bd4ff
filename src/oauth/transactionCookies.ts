import { sealData, unsealData } from 'iron-session';
import type { CookieOptions, CookieStore } from '../cookies/CookieStore.js';
import { expireRequestCookie } from '../cookies/expireRequestCookie.js';
import type { AuthTransaction } from './AuthTransaction.js';

export interface TransactionCookieOptions {
  /** `nsa.tx` or `__Host-nsa.tx`: the state is appended, binding the cookie to it. */
  prefix: string;
  secrets: Record<string, string>;
  cookieOptions: Omit<CookieOptions, 'maxAge' | 'expires'>;
  /** Seconds a sign-in may take. */
  ttl: number;
  /** Sign-ins in flight kept per browser (several tabs); older ones are evicted. */
  maxParallel: number;
}

const STATE = /^[\w-]{16,128}$/;

function isTransaction(data: unknown): data is AuthTransaction {
  if (typeof data !== 'object' || data === null) return false;
  const d = data as Record<string, unknown>;
  return (
    ['state', 'nonce', 'codeVerifier', 'returnTo', 'redirectUri'].every((k) => typeof d[k] === 'string') &&
    typeof d.createdAt === 'number' &&
    (d.reauthenticate === undefined || d.reauthenticate === true) &&
    (d.customState === undefined || typeof d.customState === 'string') &&
    (d.maxAge === undefined || (typeof d.maxAge === 'number' && Number.isSafeInteger(d.maxAge) && d.maxAge >= 0)) &&
    (d.acrValues === undefined || (Array.isArray(d.acrValues) && d.acrValues.length > 0 && d.acrValues.every((v) => typeof v === 'string')))
  );
}

async function open(raw: string, o: TransactionCookieOptions): Promise<AuthTransaction | undefined> {
  try {
    const data: unknown = await unsealData(raw, { password: o.secrets, ttl: o.ttl });
    return isTransaction(data) ? data : undefined;
  } catch {
    return undefined;
  }
}

/** Browsers drop a cookie whose name and value exceed 4096 bytes, silently. */
const MAX_COOKIE_BYTES = 4096;

/**
 * Whether `transaction` fits one cookie, also once the callback re-seals it
 * for the `prompt=login` retry (marked `reauthenticate`, a few bytes more).
 * Checked before a sign-in starts, so a long `returnTo` plus `customState`
 * is refused up front instead of being dropped by the browser on the way.
 *
 * @example
 * ```ts
 * if (!(await transactionFits(transaction, options))) return failWith(route, 400, 'sign_in_state_too_large');
 * ```
 */
export async function transactionFits(transaction: AuthTransaction, o: TransactionCookieOptions): Promise<boolean> {
  const sealed = await sealData({ ...transaction, reauthenticate: true }, { password: o.secrets, ttl: o.ttl });
  return `${o.prefix}.${transaction.state}`.length + sealed.length <= MAX_COOKIE_BYTES;
}

/**
 * Stores a transaction in its own short-lived sealed cookie named after its
 * state, evicting the oldest so abandoned sign-ins never pile up.
 *
 * @example
 * ```ts
 * await saveTransaction(store, transaction, { prefix: 'nsa.tx', secrets, cookieOptions, ttl: 600, maxParallel: 3 });
 * ```
 */
export async function saveTransaction(store: CookieStore, transaction: AuthTransaction, o: TransactionCookieOptions): Promise<void> {
  const existing = store.getAll().filter((c) => c.name.startsWith(`${o.prefix}.`));
  if (existing.length >= o.maxParallel) {
    const aged = await Promise.all(existing.map(async (c) => ({ name: c.name, createdAt: (await open(c.value, o))?.createdAt ?? 0 })));
    aged.sort((a, b) => a.createdAt - b.createdAt);
    // Names come from the request: one no header can carry is skipped, never thrown on.
    for (const stale of aged.slice(0, existing.length - o.maxParallel + 1)) expireRequestCookie(store, stale.name, o.cookieOptions);
  }
  const sealed = await sealData(transaction, { password: o.secrets, ttl: o.ttl });
  store.set(`${o.prefix}.${transaction.state}`, sealed, { ...o.cookieOptions, maxAge: o.ttl });
}

/**
 * Takes (reads and deletes: single use) the transaction bound to `state`.
 * `undefined` when absent, expired, forged or for another state.
 *
 * @example
 * ```ts
 * const transaction = await takeTransaction(store, url.searchParams.get('state'), options);
 * ```
 */
export async function takeTransaction(store: CookieStore, state: string | null, o: TransactionCookieOptions): Promise<AuthTransaction | undefined> {
  if (state === null || !STATE.test(state)) return undefined;
  const name = `${o.prefix}.${state}`;
  const raw = store.get(name);
  if (raw === undefined) return undefined;
  store.delete(name, o.cookieOptions);
  const transaction = await open(raw, o);
  // The seal proves we wrote it; the state inside proves it is this sign-in's.
  return transaction?.state === state ? transaction : undefined;
}

/**
 * Deletes every transaction cookie (sign-out). A name under the prefix that
 * no `Set-Cookie` header can carry (anyone can send one) is skipped, never
 * thrown on; odd but header-safe names (`nsa.tx.a@b`) are expired.
 *
 * @example
 * ```ts
 * clearTransactions(store, { prefix: 'nsa.tx', cookieOptions: { path: '/', httpOnly: true } });
 * ```
 */
export function clearTransactions(store: CookieStore, o: Pick<TransactionCookieOptions, 'prefix' | 'cookieOptions'>): void {
  for (const c of store.getAll()) if (c.name.startsWith(`${o.prefix}.`)) expireRequestCookie(store, c.name, o.cookieOptions);
}
