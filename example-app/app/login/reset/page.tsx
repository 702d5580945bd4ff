import Link from 'next/link';
import { hasCognitoUserPool } from '@/auth';
import { HostedSignInOnly } from '../HostedSignInOnly';
import { ConfirmResetPasswordForm } from './ConfirmResetPasswordForm';
import { ResetPasswordForm } from './ResetPasswordForm';

export default async function ResetPasswordPage({ searchParams }: { searchParams: Promise<{ step?: string | string[]; username?: string | string[] }> }) {
  if (!hasCognitoUserPool) return <HostedSignInOnly />;
  const { step, username } = await searchParams;
  const codeSent = step === 'code';
  return (
    <section className="card">
      <h1>Reset your password</h1>
      {codeSent ? (
        <>
          <p className="muted">If an account uses this email, we sent it a code.</p>
          <ConfirmResetPasswordForm username={typeof username === 'string' ? username : undefined} />
        </>
      ) : (
        <ResetPasswordForm />
      )}
      <p className="muted">
        <Link href="/login">Back to sign in</Link>
      </p>
    </section>
  );
}
