import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

import type { StoredEntry } from './AdapterStore.js';
import type { SigningJwk } from './signingKey.js';
import type { UserRecord } from './userRecord.js';

/** What a dev IdP state file holds. */
export interface PersistedState {
  version: 1;
  signingKey: SigningJwk;
  cookieKeys: string[];
  /** Users added at runtime (sign-up, addUser); configured users come from options. */
  users: UserRecord[];
  entries: StoredEntry[];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reads a state file; undefined when it does not exist yet.
 *
 * @example
 * ```ts
 * const state = readStateFile('.dev-idp-state.json');
 * ```
 */
export function readStateFile(path: string): PersistedState | undefined {
  if (!existsSync(path)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (cause) {
    throw new Error(`dev IdP: state file ${path} is not valid JSON (delete it to start fresh)`, { cause });
  }
  if (
    !isObject(parsed) ||
    parsed.version !== 1 ||
    !isObject(parsed.signingKey) ||
    !Array.isArray(parsed.cookieKeys) ||
    !Array.isArray(parsed.users) ||
    !Array.isArray(parsed.entries)
  ) {
    throw new Error(`dev IdP: state file ${path} has an unknown format (delete it to start fresh)`);
  }
  // Written by writeState below; the shape check above guards against other files.
  return parsed as unknown as PersistedState;
}

/**
 * Writes the state file, coalescing bursts of changes (a token call touches
 * several artifacts) into one write; `flush()` writes now. Writes go to a
 * temporary file first so a crash never leaves half a file.
 *
 * @example
 * ```ts
 * const writer = new StateFileWriter(path, () => snapshot());
 * writer.schedule();
 * writer.flush();
 * ```
 */
export class StateFileWriter {
  readonly #path: string;
  readonly #snapshot: () => PersistedState;
  #timer: NodeJS.Timeout | undefined;

  constructor(path: string, snapshot: () => PersistedState) {
    this.#path = path;
    this.#snapshot = snapshot;
  }

  schedule(): void {
    if (this.#timer) return;
    this.#timer = setTimeout(() => this.flush(), 20);
    this.#timer.unref();
  }

  flush(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    mkdirSync(dirname(this.#path), { recursive: true });
    const temporary = `${this.#path}.${process.pid}.tmp`;
    writeFileSync(temporary, `${JSON.stringify(this.#snapshot(), null, 1)}\n`, { mode: 0o600 });
    renameSync(temporary, this.#path);
  }
}
