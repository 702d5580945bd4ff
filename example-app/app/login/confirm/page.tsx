import { hasCognitoUserPool } from '@/auth';
import { HostedSignInOnly } from '../HostedSignInOnly';
import { ConfirmSignUpForm } from './ConfirmSignUpForm';

export default async function ConfirmSignUpPage({ searchParams }: { searchParams: Promise<{ username?: string | string[] }> }) {
  if (!hasCognitoUserPool) return <HostedSignInOnly />;
  const { username } = await searchParams;
  return (
    <section className="card">
      <h1>Confirm your account</h1>
      <p className="muted">Enter the code we sent to your email.</p>
      <ConfirmSignUpForm username={typeof username === 'string' ? username : undefined} />
    </section>
  );
}
