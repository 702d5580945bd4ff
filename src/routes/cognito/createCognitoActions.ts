import { headers as nextHeaders } from 'next/headers.js';
import { cookies as nextCookies } from 'next/headers.js';

import type { AuthRuntime } from '../../context/AuthRuntime.js';
import type { NextCookiesLike } from '../../context/NextServerContext.js';
import { runInContext } from '../../context/runInContext.js';
import { userOf } from '../../context/userOf.js';
import { writeSession } from '../../context/writeSession.js';
import { AuthError } from '../../errors/AuthError.js';
import { cognitoErrorToAuthError } from './cognitoErrorToAuthError.js';
import type { CognitoAction } from './cognitoErrorToAuthError.js';
import { cognitoPoolOf } from './cognitoPoolOf.js';
import { cognitoSdkFor } from './cognitoSdkFor.js';
import type { CognitoSdk } from './cognitoSdkFor.js';

/** Where a confirmation or reset code was "sent" (masked, as Cognito reports it). */
export interface CodeDelivery {
  /** e.g. `a***@e***` */
  destination: string;
  /** `EMAIL` or `SMS` */
  medium: string;
}

/** `cognito.signIn` input: an object, or the `FormData` of a form with `username` and `password` fields. */
export type CognitoSignInInput = { username: string; password: string } | FormData;
/** `cognito.signUp` input; with `FormData`, `email` and `name` fields become attributes. */
export type CognitoSignUpInput = { username: string; password: string; attributes?: Record<string, string> } | FormData;
/** `cognito.confirmSignUp` input (`username`, `code`). */
export type CognitoConfirmSignUpInput = { username: string; code: string } | FormData;
/** `cognito.resetPassword` input (`username`). */
export type CognitoResetPasswordInput = { username: string } | FormData;
/** `cognito.confirmResetPassword` input (`username`, `code`, `newPassword`). */
export type CognitoConfirmResetPasswordInput = { username: string; code: string; newPassword: string } | FormData;

/**
 * Password sign-in, sign-up and password reset against the Cognito user pool,
 * for server actions: tokens go straight into the sealed httpOnly session and
 * never into a return value. Every failure is an `AuthError` whose `code` a
 * form can switch on (`InvalidCredentials`, `UserNotConfirmed`,
 * `UsernameExists`, `CodeMismatch`, `CodeExpired`, `InvalidPassword`,
 * `PasswordResetRequired`, `TooManyRequests`, `InvalidParameter`,
 * `ChallengeRequired`, `IdpUnavailable`, `InvalidConfig`); no message ever
 * holds a password, code or token.
 *
 * Named `cognito.signIn` (not `signIn`) because the runner's `signIn` is the
 * hosted-UI redirect, which works for every provider; these need a Cognito
 * user pool (a generic OIDC config throws `InvalidConfig`).
 */
