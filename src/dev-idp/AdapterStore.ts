import type { Adapter } from 'oidc-provider';

type Payload = Record<string, unknown>;

/** One stored artifact as written to the state file. */
export interface StoredEntry {
  key: string;
  payload: Payload;
  /** Epoch milliseconds; absent = no expiry. */
  expiresAt?: number;
}

/** Model name under which JWT access token ids are indexed to their grant. */
export const ACCESS_TOKEN_GRANT_MODEL = 'AccessTokenGrant';

// Models whose artifacts die with their grant (same set as oidc-provider's
// memory adapter), plus our own access-token → grant index.
const GRANTABLE = new Set([
  'AccessToken',
  'AuthorizationCode',
  'RefreshToken',
  'DeviceCode',
  'BackchannelAuthenticationRequest',
  'PreAuthorizedCode',
  ACCESS_TOKEN_GRANT_MODEL,
]);

/**
 * Storage behind the oidc-provider adapter: every model in one map, with the
 * session-uid, user-code and grant indexes, snapshot-able to JSON so the
 * state file can restore sessions, grants and refresh tokens after a restart.
 *
 * @example
 * ```ts
 * const store = new AdapterStore();
 * const adapterFactory = (model: string) => store.adapterFor(model);
 * ```
 */
export class AdapterStore {
  readonly #entries = new Map<string, StoredEntry>();
  readonly #sessionUids = new Map<string, string>();
  readonly #userCodes = new Map<string, string>();
  readonly #grants = new Map<string, Set<string>>();
  readonly #onChange: () => void;
  #writes = 0;

  constructor(entries: StoredEntry[] = [], onChange: () => void = () => {}) {
    this.#onChange = onChange;
    const now = Date.now();
    for (const entry of entries) {
      if (entry.expiresAt === undefined || entry.expiresAt > now) this.#put(entry);
    }
  }

  /** An oidc-provider adapter for one model, backed by this store. */
  adapterFor(model: string): Adapter {
    const key = (id: string): string => `${model}:${id}`;
    return {
      upsert: async (id, payload, expiresIn) => this.upsert(model, id, payload, expiresIn),
      find: async (id) => this.find(key(id)),
      findByUid: async (uid) => {
        const id = this.#sessionUids.get(uid);
        return id === undefined ? undefined : this.find(`Session:${id}`);
      },
      findByUserCode: async (userCode) => {
        const id = this.#userCodes.get(userCode);
        return id === undefined ? undefined : this.find(`${model}:${id}`);
      },
      consume: async (id) => {
        const entry = this.#live(key(id));
        if (entry) {
          entry.payload.consumed = Math.floor(Date.now() / 1000);
          this.#onChange();
        }
      },
      destroy: async (id) => this.destroy(model, id),
      revokeByGrantId: async (grantId) => this.revokeByGrantId(grantId),
    };
  }

  upsert(model: string, id: string, payload: Payload, expiresIn?: number): void {
    // Expired entries are otherwise only dropped when read; sweep now and then.
    if (++this.#writes % 256 === 0) this.#sweep();
    const key = `${model}:${id}`;
    this.#remove(key);
    this.#put({
      key,
      payload: structuredClone(payload),
      ...(typeof expiresIn === 'number' ? { expiresAt: Date.now() + expiresIn * 1000 } : {}),
    });
    this.#onChange();
  }

  /** A copy of the stored payload (callers must not mutate the store by accident). */
  find(key: string): Payload | undefined {
    const entry = this.#live(key);
    return entry ? structuredClone(entry.payload) : undefined;
  }

  /** Changes a stored payload in place, keeping its expiry. */
  patch(model: string, id: string, change: (payload: Payload) => void): void {
    const entry = this.#live(`${model}:${id}`);
    if (!entry) return;
    change(entry.payload);
    this.#onChange();
  }

  /** Id of the live session with this uid. */
  sessionIdForUid(uid: string): string | undefined {
    const id = this.#sessionUids.get(uid);
    return id !== undefined && this.#live(`Session:${id}`) ? id : undefined;
  }

  /** Ids (and payload copies) of the live entries of `model` whose payload matches. */
  findWhere(model: string, match: (payload: Readonly<Payload>) => boolean): Array<{ id: string; payload: Payload }> {
    const prefix = `${model}:`;
    const found: Array<{ id: string; payload: Payload }> = [];
    for (const key of [...this.#entries.keys()]) {
      if (!key.startsWith(prefix)) continue;
      const entry = this.#live(key);
      if (entry && match(entry.payload)) found.push({ id: key.slice(prefix.length), payload: structuredClone(entry.payload) });
    }
    return found;
  }

  has(model: string, id: string): boolean {
    return this.#live(`${model}:${id}`) !== undefined;
  }

  destroy(model: string, id: string): void {
    if (this.#remove(`${model}:${id}`)) this.#onChange();
  }

  /** Deletes every artifact issued under a grant (not the Grant itself). */
  revokeByGrantId(grantId: string): void {
    const members = this.#grants.get(grantId);
    if (!members) return;
    for (const key of [...members]) this.#remove(key);
    this.#grants.delete(grantId);
    this.#onChange();
  }

  /** Live entries, for the state file. */
  snapshot(): StoredEntry[] {
    const now = Date.now();
    return [...this.#entries.values()].filter((e) => e.expiresAt === undefined || e.expiresAt > now);
  }

  #sweep(): void {
    const now = Date.now();
    for (const [key, entry] of this.#entries) {
      if (entry.expiresAt !== undefined && entry.expiresAt <= now) this.#remove(key);
    }
  }

  #live(key: string): StoredEntry | undefined {
    const entry = this.#entries.get(key);
    if (entry?.expiresAt !== undefined && entry.expiresAt <= Date.now()) {
      this.#remove(key);
      return undefined;
    }
    return entry;
  }

  #put(entry: StoredEntry): void {
    const { key, payload } = entry;
    this.#entries.set(key, entry);
    const [model = '', id = ''] = splitKey(key);
    if (model === 'Session' && typeof payload.uid === 'string') this.#sessionUids.set(payload.uid, id);
    if (typeof payload.userCode === 'string') this.#userCodes.set(payload.userCode, id);
    if (GRANTABLE.has(model) && typeof payload.grantId === 'string') {
      let members = this.#grants.get(payload.grantId);
      if (!members) this.#grants.set(payload.grantId, (members = new Set()));
      members.add(key);
    }
  }

  #remove(key: string): boolean {
    const entry = this.#entries.get(key);
    if (!entry) return false;
    this.#entries.delete(key);
    const { payload } = entry;
    const [model = '', id = ''] = splitKey(key);
    if (model === 'Session' && typeof payload.uid === 'string' && this.#sessionUids.get(payload.uid) === id) {
      this.#sessionUids.delete(payload.uid);
    }
    if (typeof payload.userCode === 'string' && this.#userCodes.get(payload.userCode) === id) {
      this.#userCodes.delete(payload.userCode);
    }
    if (typeof payload.grantId === 'string') {
      const members = this.#grants.get(payload.grantId);
      members?.delete(key);
      if (members?.size === 0) this.#grants.delete(payload.grantId);
    }
    return true;
  }
}

function splitKey(key: string): [string, string] {
  const at = key.indexOf(':');
  return [key.slice(0, at), key.slice(at + 1)];
}
