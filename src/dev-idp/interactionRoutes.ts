import type { InteractionDetails, KoaContext } from 'oidc-provider';

import type { DevIdpContext } from './DevIdpContext.js';
import { endSession } from './endSession.js';
import { renderMessagePage, renderSecondFactorPage, renderSignInPage, renderSignUpPage } from './pages.js';
import { readForm } from './readForm.js';
import { redirect, sendHtml } from './respond.js';
import { ACR_PASSWORD, ACR_SECOND_FACTOR } from './SecondFactorCodes.js';
import { looksLikeEmail } from './userRecord.js';
import type { UserRecord } from './userRecord.js';

/** Exact texts tests and users look for. */
export const MESSAGES = {
  badCredentials: 'Incorrect username or password.',
  userExists: 'An account with this email already exists.',
  invalidEmail: 'Enter a valid email address.',
  nameRequired: 'Enter your name.',
  passwordTooShort: 'Password must be at least 8 characters.',
  badSecondFactorCode: 'Incorrect code. Try again.',
  secondFactorExpired: 'The code expired or was tried too many times. Sign in again.',
} as const;

const MIN_PASSWORD_LENGTH = 8;

export type Screen = 'auto' | 'signin' | 'signup' | 'second-factor';

const INTERACTION_PATH = /^\/login\/([A-Za-z0-9_-]+)(?:\/(signin|signup|second-factor))?\/?$/;

/**
 * Matches the hosted-UI paths `/login/<uid>`, `/login/<uid>/signin` and
 * `/login/<uid>/signup` (the interaction cookie is scoped to `/login/<uid>`).
 *
 * @example
 * ```ts
 * matchInteractionPath('/login/abc/signup'); // { uid: 'abc', screen: 'signup' }
 * ```
 */
export function matchInteractionPath(path: string): { uid: string; screen: Screen } | undefined {
  const match = INTERACTION_PATH.exec(path);
  if (!match?.[1]) return undefined;
  const screen = match[2] === 'signin' || match[2] === 'signup' || match[2] === 'second-factor' ? match[2] : 'auto';
  return { uid: match[1], screen };
}

function expired(ctx: KoaContext): void {
  sendHtml(
    ctx,
    400,
    renderMessagePage(
      'Sign-in expired',
      'This sign-in request has expired or was already completed. Go back to the application and start again.',
    ),
  );
}

/** With the second factor on, every login says how it was made (`acr`, `amr`); without it, nothing (as before). */
function loginMethod(idp: DevIdpContext, secondFactor: boolean): { acr?: string; amr?: string[] } {
  if (idp.secondFactor === undefined) return {};
  return secondFactor ? { acr: ACR_SECOND_FACTOR, amr: ['pwd', 'otp'] } : { acr: ACR_PASSWORD, amr: ['pwd'] };
}

/** The sign-in asked for the second factor: `acr_values` names `mfa` (and the second factor is on). */
function wantsSecondFactor(idp: DevIdpContext, details: InteractionDetails): boolean {
  const requested = details.params.acr_values;
  return idp.secondFactor !== undefined && typeof requested === 'string' && requested.split(' ').includes(ACR_SECOND_FACTOR);
}

async function finish(ctx: KoaContext, idp: DevIdpContext, details: InteractionDetails, user: UserRecord, method: { acr?: string; amr?: string[] } = {}): Promise<void> {
  // `create` marks the prompt=create prompt as resolved too (sign-up and sign-in both end it).
  const returnTo = await idp.provider.interactionResult(
    ctx.req,
    ctx.res,
    { login: { accountId: user.sub, ...method }, create: {} },
    { mergeWithLastSubmission: false },
  );
  const previous = details.session;
  if (previous?.uid !== undefined && previous.accountId !== undefined && previous.accountId !== user.sub) {
    // Someone else is signed in at the IdP. oidc-provider would answer the resume with
    // a JavaScript auto-submit page to its logout; end that session here instead and
    // unbind the interaction from it (what oidc-provider itself does before that page).
    const sessionId = idp.store.sessionIdForUid(previous.uid);
    if (sessionId !== undefined) await endSession(idp, sessionId);
    idp.store.patch('Interaction', details.uid, (payload) => {
      const session = payload.session;
      if (typeof session === 'object' && session !== null) delete (session as { uid?: unknown }).uid;
    });
  }
  redirect(ctx, 303, returnTo);
}