export interface CognitoActions {
  /**
   * Signs in with `runtimeOptions.cognito.authFlow`: USER_SRP_AUTH by
   * default (Secure Remote Password, the password never leaves the server;
   * the app client must allow `ALLOW_USER_SRP_AUTH`, as new app clients and
   * Amplify do) or USER_PASSWORD_AUTH (`ALLOW_USER_PASSWORD_AUTH`). Then the
   * tokens are verified like the callback's and written as the session
   * (cookie or server-side, as configured). Needs writable cookies: a server
   * action or route handler (`CookiesReadOnly` otherwise), on the Node.js
   * runtime. A flow the app client does not allow is `InvalidConfig`; MFA,
   * new-password and other challenges are `ChallengeRequired`.
   *
   * @example
   * ```ts
   * const { user } = await cognito.signIn({ username, password }); // { username, userId }
   * ```
   */
  signIn(input: CognitoSignInInput): Promise<{ user: { username: string; userId: string } }>;
  /**
   * Registers a user; most pools then send a code to confirm with
   * {@link CognitoActions.confirmSignUp}. Does not sign in.
   *
   * @example
   * ```ts
   * const { userConfirmed } = await cognito.signUp({ username, password, attributes: { email: username } });
   * ```
   */
  signUp(input: CognitoSignUpInput): Promise<{ userConfirmed: boolean; userId?: string; codeDelivery?: CodeDelivery }>;
  /**
   * Confirms a sign-up with its code. Does not sign in (the password is not
   * known here): follow with {@link CognitoActions.signIn}.
   *
   * @example
   * ```ts
   * await cognito.confirmSignUp({ username, code });
   * ```
   */
  confirmSignUp(input: CognitoConfirmSignUpInput): Promise<{ userConfirmed: true }>;
  /**
   * Sends a password-reset code. Unknown users get the same answer as known
   * ones (no user enumeration; `codeDelivery` may then be absent).
   *
   * @example
   * ```ts
   * await cognito.resetPassword({ username });
   * ```
   */
  resetPassword(input: CognitoResetPasswordInput): Promise<{ codeDelivery?: CodeDelivery }>;
  /**
   * Sets the new password with the code from {@link CognitoActions.resetPassword}.
   * Does not sign in.
   *
   * @example
   * ```ts
   * await cognito.confirmResetPassword({ username, code, newPassword });
   * ```
   */
  confirmResetPassword(input: CognitoConfirmResetPasswordInput): Promise<void>;
}

const LIMITS = { username: 128, password: 256, newPassword: 256, code: 64 } as const;
type Field = keyof typeof LIMITS;

function field(input: Record<string, unknown> | FormData, name: Field): string {
  const raw = input instanceof FormData ? input.get(name) : input[name];
  // The value is never echoed: it may be a password.
  if (typeof raw !== 'string' || raw.trim() === '') throw new AuthError('InvalidParameter', `${name} is required`);
  if (raw.length > LIMITS[name]) throw new AuthError('InvalidParameter', `${name} is longer than ${LIMITS[name]} characters`);
  return name === 'username' || name === 'code' ? raw.trim() : raw;
}

function attributesOf(input: Record<string, unknown> | FormData): { Name: string; Value: string }[] {
  const list: { Name: string; Value: string }[] = [];
  if (input instanceof FormData) {
    for (const name of ['email', 'name']) {
      const value = input.get(name);
      if (typeof value === 'string' && value.trim() !== '') list.push({ Name: name, Value: value.trim() });
    }
    return list;
  }
  const attributes = input.attributes;
  if (attributes === undefined) return list;
  if (typeof attributes !== 'object' || attributes === null) throw new AuthError('InvalidParameter', 'attributes must be an object of strings');
  for (const [name, value] of Object.entries(attributes)) {
    if (typeof value !== 'string') throw new AuthError('InvalidParameter', `attributes.${name} must be a string`);
    list.push({ Name: name, Value: value });
  }
  return list;
}

function deliveryOf(output: Record<string, unknown>): CodeDelivery | undefined {
  const details = output.CodeDeliveryDetails as { Destination?: unknown; DeliveryMedium?: unknown } | undefined;
  if (typeof details?.Destination !== 'string') return undefined;
  return { destination: details.Destination, medium: typeof details.DeliveryMedium === 'string' ? details.DeliveryMedium : 'EMAIL' };
}

async function userAgentOf(headers: () => Promise<Headers | { get(name: string): string | null }> | { get(name: string): string | null }): Promise<string | undefined> {
  try {
    return (await headers()).get('user-agent') ?? undefined;
  } catch {
    return undefined; // outside a request (tests): the session just lists no device
  }
}

/**
 * Binds the `cognito.*` server actions to a runtime. `cookies` / `headers`
 * are seams for tests (default: `next/headers`).
 *
 * @example
 * ```ts
 * const cognito = createCognitoActionsFor(runtime);
 * await cognito.signIn(formData);
 * ```
 */
