'use server';
// The /login forms' server actions. Each catches the AuthError that cognito.*
// throws and returns its code (Next.js hides a thrown error's message and
// properties in production); success redirects. Tokens go straight into the
// httpOnly session cookie: nothing here returns one.
import { redirect } from 'next/navigation';
import { isAuthError, safeReturnPath } from 'next-server-auth';
import { cognito } from '@/auth';
import type { FormState } from './messages';

function text(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === 'string' ? value.trim() : '';
}

/** Runs one cognito.* call; an AuthError becomes the form's state, anything else is a bug and is thrown. */
async function attempt(form: FormData, call: () => Promise<unknown>): Promise<FormState | undefined> {
  try {
    await call();
    return undefined;
  } catch (error) {
    if (isAuthError(error)) return { error: error.code, username: text(form, 'username') };
    throw error;
  }
}

export async function signInAction(_previous: FormState, form: FormData): Promise<FormState> {
  const failed = await attempt(form, () => cognito.signIn(form)); // the `username` and `password` fields
  if (failed) return failed;
  // Outside the try: redirect() throws on purpose. `returnTo` is untrusted
  // (it came in the page's URL): only a same-origin path is followed.
  redirect(safeReturnPath(form.get('returnTo'), '/dashboard'));
}

export async function signUpAction(_previous: FormState, form: FormData): Promise<FormState> {
  const username = text(form, 'username');
  const password = form.get('password');
  const failed = await attempt(form, () =>
    // The email is the username here; pools with other sign-in attributes add them.
    cognito.signUp({ username, password: typeof password === 'string' ? password : '', attributes: { email: username } }),
  );
  if (failed) return failed;
  redirect(`/login/confirm?${new URLSearchParams({ username })}`);
}

export async function confirmSignUpAction(_previous: FormState, form: FormData): Promise<FormState> {
  const failed = await attempt(form, () => cognito.confirmSignUp(form)); // `username`, `code`
  if (failed) return failed;
  redirect(`/login?${new URLSearchParams({ notice: 'confirmed', username: text(form, 'username') })}`);
}

export async function resetPasswordAction(_previous: FormState, form: FormData): Promise<FormState> {
  // Unknown users get the same answer (no hint which emails have an account).
  const failed = await attempt(form, () => cognito.resetPassword(form)); // `username`
  if (failed) return failed;
  redirect(`/login/reset?${new URLSearchParams({ step: 'code', username: text(form, 'username') })}`);
}

export async function confirmResetPasswordAction(_previous: FormState, form: FormData): Promise<FormState> {
  const failed = await attempt(form, () => cognito.confirmResetPassword(form)); // `username`, `code`, `newPassword`
  if (failed) return failed;
  redirect(`/login?${new URLSearchParams({ notice: 'password-changed', username: text(form, 'username') })}`);
}
