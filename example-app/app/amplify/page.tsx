import { cookies } from 'next/headers';
import Link from 'next/link';
import { fetchAuthSession, isAuthError } from 'next-server-auth/server';
import { amplifyOutputs, runWithServerContext, userPoolEndpoint } from '@/amplify-auth';
import { AmplifyPanel } from './AmplifyPanel';

// Public: it hosts the sign-in form. proxy.ts sends it through amplify-auth.ts's
// guard, which refreshes Amplify's cookies when the access token is due.
export default async function AmplifyPage() {
  if (process.env.DEV_IDP_MODE === 'oidc') {
    return (
      <section className="card">
        <h1>Amplify</h1>
        <p className="notice">The dev IdP runs in oidc mode: Amplify needs a Cognito user pool (the default cognito mode).</p>
      </section>
    );
  }
  // The same cookies Amplify's browser code wrote, verified on every read;
  // with the identity pool in the outputs, also the user's identityId (and AWS credentials).
  let session;
  try {
    session = await runWithServerContext({ nextServerContext: { cookies }, operation: (ctx) => fetchAuthSession(ctx) });
  } catch (err) {
    // A refresh or the identity pool could not reach Cognito: the cookies are kept, try again later.
    if (!isAuthError(err, 'IdpUnavailable')) throw err;
    return (
      <section className="card">
        <h1>Amplify</h1>
        <p className="notice" data-testid="amplify-unavailable">
          Cognito is not answering right now; you are still signed in. Try again in a moment.
        </p>
      </section>
    );
  }
  const id = session.tokens?.idToken.payload;
  const access = session.tokens?.accessToken.payload;
  const { auth } = amplifyOutputs;
  return (
    <section className="card">
      <h1>Amplify in the browser, the session on the server</h1>
      <p>
        This page signs in with Amplify&apos;s own browser library, which keeps its tokens in cookies that JavaScript can read. The
        server reads the same cookies with the <code>amplify</code> session codec. The rest of this app keeps its session in one
        sealed, httpOnly cookie instead, so the header does not show this sign-in.
      </p>
      <h2>What the server sees</h2>
      <dl className="facts">
        <dt>Status</dt>
        <dd data-testid="amplify-server-status">{session.tokens ? 'signed in' : 'signed out'}</dd>
        <dt>Email</dt>
        <dd data-testid="amplify-server-email">{typeof id?.email === 'string' ? id.email : '–'}</dd>
        <dt>Identity id</dt>
        <dd data-testid="identity-id">{session.identityId ?? '–'}</dd>
        <dt>AWS credentials</dt>
        <dd data-testid="identity-credentials">{session.credentials ? `until ${session.credentials.expiration.toISOString()}` : 'none'}</dd>
        <dt>Access token iat</dt>
        <dd data-testid="server-token-iat">{access?.iat ?? '–'}</dd>
        <dt>Access token jti</dt>
        <dd data-testid="server-token-jti">{typeof access?.jti === 'string' ? access.jti : '–'}</dd>
      </dl>
      <AmplifyPanel
        config={{ userPoolId: auth.user_pool_id, userPoolClientId: auth.user_pool_client_id, userPoolEndpoint }}
        signedIn={session.tokens !== undefined}
        {...(typeof access?.iat === 'number' ? { serverIat: access.iat } : {})}
      />
      <p>
        <Link href="/amplify/private">A page only signed-in Amplify users can see →</Link>
      </p>
    </section>
  );
}