/**
 * Serves the login and sign-up pages of an oidc-provider interaction and
 * completes it when the password checks out (or the account is created).
 *
 * @example
 * ```ts
 * const match = matchInteractionPath(ctx.path);
 * if (match) await handleInteraction(ctx, idp, match.uid, match.screen);
 * ```
 */
export async function handleInteraction(ctx: KoaContext, idp: DevIdpContext, uid: string, screen: Screen): Promise<void> {
  let details: InteractionDetails;
  try {
    details = await idp.provider.interactionDetails(ctx.req, ctx.res);
  } catch {
    expired(ctx);
    return;
  }
  if (details.uid !== uid) {
    expired(ctx);
    return;
  }
  const prompt = details.prompt.name;
  if (prompt !== 'login' && prompt !== 'create') {
    sendHtml(ctx, 400, renderMessagePage('Unsupported request', `The development IdP cannot handle the "${prompt}" prompt.`));
    return;
  }

  const base = `/login/${uid}`;
  const clientId = typeof details.params.client_id === 'string' ? details.params.client_id : undefined;
  const resolved = screen === 'auto' ? (prompt === 'create' ? 'signup' : 'signin') : screen;
  const signIn = (status: number, username?: string, error?: string): void =>
    sendHtml(ctx, status, renderSignInPage({ action: `${base}/signin`, signUpHref: `${base}/signup`, clientId, username, error }));
  const signUp = (status: number, fields: { email?: string; name?: string }, error?: string): void =>
    sendHtml(ctx, status, renderSignUpPage({ action: `${base}/signup`, signInHref: `${base}/signin`, clientId, ...fields, error }));

  const codes = idp.secondFactor;
  const secondFactorPage = (status: number, code: string, username: string, error?: string): void =>
    sendHtml(ctx, status, renderSecondFactorPage({ action: `${base}/second-factor`, username, code, ...(error ? { error } : {}) }));
  if (resolved === 'second-factor') {
    // Only after the password of this very interaction: otherwise back to the sign-in form.
    const pending = codes?.pending(uid);
    if (codes === undefined || pending === undefined) return signIn(ctx.method === 'POST' ? 401 : 200, undefined, ctx.method === 'POST' ? MESSAGES.secondFactorExpired : undefined);
    if (ctx.method !== 'POST') return secondFactorPage(200, pending.code, pending.username);
    const result = codes.check(uid, (await readForm(ctx.req)).get('code') ?? '');
    if (result.ok) {
      const user = idp.users.findBySub(result.sub);
      if (user === undefined) return signIn(401, undefined, MESSAGES.secondFactorExpired);
      await finish(ctx, idp, details, user, loginMethod(idp, true));
      return;
    }
    if (!result.retry) return signIn(401, pending.username, MESSAGES.secondFactorExpired);
    return secondFactorPage(401, pending.code, pending.username, MESSAGES.badSecondFactorCode);
  }

  if (ctx.method !== 'POST') {
    if (resolved === 'signup') signUp(200, {});
    else signIn(200);
    return;
  }

  const form = await readForm(ctx.req);
  if (resolved === 'signin') {
    const username = form.get('username') ?? '';
    const user = await idp.users.authenticate(username, form.get('password') ?? '');
    if (!user) {
      signIn(401, username, MESSAGES.badCredentials);
      return;
    }
    if (codes !== undefined && wantsSecondFactor(idp, details)) {
      // Step-up: the password alone is not enough for this request; a one-time code next.
      codes.issue(uid, { sub: user.sub, username: user.username });
      redirect(ctx, 303, `${base}/second-factor`);
      return;
    }
    await finish(ctx, idp, details, user, loginMethod(idp, false));
    return;
  }

  const email = (form.get('email') ?? '').trim();
  const name = (form.get('name') ?? '').trim();
  const password = form.get('password') ?? '';
  if (!looksLikeEmail(email)) return signUp(400, { email, name }, MESSAGES.invalidEmail);
  if (!name) return signUp(400, { email, name }, MESSAGES.nameRequired);
  if (password.length < MIN_PASSWORD_LENGTH) return signUp(400, { email, name }, MESSAGES.passwordTooShort);
  if (idp.users.has(email)) return signUp(409, { email, name }, MESSAGES.userExists);

  let user: UserRecord;
  try {
    user = await idp.addUser({ username: email, email, name, password });
  } catch {
    // Lost a race with another sign-up for the same email.
    return signUp(409, { email, name }, MESSAGES.userExists);
  }
  await finish(ctx, idp, details, user, loginMethod(idp, false));
}
