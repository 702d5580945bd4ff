'use client';
import { useActionState } from 'react';
import { resetPasswordAction } from '../actions';
import { FormError } from '../FormError';
import type { FormState } from '../messages';

/** Step 1: email → cognito.resetPassword, which sends a code. */
export function ResetPasswordForm() {
  const [state, action, pending] = useActionState<FormState, FormData>(resetPasswordAction, {});
  return (
    <form action={action} className="auth-form" aria-busy={pending}>
      <label>
        Email
        <input name="username" type="email" autoComplete="username" required defaultValue={state.username} data-testid="reset-username" />
      </label>
      <button type="submit" className="button" disabled={pending} data-testid="reset-submit">
        {pending ? 'Sending…' : 'Send me a code'}
      </button>
      <FormError state={state} testId="reset-error" />
    </form>
  );
}
