'use client';

// Amplify's own browser library, as an Amplify app uses it: it signs in from
// this page (SRP: the password never leaves the browser), keeps the tokens in
// cookies (`ssr: true`) and refreshes them itself when asked. The server
// component around it reads the same cookies through amplify-auth.ts.
import { Amplify } from 'aws-amplify';
import { fetchAuthSession, signIn, signOut } from 'aws-amplify/auth';
import { useRouter } from 'next/navigation';
import { useCallback, useEffect, useState, useSyncExternalStore } from 'react';
import type { FormEvent } from 'react';

/** `Auth.Cognito` of Amplify's config; from the server, so no build-time NEXT_PUBLIC_ values. */
export interface AmplifyClientConfig {
  userPoolId: string;
  userPoolClientId: string;
  /** The dev IdP; leave it out with a real user pool. */
  userPoolEndpoint?: string;
}

/** What the browser library sees: claims of its access token, never the token. */
interface BrowserView {
  username?: string;
  iat?: number;
  jti?: string;
}

let configuredWith: string | undefined;

function configure(config: AmplifyClientConfig): void {
  // In the browser only: the server reads the session through amplify-auth.ts.
  if (typeof window === 'undefined') return;
  const key = JSON.stringify(config);
  if (configuredWith === key) return;
  Amplify.configure({ Auth: { Cognito: config } }, { ssr: true });
  configuredWith = key;
}

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

const noSubscription = () => () => {};

/** `?returnTo=` back to another /amplify page after signing in; anything else stays here. */
function safeReturnTo(value: string | null): string | undefined {
  return value !== null && /^\/amplify(\/[\w-]+)*$/.test(value) ? value : undefined;
}

export function AmplifyPanel({ config, signedIn, serverIat }: { config: AmplifyClientConfig; signedIn: boolean; serverIat?: number }) {
  configure(config);
  const router = useRouter();
  const [view, setView] = useState<BrowserView>({});
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  // False in the server render and until hydration: a click before that would
  // submit the form natively, putting the password in the URL.
  const hydrated = useSyncExternalStore(noSubscription, () => true, () => false);

  const readBrowserSession = useCallback(async (forceRefresh = false) => {
    // Without forceRefresh this refreshes only if the access token is expired:
    // after the server refreshed (its guard rewrites the cookies), it is not.
    const { tokens } = await fetchAuthSession({ forceRefresh });
    const claims = tokens?.accessToken.payload;
    setView({
      ...(typeof claims?.username === 'string' ? { username: claims.username } : {}),
      ...(typeof claims?.iat === 'number' ? { iat: claims.iat } : {}),
      ...(typeof claims?.jti === 'string' ? { jti: claims.jti } : {}),
    });
  }, []);

  // Again whenever the server's view changes (a refresh by either side).
  useEffect(() => {
    readBrowserSession().catch((e: unknown) => setError(describeError(e)));
  }, [readBrowserSession, serverIat, signedIn]);

  async function run(action: () => Promise<void>) {
    setBusy(true);
    setError(undefined);
    try {
      await action();
    } catch (e) {
      setError(describeError(e));
    } finally {
      setBusy(false);
    }
  }

  function onSignIn(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    void run(async () => {
      // Amplify's default flow, USER_SRP_AUTH.
      const result = await signIn({ username: String(form.get('username')), password: String(form.get('password')) });
      if (!result.isSignedIn) {
        setError(`Next step: ${result.nextStep.signInStep}`);
        return;
      }
      await readBrowserSession();
      const returnTo = safeReturnTo(new URLSearchParams(window.location.search).get('returnTo'));
      // The server reads the new cookies on the next request.
      if (returnTo) router.push(returnTo);
      else router.refresh();
    });
  }

  return (
    <div className="amplify-panel">
      {signedIn ? (
        <div className="actions">
          <button
            type="button"
            className="button secondary"
            data-testid="amplify-force-refresh"
            disabled={busy}
            onClick={() =>
              void run(async () => {
                await readBrowserSession(true);
                router.refresh();
              })
            }
          >
            Refresh in the browser
          </button>
          <button
            type="button"
            className="button secondary"
            data-testid="amplify-sign-out"
            disabled={busy}
            onClick={() =>
              void run(async () => {
                await signOut();
                setView({});
                router.refresh();
              })
            }
          >
            Sign out with Amplify
          </button>
        </div>
      ) : (
        <form className="auth-form" onSubmit={onSignIn}>
          <label>
            Email <input name="username" type="email" autoComplete="username" required data-testid="amplify-username" />
          </label>
          <label>
            Password <input name="password" type="password" autoComplete="current-password" required data-testid="amplify-password" />
          </label>
          <button type="submit" className="button" disabled={busy || !hydrated} data-testid="amplify-sign-in">
            Sign in with Amplify
          </button>
        </form>
      )}
      {error ? (
        <p className="notice" role="alert" data-testid="amplify-error">
          {error}
        </p>
      ) : null}
      <h2>What the browser library sees</h2>
      <dl className="facts">
        <dt>User</dt>
        <dd data-testid="browser-username">{view.username ?? 'signed out'}</dd>
        <dt>Access token iat</dt>
        <dd data-testid="browser-token-iat">{view.iat ?? '–'}</dd>
        <dt>Access token jti</dt>
        <dd data-testid="browser-token-jti">{view.jti ?? '–'}</dd>
      </dl>
    </div>
  );
}
