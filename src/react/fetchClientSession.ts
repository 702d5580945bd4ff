import type { ClientSession } from '../session/ClientSession.js';
import { parseClientSession } from './parseClientSession.js';

/**
 * `GET {basePath}/session`, same-origin credentials, never cached. Rejects
 * on a network error, a non-200 answer (a 503 while the store is down) or a
 * body that is not a `ClientSession`; callers keep the last known session.
 */
export async function fetchClientSession(basePath: string): Promise<ClientSession> {
  const response = await fetch(`${basePath}/session`, { credentials: 'same-origin', cache: 'no-store', headers: { accept: 'application/json' } });
  const session = response.status === 200 ? parseClientSession(await response.json()) : undefined;
  if (session === undefined) throw new Error(`next-server-auth: session check failed (${response.status})`);
  return session;
}
