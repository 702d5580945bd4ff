'use client';

import { useCallback, useEffect, useState } from 'react';
import { signIn, signOut, useSession } from 'next-server-auth/react';

interface Notes {
  username: string;
  notes: { id: number; title: string; body: string }[];
}

type Load = { state: 'idle' | 'loading' } | { state: 'done'; data: Notes } | { state: 'failed'; status: number };

/**
 * The session from useSession() and notes from the resource server, fetched
 * through the same-origin proxy: this code never holds an access token, only
 * the session cookie the browser sends (httpOnly, out of reach of scripts).
 */
export function ClientNotes() {
  const session = useSession();
  const { status, user, expiresAt } = session;
  const [load, setLoad] = useState<Load>({ state: 'idle' });

  const loadNotes = useCallback(async () => {
    setLoad({ state: 'loading' });
    try {
      const res = await fetch('/api/proxy/notes', { cache: 'no-store' });
      setLoad(res.ok ? { state: 'done', data: (await res.json()) as Notes } : { state: 'failed', status: res.status });
    } catch {
      setLoad({ state: 'failed', status: 0 });
    }
  }, []);

  const authenticated = status === 'authenticated';
  useEffect(() => {
    if (authenticated) void loadNotes();
    else setLoad({ state: 'idle' });
  }, [authenticated, loadNotes]);

  return (
    <section className="card">
      <h1>Client component</h1>
      <p className="muted">
        Session: <span data-testid="client-status">{status}</span>
      </p>
      {status === 'authenticated' && user ? (
        <>
          <dl className="facts">
            <dt>Email</dt>
            <dd data-testid="client-user-email">{user.email ?? ''}</dd>
            <dt>Username</dt>
            <dd>{user.username}</dd>
            <dt>Groups</dt>
            <dd>{user.groups.length > 0 ? user.groups.join(', ') : 'none'}</dd>
            <dt>Access token expires</dt>
            <dd data-testid="client-expires">{expiresAt ? new Date(expiresAt).toISOString() : ''}</dd>
          </dl>
          <h2>Your notes</h2>
          <p className="muted">From the resource server, through /api/proxy/notes.</p>
          {load.state === 'done' ? (
            <ul className="notes" data-testid="proxy-data" data-username={load.data.username}>
              {load.data.notes.map((note) => (
                <li key={note.id}>
                  <strong>{note.title}</strong> — {note.body}
                </li>
              ))}
            </ul>
          ) : load.state === 'failed' ? (
            <p data-testid="proxy-error">Could not load notes ({load.status === 0 ? 'network error' : `HTTP ${load.status}`}).</p>
          ) : (
            <p className="muted">Loading…</p>
          )}
          <details>
            <summary>What useSession() returns</summary>
            {/* Everything the hook holds: public claims, groups, expiry. No token. */}
            <pre data-testid="client-session-json">{JSON.stringify({ status, user, expiresAt }, null, 2)}</pre>
          </details>
          <div className="actions">
            <button type="button" className="button secondary" data-testid="proxy-reload" onClick={() => void loadNotes()}>
              Reload notes
            </button>
            <button type="button" className="button" data-testid="client-sign-out" onClick={() => signOut()}>
              Sign out
            </button>
          </div>
        </>
      ) : status === 'unauthenticated' ? (
        <>
          <p data-testid="client-signed-out">You are signed out.</p>
          <button type="button" className="button" data-testid="client-sign-in" onClick={() => signIn({ returnTo: '/client' })}>
            Sign in
          </button>
        </>
      ) : (
        <p className="muted">Checking your session…</p>
      )}
    </section>
  );
}