export function createCognitoActionsFor(
  runtime: AuthRuntime,
  seams: {
    cookies?: () => Promise<NextCookiesLike> | NextCookiesLike;
    headers?: () => Promise<{ get(name: string): string | null }> | { get(name: string): string | null };
  } = {},
): CognitoActions {
  const cookies = seams.cookies ?? nextCookies;
  const headers = seams.headers ?? nextHeaders;
  const clientId = runtime.config.clientId;
  // Cognito's SECRET_HASH for app clients with a secret: base64(HMAC-SHA256(secret, username + clientId)).
  // WebCrypto, not node:crypto: the runner (and so this file) is imported by the edge guard too.
  const secretHash = async (username: string): Promise<{ SecretHash?: string }> => {
    const secret = runtime.config.clientSecret;
    if (secret === undefined) return {};
    const encoder = new TextEncoder();
    const key = await crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, encoder.encode(username + clientId)));
    return { SecretHash: btoa(String.fromCharCode(...mac)) };
  };

  async function call(action: CognitoAction, operation: Parameters<CognitoSdk['send']>[0], input: Record<string, unknown>) {
    const sdk = await cognitoSdkFor(runtime);
    try {
      return await sdk.send(operation, { ClientId: clientId, ...input });
    } catch (error) {
      throw cognitoErrorToAuthError(error, action);
    }
  }

  const secretHashParam = async (username: string): Promise<{ SECRET_HASH?: string }> => {
    const hash = await secretHash(username);
    return hash.SecretHash === undefined ? {} : { SECRET_HASH: hash.SecretHash };
  };

  // USER_SRP_AUTH: InitiateAuth with SRP_A, then the PASSWORD_VERIFIER
  // challenge answered with the password claim; the password never leaves
  // this process. Returns the pool's last answer (tokens or another challenge).
  async function srpSignIn(username: string, password: string): Promise<Record<string, unknown>> {
    cognitoPoolOf(runtime.config); // a generic OIDC config: InvalidConfig saying why, before anything else
    const poolId = runtime.config.userPoolId;
    if (poolId === undefined) {
      throw new AuthError(
        'InvalidConfig',
        "cognito.signIn with USER_SRP_AUTH needs the user pool id: set runtimeOptions.cognito.userPoolId (the dev IdP's is DEV_IDP_USER_POOL_ID) or runtimeOptions.cognito.authFlow: 'USER_PASSWORD_AUTH'",
      );
    }
    // Next replaces process.env.NEXT_RUNTIME at build time, and the edge
    // bundle keeps only the first branch: node:crypto never enters it.
    const srpModule = process.env.NEXT_RUNTIME === 'edge' ? undefined : await import('./createSrpClient.js');
    if (srpModule === undefined) throw new AuthError('InvalidConfig', 'cognito.signIn with USER_SRP_AUTH runs on the Node.js runtime (server actions, route handlers)');
    const srp = srpModule.createSrpClient();
    const first = await call('signIn', 'InitiateAuth', {
      AuthFlow: 'USER_SRP_AUTH',
      AuthParameters: { USERNAME: username, SRP_A: srp.srpA, ...(await secretHashParam(username)) },
    });
    if (first.ChallengeName !== 'PASSWORD_VERIFIER') return first;
    const responses = srp.answer(first.ChallengeParameters, { poolName: poolId.slice(poolId.indexOf('_') + 1), password });
    return call('signIn', 'RespondToAuthChallenge', {
      ChallengeName: 'PASSWORD_VERIFIER',
      // Cognito checks this SECRET_HASH against its own name for the user (USER_ID_FOR_SRP), not what was typed.
      ChallengeResponses: { ...responses, ...(await secretHashParam(responses.USERNAME)) },
      ...(typeof first.Session === 'string' ? { Session: first.Session } : {}),
    });
  }

  return {
    async signIn(input) {
      const username = field(input as Record<string, unknown>, 'username');
      const password = field(input as Record<string, unknown>, 'password');
      const output =
        runtime.config.authFlow === 'USER_PASSWORD_AUTH'
          ? await call('signIn', 'InitiateAuth', {
              AuthFlow: 'USER_PASSWORD_AUTH',
              AuthParameters: { USERNAME: username, PASSWORD: password, ...(await secretHashParam(username)) },
            })
          : await srpSignIn(username, password);
      const result = output.AuthenticationResult as { IdToken?: unknown; AccessToken?: unknown; RefreshToken?: unknown } | undefined;
      if (result === undefined) {
        const challenge = typeof output.ChallengeName === 'string' ? output.ChallengeName : 'unknown';
        throw new AuthError('ChallengeRequired', `Cognito signIn needs the ${challenge} challenge, which these server actions do not answer yet`);
      }
      if (typeof result.IdToken !== 'string' || typeof result.AccessToken !== 'string') {
        throw new AuthError('IdpUnavailable', 'Cognito signIn answered without tokens');
      }
      // The same checks as the callback's (signature, iss, aud/client_id, token_use, exp).
      const [id, access] = await Promise.all([runtime.verifier.verifyIdToken(result.IdToken), runtime.verifier.verifyAccessToken(result.AccessToken)]);
      const user = userOf(id.payload as Record<string, unknown>, access.payload as Record<string, unknown>, runtime.config.groupsClaim);
      if (user === undefined) throw new AuthError('TokenInvalid', 'Cognito signIn: the tokens name no user');
      const userAgent = await userAgentOf(headers);
      await runInContext(runtime, { cookies }, (_spec, state) =>
        writeSession(
          state,
          { idToken: result.IdToken as string, accessToken: result.AccessToken as string, ...(typeof result.RefreshToken === 'string' ? { refreshToken: result.RefreshToken } : {}) },
          userAgent === undefined ? {} : { userAgent },
        ),
      );
      runtime.emit('signedIn', { user: { username: user.username, userId: user.userId } });
      return { user: { username: user.username, userId: user.userId } };
    },
    async signUp(input) {
      const username = field(input as Record<string, unknown>, 'username');
      const password = field(input as Record<string, unknown>, 'password');
      const output = await call('signUp', 'SignUp', {
        Username: username,
        Password: password,
        UserAttributes: attributesOf(input as Record<string, unknown>),
        ...(await secretHash(username)),
      });
      const codeDelivery = deliveryOf(output);
      return {
        userConfirmed: output.UserConfirmed === true,
        ...(typeof output.UserSub === 'string' ? { userId: output.UserSub } : {}),
        ...(codeDelivery ? { codeDelivery } : {}),
      };
    },
    async confirmSignUp(input) {
      const username = field(input as Record<string, unknown>, 'username');
      const code = field(input as Record<string, unknown>, 'code');
      await call('confirmSignUp', 'ConfirmSignUp', { Username: username, ConfirmationCode: code, ...(await secretHash(username)) });
      return { userConfirmed: true };
    },
    async resetPassword(input) {
      const username = field(input as Record<string, unknown>, 'username');
      let output: Record<string, unknown>;
      try {
        output = await call('resetPassword', 'ForgotPassword', { Username: username, ...(await secretHash(username)) });
      } catch (error) {
        // Pools without "prevent user existence errors" say UserNotFound; answer as for anyone else.
        if (error instanceof AuthError && error.code === 'CodeMismatch') return {};
        throw error;
      }
      const codeDelivery = deliveryOf(output);
      return codeDelivery ? { codeDelivery } : {};
    },
    async confirmResetPassword(input) {
      const username = field(input as Record<string, unknown>, 'username');
      const code = field(input as Record<string, unknown>, 'code');
      const newPassword = field(input as Record<string, unknown>, 'newPassword');
      await call('confirmResetPassword', 'ConfirmForgotPassword', { Username: username, ConfirmationCode: code, Password: newPassword, ...(await secretHash(username)) });
    },
  };
}
