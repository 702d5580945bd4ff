'use client';
import { useActionState } from 'react';
import { confirmSignUpAction } from '../actions';
import { FormError } from '../FormError';
import type { FormState } from '../messages';

/** The emailed code → cognito.confirmSignUp; then sign in. */
export function ConfirmSignUpForm({ username }: { username?: string }) {
  const [state, action, pending] = useActionState<FormState, FormData>(confirmSignUpAction, username ? { username } : {});
  return (
    <form action={action} className="auth-form" aria-busy={pending}>
      <label>
        Email
        <input name="username" type="email" autoComplete="username" required defaultValue={state.username} data-testid="confirm-username" />
      </label>
      <label>
        Code
        <input name="code" inputMode="numeric" autoComplete="one-time-code" required data-testid="confirm-code" />
      </label>
      <button type="submit" className="button" disabled={pending} data-testid="confirm-submit">
        {pending ? 'Confirming…' : 'Confirm'}
      </button>
      <FormError state={state} testId="confirm-error" />
    </form>
  );
}
