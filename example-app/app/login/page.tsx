import Link from 'next/link';
import { hasCognitoUserPool } from '@/auth';
import { HostedSignInOnly } from './HostedSignInOnly';
import { SignInForm } from './SignInForm';

const NOTICES: Record<string, string> = {
  confirmed: 'Your account is confirmed. Sign in.',
  'password-changed': 'Your password is changed. Sign in with the new one.',
};

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

function one(value: string | string[] | undefined): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The app's own sign-in form (cognito.signIn), beside the hosted sign-in page. */
export default async function LoginPage({ searchParams }: { searchParams: SearchParams }) {
  const params = await searchParams;
  const returnTo = one(params.returnTo);
  if (!hasCognitoUserPool) return <HostedSignInOnly returnTo={returnTo} />;
  const notice = NOTICES[one(params.notice) ?? ''];
  const username = one(params.username);
  const hosted = `/api/auth/sign-in${returnTo ? `?${new URLSearchParams({ returnTo })}` : ''}`;
  return (
    <section className="card">
      <h1>Sign in</h1>
      {notice ? (
        <p className="notice" data-testid="login-notice">
          {notice}
        </p>
      ) : null}
      <SignInForm returnTo={returnTo} username={username} />
      <p className="muted">
        <Link href="/login/sign-up">Create an account</Link> · <Link href="/login/reset">Forgot your password?</Link> ·{' '}
        <a href={hosted}>Use the hosted sign-in page</a>
      </p>
    </section>
  );
}
