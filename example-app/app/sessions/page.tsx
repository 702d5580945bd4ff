import { cookies } from 'next/headers';
import { redirect } from 'next/navigation';
import { revalidatePath } from 'next/cache';
import { isAuthError, listSessions, requireUser, revokeSession, signOutEverywhere } from 'next-server-auth/server';
import type { SessionInfo } from 'next-server-auth/server';
import { runWithServerContext, signOut } from '@/auth';

// "Your sessions": every signed-in browser of this user, with sign-out per
// device and everywhere. The list needs server-side sessions
// (`session: { codec: 'server' }`, SESSION_MODE=server in this app); with
// the sealed cookie the server keeps no list, but "sign out everywhere" still
// works (a cut-off time every instance checks).
// With the store down, the list and both actions say so (a message on this
// page, never an error page); the guard answers 503 before that when it
// cannot read the session at all.

/** Back here with a "not now" message: the store did not answer, nothing was ended. */
const UNAVAILABLE = '/sessions?unavailable=1';

/** Runs `operation`; on StoreUnavailable goes back to the page with the message instead. */
async function orUnavailable<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (err) {
    if (isAuthError(err, 'StoreUnavailable')) redirect(UNAVAILABLE);
    throw err;
  }
}

/** Server action: ends one session of the signed-in user (only their own: revokeSession checks). */
async function signOutDevice(formData: FormData) {
  'use server';
  const id = formData.get('id');
  if (typeof id !== 'string' || id === '') return;
  await orUnavailable(() => runWithServerContext({ nextServerContext: { cookies }, operation: (ctx) => revokeSession(ctx, id) }));
  // This device: finish as a sign-out does (the IdP's logout, then `/`). Only
  // picks where to land: the session is gone either way.
  if (formData.get('current') === '1') await signOut();
  revalidatePath('/sessions');
}

/**
 * Server action: ends every session of the signed-in user, this one included,
 * then signs this browser out at the IdP too (signOut: the IdP's logout, then
 * back to `/`). Without that, the next sign-in here would reuse the IdP
 * session, and with cookie sessions its ID token keeps the old `auth_time`,
 * which the cut-off just recorded refuses.
 */
async function signOutEverywhereAction() {
  'use server';
  await orUnavailable(() => runWithServerContext({ nextServerContext: { cookies }, operation: (ctx) => signOutEverywhere(ctx) }));
  await signOut();
}

type Listing = { mode: 'server'; sessions: SessionInfo[] } | { mode: 'cookie' } | { mode: 'unavailable' };

export default async function SessionsPage({ searchParams }: { searchParams: Promise<{ unavailable?: string }> }) {
  const { unavailable } = await searchParams;
  const listing = await runWithServerContext<Listing>({
    nextServerContext: { cookies },
    operation: async (ctx) => {
      // The guard stops signed-out visitors first; this is the backstop.
      await requireUser(ctx, { returnTo: '/sessions' });
      try {
        return { mode: 'server', sessions: await listSessions(ctx) };
      } catch (err) {
        if (isAuthError(err, 'ServerSessionsRequired')) return { mode: 'cookie' };
        // Redis did not answer in time (this request's session came from the process cache).
        if (isAuthError(err, 'StoreUnavailable')) return { mode: 'unavailable' };
        throw err;
      }
    },
  });
  return (
    <section className="card">
      <h1>Your sessions</h1>
      {unavailable === '1' || listing.mode === 'unavailable' ? (
        <p role="alert" className="notice" data-testid="sessions-unavailable">
          {unavailable === '1'
            ? 'The session service did not answer, so your sessions were not signed out.'
            : 'The session service is not answering right now, so your sessions cannot be listed.'}{' '}
          Try again in a moment.
        </p>
      ) : null}
      {listing.mode === 'server' ? (
        <>
          <p>
            Every browser signed in to your account. Signing a device out ends its session on every server at once, even if
            someone copied its cookie.
          </p>
          <ul className="sessions" data-testid="session-list">
            {listing.sessions.map((session) => (
              <li key={session.id} className="session" data-testid="session-row" data-current={session.current ? 'true' : 'false'}>
                <div className="session-facts">
                  <strong className="session-agent" title={session.userAgent ?? ''} data-testid="session-agent">
                    {describeAgent(session.userAgent)}
                  </strong>
                  {session.current ? (
                    <span className="badge" data-testid="this-device">
                      this device
                    </span>
                  ) : null}
                  <span className="session-times">
                    Signed in <When ms={session.createdAt} testId="session-created" /> · last seen{' '}
                    <When ms={session.lastSeenAt} testId="session-last-seen" />
                  </span>
                </div>
                <form action={signOutDevice}>
                  <input type="hidden" name="id" value={session.id} />
                  {session.current ? <input type="hidden" name="current" value="1" /> : null}
                  <button type="submit" className="button secondary">
                    Sign out this device
                  </button>
                </form>
              </li>
            ))}
          </ul>
        </>
      ) : listing.mode === 'cookie' ? (
        <p data-testid="sessions-cookie-mode">
          This app keeps your session in a sealed cookie in your browser, so the server has no list of your devices to show
          (run it with <code>SESSION_MODE=server</code> for that). You can still sign out everywhere: from their next request on,
          the app refuses every session of yours that signed in before now.
        </p>
      ) : null}
      <form action={signOutEverywhereAction}>
        <button type="submit" className="button" data-testid="sign-out-everywhere">
          Sign out everywhere
        </button>
      </form>
    </section>
  );
}

/** A time in UTC, minutes precision (rendered on the server: no hydration mismatch across time zones). */
function When({ ms, testId }: { ms: number; testId: string }) {
  const iso = new Date(ms).toISOString();
  return (
    <time dateTime={iso} data-testid={testId}>
      {`${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`}
    </time>
  );
}

/** "Chrome on Linux" from a user-agent string; the full string stays in the title. */
function describeAgent(userAgent: string | undefined): string {
  if (!userAgent) return 'Unknown browser';
  const browser = /Edg\//.test(userAgent)
    ? 'Edge'
    : /Firefox\//.test(userAgent)
      ? 'Firefox'
      : /Chrom(e|ium)\//.test(userAgent)
        ? 'Chrome'
        : /Safari\//.test(userAgent)
          ? 'Safari'
          : /^node|undici/i.test(userAgent)
            ? 'A script'
            : 'A browser';
  const os = /Windows/.test(userAgent)
    ? 'Windows'
    : /Android/.test(userAgent)
      ? 'Android'
      : /iPhone|iPad/.test(userAgent)
        ? 'iOS'
        : /Mac OS X/.test(userAgent)
          ? 'macOS'
          : /Linux/.test(userAgent)
            ? 'Linux'
            : undefined;
  return os ? `${browser} on ${os}` : browser;
}
