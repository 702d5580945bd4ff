import Link from 'next/link';
import { hasCognitoUserPool } from '@/auth';
import { HostedSignInOnly } from '../HostedSignInOnly';
import { SignUpForm } from './SignUpForm';

export default function SignUpPage() {
  if (!hasCognitoUserPool) return <HostedSignInOnly />;
  return (
    <section className="card">
      <h1>Create an account</h1>
      <p className="muted">We send a code to your email to confirm it.</p>
      <SignUpForm />
      <p className="muted">
        Already have an account? <Link href="/login">Sign in</Link>
      </p>
    </section>
  );
}
