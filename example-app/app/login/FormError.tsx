import Link from 'next/link';
import { messageFor } from './messages';
import type { FormState } from './messages';

/** The form's error as a sentence (never the error's own text), with the way forward where there is one. */
export function FormError({ state, testId }: { state: FormState; testId: string }) {
  if (!state.error) return null;
  const confirm = `/login/confirm?${new URLSearchParams(state.username ? { username: state.username } : {})}`;
  return (
    <p role="alert" className="notice" data-testid={testId}>
      {messageFor(state.error)}{' '}
      {state.error === 'UserNotConfirmed' ? <Link href={confirm}>Confirm your account</Link> : null}
      {state.error === 'PasswordResetRequired' || state.error === 'CodeExpired' ? <Link href="/login/reset">Reset your password</Link> : null}
    </p>
  );
}
