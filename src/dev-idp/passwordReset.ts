import { randomInt } from 'node:crypto';

import type { KoaContext } from 'oidc-provider';

import { CognitoError } from './CognitoError.js';
import type { CognitoUserPoolState } from './CognitoUserPoolState.js';
import type { DevIdpContext } from './DevIdpContext.js';
import { hashPassword } from './password.js';
import { registerSrpVerifier } from './srpVerifiers.js';

type Json = Record<string, unknown>;

/** Cognito's forgot-password codes live one hour. */
const CODE_TTL_MS = 60 * 60 * 1000;
const MAX_CODES = 10_000;
const MIN_PASSWORD_LENGTH = 8;
const CODE_MISMATCH = 'Invalid verification code provided, please try again.';

interface ResetCode {
  code: string;
  expiresAt: number;
}

// Kept beside the pool state it belongs to (one per dev IdP), without widening that class.
const codesByState = new WeakMap<CognitoUserPoolState, Map<string, ResetCode>>();

function codesOf(state: CognitoUserPoolState): Map<string, ResetCode> {
  let codes = codesByState.get(state);
  if (codes === undefined) {
    codes = new Map();
    codesByState.set(state, codes);
  }
  return codes;
}

function str(body: Json, name: string): string {
  const value = body[name];
  if (typeof value !== 'string' || value === '') throw new CognitoError('InvalidParameterException', `Missing required parameter ${name}`);
  return value;
}

function clientCheck(idp: DevIdpContext, body: Json): void {
  const clientId = str(body, 'ClientId');
  if (!idp.clients.some((c) => c.clientId === clientId)) throw new CognitoError('ResourceNotFoundException', 'User pool client does not exist.');
}

function maskEmail(email: string): string {
  const [local = '', domain = ''] = email.split('@');
  return `${local.slice(0, 1)}***@${domain.slice(0, 1)}***`;
}

/**
 * `ForgotPassword`: a 6-digit code for a confirmed user, "sent" to the dev
 * IdP's console and `GET /dev/users/<username>/password-reset-code`; a new
 * request replaces the previous code. Unknown users get the same answer
 * (Cognito's "prevent user existence errors").
 *
 * @example
 * ```ts
 * await forgotPassword(idp, state, { ClientId, Username: 'alice@example.com' });
 * ```
 */
export async function forgotPassword(idp: DevIdpContext, state: CognitoUserPoolState, body: Json): Promise<Json> {
  clientCheck(idp, body);
  const username = str(body, 'Username').trim();
  if (state.isLocked(username)) throw new CognitoError('LimitExceededException', 'Attempt limit exceeded, please try after some time.');
  const user = idp.users.findByUsername(username);
  const email = user?.email ?? (username.includes('@') ? username : 'user@example.com');
  const delivery = { CodeDeliveryDetails: { Destination: maskEmail(email), DeliveryMedium: 'EMAIL', AttributeName: 'email' } };
  if (user === undefined) return delivery;
  const codes = codesOf(state);
  if (codes.size >= MAX_CODES) codes.delete(codes.keys().next().value ?? '');
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  codes.set(user.username.toLowerCase(), { code, expiresAt: state.now() + CODE_TTL_MS });
  // The dev IdP's "email", as for sign-up confirmation codes.
  // The code is a secret: say where to read it, never print it.
  const route = `/dev/users/${encodeURIComponent(user.username)}/password-reset-code`;
  console.log(`dev IdP: a reset was requested for ${user.username}; read its code at GET ${route}`);
  return delivery;
}

/**
 * `ConfirmForgotPassword`: sets the new password when the code matches.
 * `CodeMismatchException` for a wrong code (and for unknown users),
 * `ExpiredCodeException` for an expired, used or never requested one,
 * `InvalidPasswordException` below the policy (the code stays usable),
 * `LimitExceededException` after five wrong codes in a row.
 *
 * @example
 * ```ts
 * await confirmForgotPassword(idp, state, { ClientId, Username, ConfirmationCode: '123456', Password: 'new-password' });
 * ```
 */
export async function confirmForgotPassword(idp: DevIdpContext, state: CognitoUserPoolState, body: Json): Promise<Json> {
  clientCheck(idp, body);
  const username = str(body, 'Username').trim();
  const code = str(body, 'ConfirmationCode');
  const password = str(body, 'Password');
  if (state.isLocked(username)) throw new CognitoError('LimitExceededException', 'Attempt limit exceeded, please try after some time.');
  const user = idp.users.findByUsername(username);
  if (user === undefined) throw new CognitoError('CodeMismatchException', CODE_MISMATCH);
  const codes = codesOf(state);
  const key = user.username.toLowerCase();
  const entry = codes.get(key);
  if (entry === undefined || entry.expiresAt <= state.now()) {
    codes.delete(key);
    throw new CognitoError('ExpiredCodeException', 'Invalid code provided, please request a code again.');
  }
  if (code !== entry.code) {
    state.fail(username);
    throw new CognitoError('CodeMismatchException', CODE_MISMATCH);
  }
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new CognitoError('InvalidPasswordException', `Password did not conform with policy: Password not long enough (at least ${MIN_PASSWORD_LENGTH} characters)`);
  }
  codes.delete(key);
  state.succeed(username);
  user.passwordHash = await hashPassword(password);
  // The new password's SRP verifier (the old one is keyed by the old hash and is never found again).
  registerSrpVerifier(user.passwordHash, user.username, password);
  return {};
}

/**
 * `GET /dev/users/<username>/password-reset-code`: the code a
 * `ForgotPassword` "sent" (`{ code }`), 404 when there is none.
 *
 * @example
 * ```ts
 * if (handlePasswordResetCodeRoute(ctx, state)) return;
 * ```
 */
export function handlePasswordResetCodeRoute(ctx: KoaContext, state: CognitoUserPoolState): boolean {
  const match = ctx.method === 'GET' ? /^\/dev\/users\/([^/]+)\/password-reset-code$/.exec(ctx.path) : null;
  if (!match) return false;
  let username = '';
  try {
    username = decodeURIComponent(match[1]!).trim().toLowerCase();
  } catch {
    // stays '' → 404
  }
  const entry = username === '' ? undefined : codesOf(state).get(username);
  const live = entry !== undefined && entry.expiresAt > state.now();
  ctx.status = live ? 200 : 404;
  ctx.type = 'json';
  ctx.set('Cache-Control', 'no-store');
  ctx.body = JSON.stringify(live ? { code: entry.code } : { error: 'no_pending_password_reset' });
  return true;
}
