import type { KoaContext } from 'oidc-provider';

import { assertAuthFlowAllowed, assertSecretHash } from './appClientAuth.js';
import { CognitoError, sendCognitoError } from './CognitoError.js';
import { initiateSrpAuth, respondToPasswordVerifier } from './cognitoSrp.js';
import { cognitoIdentityOperation, IDENTITY_TARGET_PREFIX } from './cognitoIdentityApi.js';
import type { CognitoUserPoolState } from './CognitoUserPoolState.js';
import type { DevIdpContext } from './DevIdpContext.js';
import { logoutUser } from './logoutUser.js';
import { confirmForgotPassword, forgotPassword } from './passwordReset.js';
import { verifyPassword } from './password.js';
import { signInWithPassword } from './signInWithPassword.js';
import type { DevIdpClient } from './types.js';
import { toUserRecord } from './userRecord.js';
import type { UserRecord } from './userRecord.js';
import { userForAccessToken } from './userInfoRoute.js';
import { cognitoAuthResult } from './cognitoAuthResult.js';
import { changePassword } from './changePassword.js';
import { resendConfirmationCode } from './resendConfirmationCode.js';

const TARGET_PREFIX = 'AWSCognitoIdentityProviderService.';
const BODY_LIMIT = 64 * 1024;
const MIN_PASSWORD_LENGTH = 8;
const BAD_CREDENTIALS = 'Incorrect username or password.';
const CODE_MISMATCH = 'Invalid verification code provided, please try again.';
const NOT_YET = ['AssociateSoftwareToken', 'VerifySoftwareToken'];
const ALLOWED_HEADERS = 'content-type, x-amz-target, x-amz-user-agent, cache-control, amz-sdk-invocation-id, amz-sdk-request, x-amz-date, authorization';

type Json = Record<string, unknown>;

/**
 * Origins allowed to call the JSON API from a browser page: those of the
 * configured clients' redirect and logout URIs (the app), never any other.
 *
 * @example
 * ```ts
 * corsOrigins(idp).has('http://localhost:3000'); // true with the default client
 * ```
 */
export function corsOrigins(idp: Pick<DevIdpContext, 'clients'>): Set<string> {
  const origins = new Set<string>();
  for (const client of idp.clients) {
    for (const uri of [...client.redirectUris, ...client.postLogoutRedirectUris]) {
      if (URL.canParse(uri)) origins.add(new URL(uri).origin);
    }
  }
  return origins;
}

async function readJson(ctx: KoaContext): Promise<Json> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > BODY_LIMIT) throw new CognitoError('InvalidParameterException', 'Request body too large');
    chunks.push(buffer);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
  } catch {
    throw new CognitoError('SerializationException', 'Request body is not valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new CognitoError('SerializationException', 'Request body must be a JSON object');
  }
  return parsed as Json;
}

function str(body: Json, name: string): string {
  const value = body[name];
  if (typeof value !== 'string' || value === '') throw new CognitoError('InvalidParameterException', `Missing required parameter ${name}`);
  return value;
}

function clientOf(idp: DevIdpContext, body: Json): DevIdpClient {
  const clientId = str(body, 'ClientId');
  const client = idp.clients.find((c) => c.clientId === clientId);
  if (!client) throw new CognitoError('ResourceNotFoundException', 'User pool client does not exist.');
  return client;
}

function basicAuth(client: DevIdpClient): Record<string, string> {
  if (client.clientSecret === undefined) return {};
  const pair = `${encodeURIComponent(client.clientId)}:${encodeURIComponent(client.clientSecret)}`;
  return { authorization: `Basic ${Buffer.from(pair).toString('base64')}` };
}

async function passwordAuth(idp: DevIdpContext, state: CognitoUserPoolState, client: DevIdpClient, params: Json): Promise<Json> {
  const username = str(params, 'USERNAME');
  const password = str(params, 'PASSWORD');
  if (state.isLocked(username)) throw new CognitoError('TooManyRequestsException', 'Password attempts exceeded');
  const pending = state.pending(username);
  if (pending && !idp.users.has(username)) {
    if (await verifyPassword(password, pending.record.passwordHash)) throw new CognitoError('UserNotConfirmedException', 'User is not confirmed.');
    state.fail(username);
    throw new CognitoError('NotAuthorizedException', BAD_CREDENTIALS);
  }
  // Unknown users answer like wrong passwords (prevent user existence errors, on by default in new pools).
  const user = await idp.users.authenticate(username, password);
  if (!user) {
    state.fail(username);
    throw new CognitoError('NotAuthorizedException', BAD_CREDENTIALS);
  }
  state.succeed(username);
  // Through the hosted UI's own authorization-code flow, so the tokens are
  // exactly the hosted UI's (same claims, keys, grant and refresh token).
  const tokens = await signInWithPassword({
    issuer: idp.issuer,
    clientId: client.clientId,
    ...(client.clientSecret === undefined ? {} : { clientSecret: client.clientSecret }),
    redirectUri: client.redirectUris[0]!,
    username: user.username,
    password,
  });
  return cognitoAuthResult(tokens);
}

async function refreshAuth(idp: DevIdpContext, client: DevIdpClient, params: Json): Promise<Json> {
  const refreshToken = str(params, 'REFRESH_TOKEN');
  const response = await fetch(`${idp.issuer}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', ...basicAuth(client) },
    body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: client.clientId }).toString(),
  });
  const body = (await response.json().catch(() => ({}))) as Json;
  if (!response.ok || typeof body.id_token !== 'string' || typeof body.access_token !== 'string') {
    throw new CognitoError('NotAuthorizedException', 'Invalid Refresh Token');
  }
  // A new refresh token only when the dev IdP rotates them (rotateRefreshToken),
  // as Cognito does for app clients with refresh-token rotation; none otherwise.
  const rotated = typeof body.refresh_token === 'string' && body.refresh_token !== refreshToken ? body.refresh_token : undefined;
  return cognitoAuthResult({
    idToken: body.id_token,
    accessToken: body.access_token,
    refreshToken: rotated,
    expiresIn: typeof body.expires_in === 'number' ? body.expires_in : 3600,
  });
}

/**
 * GetTokensFromRefreshToken, what Amplify v6 refreshes with (REFRESH_TOKEN_AUTH
 * is the SDK's older way): the same new tokens, with a rotated refresh token
 * when the dev IdP rotates them; a confidential client must send its
 * ClientSecret, as Cognito requires.
 */
async function getTokensFromRefreshToken(idp: DevIdpContext, body: Json): Promise<Json> {
  const client = clientOf(idp, body);
  if (client.clientSecret !== undefined && body.ClientSecret !== client.clientSecret) {
    throw new CognitoError('NotAuthorizedException', 'Client authentication failed.');
  }
  assertAuthFlowAllowed(client, 'REFRESH_TOKEN_AUTH');
  const { AuthenticationResult } = await refreshAuth(idp, client, { REFRESH_TOKEN: str(body, 'RefreshToken') });
  return { AuthenticationResult };
}

async function initiateAuth(idp: DevIdpContext, state: CognitoUserPoolState, body: Json): Promise<Json> {
  const client = clientOf(idp, body);
  const flow = str(body, 'AuthFlow');
  const params = typeof body.AuthParameters === 'object' && body.AuthParameters !== null ? (body.AuthParameters as Json) : {};
  const known = flow === 'REFRESH_TOKEN' ? 'REFRESH_TOKEN_AUTH' : flow;
  if (known === 'USER_PASSWORD_AUTH' || known === 'USER_SRP_AUTH' || known === 'REFRESH_TOKEN_AUTH') assertAuthFlowAllowed(client, known);
  if (known !== 'REFRESH_TOKEN_AUTH') assertSecretHash(client, params.USERNAME, params.SECRET_HASH);
  if (flow === 'USER_PASSWORD_AUTH') return passwordAuth(idp, state, client, params);
  if (flow === 'REFRESH_TOKEN_AUTH' || flow === 'REFRESH_TOKEN') return refreshAuth(idp, client, params);
  if (flow === 'USER_SRP_AUTH') return initiateSrpAuth(idp, state, client, params);
  if (flow === 'CUSTOM_AUTH' || flow === 'USER_AUTH') {
    throw new CognitoError('InvalidParameterException', `AuthFlow ${flow} is not implemented by the dev IdP yet (use USER_PASSWORD_AUTH)`);
  }
  throw new CognitoError('InvalidParameterException', `Unsupported AuthFlow ${flow}`);
}

async function userOf(idp: DevIdpContext, body: Json): Promise<UserRecord> {
  const user = await userForAccessToken(str(body, 'AccessToken'), idp);
  if (!user) throw new CognitoError('NotAuthorizedException', 'Invalid Access Token');
  return user;
}

function attributesOf(user: UserRecord): { Name: string; Value: string }[] {
  const attributes = [{ Name: 'sub', Value: user.sub }];
  if (user.email !== undefined) {
    attributes.push({ Name: 'email', Value: user.email }, { Name: 'email_verified', Value: String(user.email_verified) });
  }
  if (user.name !== undefined) attributes.push({ Name: 'name', Value: user.name });
  return attributes;
}

async function revokeToken(idp: DevIdpContext, body: Json): Promise<Json> {
  const client = clientOf(idp, body);
  const token = str(body, 'Token');
  if (client.clientSecret !== undefined && body.ClientSecret !== client.clientSecret) {
    throw new CognitoError('NotAuthorizedException', 'Client authentication failed.');
  }
  // Like Cognito: the refresh token and every access/ID token of its grant die.
  // Unknown or already dead tokens answer success (RFC 7009); another client's token is refused.
  const stored = idp.store.find(`RefreshToken:${token}`);
  if (stored === undefined) return {};
  if (stored.clientId !== client.clientId) throw new CognitoError('NotAuthorizedException', 'Invalid Refresh Token');
  const grantId = stored.grantId;
  if (typeof grantId === 'string') {
    idp.store.revokeByGrantId(grantId);
    idp.store.destroy('Grant', grantId);
  }
  return {};
}

function attributeMap(body: Json): Map<string, string> {
  const list = Array.isArray(body.UserAttributes) ? (body.UserAttributes as unknown[]) : [];
  const map = new Map<string, string>();
  for (const item of list) {
    const { Name, Value } = (item ?? {}) as Json;
    if (typeof Name !== 'string' || typeof Value !== 'string') throw new CognitoError('InvalidParameterException', 'UserAttributes must be { Name, Value } strings');
    map.set(Name, Value);
  }
  return map;
}

function maskEmail(email: string): string {
  const [local = '', domain = ''] = email.split('@');
  return `${local.slice(0, 1)}***@${domain.slice(0, 1)}***`;
}

async function signUp(idp: DevIdpContext, state: CognitoUserPoolState, body: Json): Promise<Json> {
  clientOf(idp, body);
  const username = str(body, 'Username').trim();
  const password = str(body, 'Password');
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new CognitoError('InvalidPasswordException', `Password did not conform with policy: Password not long enough (at least ${MIN_PASSWORD_LENGTH} characters)`);
  }
  if (idp.users.has(username) || state.pending(username)) throw new CognitoError('UsernameExistsException', 'User already exists');
  const attributes = attributeMap(body);
  const email = attributes.get('email');
  const name = attributes.get('name');
  let record: UserRecord;
  try {
    record = await toUserRecord({ username, password, ...(email ? { email } : {}), ...(name ? { name } : {}), email_verified: false });
  } catch (error) {
    throw new CognitoError('InvalidParameterException', error instanceof Error ? error.message : 'Invalid user');
  }
  state.addPending(record);
  // The dev IdP's "email": the code is at GET /dev/users/<username>/confirmation-code. It is a
  // secret: the console says where to read it, never the code.
  console.log(`dev IdP: confirmation code for ${record.username} issued (GET /dev/users/${encodeURIComponent(record.username)}/confirmation-code)`);
  return {
    UserConfirmed: false,
    UserSub: record.sub,
    ...(record.email === undefined
      ? {}
      : { CodeDeliveryDetails: { Destination: maskEmail(record.email), DeliveryMedium: 'EMAIL', AttributeName: 'email' } }),
  };
}

async function confirmSignUp(idp: DevIdpContext, state: CognitoUserPoolState, body: Json): Promise<Json> {
  clientOf(idp, body);
  const username = str(body, 'Username');
  const code = str(body, 'ConfirmationCode');
  if (state.isLocked(username)) throw new CognitoError('TooManyRequestsException', 'Attempt limit exceeded, please try after some time.');
  const pending = state.pending(username);
  if (!pending) {
    if (idp.users.has(username)) throw new CognitoError('NotAuthorizedException', 'User cannot be confirmed. Current status is CONFIRMED');
    // Unknown users get what a wrong code gets (no user existence errors).
    throw new CognitoError('CodeMismatchException', CODE_MISMATCH);
  }
  if (code !== pending.code) {
    state.fail(username);
    throw new CognitoError('CodeMismatchException', CODE_MISMATCH);
  }
  state.succeed(username);
  state.confirm(username);
  const { record } = pending;
  try {
    await idp.addUser({
      username: record.username,
      passwordHash: record.passwordHash,
      sub: record.sub,
      ...(record.email === undefined ? {} : { email: record.email, email_verified: true }),
      ...(record.name === undefined ? {} : { name: record.name }),
    });
  } catch {
    // Signed up meanwhile through the hosted UI.
    throw new CognitoError('NotAuthorizedException', 'User cannot be confirmed. Current status is CONFIRMED');
  }
  return {};
}

async function dispatch(operation: string, idp: DevIdpContext, state: CognitoUserPoolState, body: Json): Promise<Json> {
  switch (operation) {
    case 'RespondToAuthChallenge': {
      const client = clientOf(idp, body);
      const responses = typeof body.ChallengeResponses === 'object' && body.ChallengeResponses !== null ? (body.ChallengeResponses as Json) : {};
      // Against the pool's own name for the user (USER_ID_FOR_SRP), as Cognito checks it.
      assertSecretHash(client, responses.USERNAME, responses.SECRET_HASH);
      return respondToPasswordVerifier(idp, state, client, body);
    }
    case 'InitiateAuth':
      return initiateAuth(idp, state, body);
    case 'GetTokensFromRefreshToken':
      return getTokensFromRefreshToken(idp, body);
    case 'GetUser': {
      const user = await userOf(idp, body);
      return { Username: user.username, UserAttributes: attributesOf(user), MFAOptions: [] };
    }
    case 'GlobalSignOut': {
      const user = await userOf(idp, body);
      await logoutUser(idp, user.username);
      return {};
    }
    case 'RevokeToken':
      return revokeToken(idp, body);
    case 'SignUp':
      return signUp(idp, state, body);
    case 'ConfirmSignUp':
      return confirmSignUp(idp, state, body);
    case 'ResendConfirmationCode':
      return resendConfirmationCode(idp, state, body);
    case 'ChangePassword':
      return changePassword(idp, state, body);
    case 'ForgotPassword':
      return forgotPassword(idp, state, body);
    case 'ConfirmForgotPassword':
      return confirmForgotPassword(idp, state, body);
    default:
      if (NOT_YET.includes(operation)) {
        throw new CognitoError('InvalidParameterException', `${operation} is not implemented by the dev IdP yet`);
      }
      throw new CognitoError('UnknownOperationException', `Unknown operation ${TARGET_PREFIX}${operation}`);
  }
}

function applyCors(ctx: KoaContext, idp: DevIdpContext): boolean {
  const origin = ctx.get('origin');
  if (origin === '') return true;
  if (origin === new URL(idp.issuer).origin) return true;
  if (!corsOrigins(idp).has(origin)) return false;
  ctx.set('Access-Control-Allow-Origin', origin);
  ctx.set('Vary', 'Origin');
  return true;
}

/**
 * The Cognito user-pool JSON API at the issuer's root, as the AWS SDK and
 * Amplify's browser library call it: `POST /` with `Content-Type:
 * application/x-amz-json-1.1` and `X-Amz-Target:
 * AWSCognitoIdentityProviderService.<Operation>`, plus the CORS preflight for
 * the configured app origins. InitiateAuth (USER_SRP_AUTH, USER_PASSWORD_AUTH,
 * REFRESH_TOKEN_AUTH), RespondToAuthChallenge (PASSWORD_VERIFIER), GetTokensFromRefreshToken, GetUser, GlobalSignOut, RevokeToken, SignUp,
 * ConfirmSignUp, ResendConfirmationCode, ChangePassword, ForgotPassword, ConfirmForgotPassword (passwordReset.ts);
 * errors in Cognito's shape. Each client allows only its `authFlows`, and a
 * client with a secret needs SECRET_HASH on InitiateAuth and
 * RespondToAuthChallenge (appClientAuth.ts). Resolves to false for other requests.
 *
 * @example
 * ```ts
 * if (await handleCognitoJsonApi(ctx, idp, state)) return;
 * ```
 */
export async function handleCognitoJsonApi(ctx: KoaContext, idp: DevIdpContext, state: CognitoUserPoolState): Promise<boolean> {
  if (ctx.path !== '/') return false;
  if (ctx.method === 'OPTIONS') {
    ctx.set('Cache-Control', 'no-store');
    if (!applyCors(ctx, idp)) {
      ctx.status = 403;
      return true;
    }
    ctx.set('Access-Control-Allow-Methods', 'POST');
    ctx.set('Access-Control-Allow-Headers', ALLOWED_HEADERS);
    ctx.set('Access-Control-Max-Age', '600');
    ctx.status = 204;
    return true;
  }
  const target = ctx.get('x-amz-target');
  if (ctx.method !== 'POST' || target === '') return false;
  // Pages of other origins are refused outright, not only hidden by CORS.
  if (!applyCors(ctx, idp)) {
    sendCognitoError(ctx, new CognitoError('NotAuthorizedException', 'Origin not allowed'));
    ctx.status = 403;
    return true;
  }
  ctx.set('Access-Control-Expose-Headers', 'x-amzn-errortype, x-amzn-requestid');
  try {
    // Not a form type, so a cross-origin page can only send it after a preflight.
    if (!ctx.get('content-type').toLowerCase().startsWith('application/x-amz-json-1.')) {
      throw new CognitoError('SerializationException', 'Content-Type must be application/x-amz-json-1.1');
    }
    const identity = target.startsWith(IDENTITY_TARGET_PREFIX); // Cognito Identity (identity pools): cognitoIdentityApi.ts
    if (!identity && !target.startsWith(TARGET_PREFIX)) throw new CognitoError('UnknownOperationException', `Unknown operation ${target}`);
    const body = await readJson(ctx);
    const result = identity
      ? await cognitoIdentityOperation(target.slice(IDENTITY_TARGET_PREFIX.length), idp, body)
      : await dispatch(target.slice(TARGET_PREFIX.length), idp, state, body);
    ctx.status = 200;
    ctx.type = 'application/x-amz-json-1.1';
    ctx.set('Cache-Control', 'no-store');
    ctx.body = JSON.stringify(result);
  } catch (error) {
    if (error instanceof CognitoError) return (sendCognitoError(ctx, error), true);
    console.error('dev IdP: Cognito JSON API error', error instanceof Error ? error.message : error);
    sendCognitoError(ctx, new CognitoError('InternalErrorException', 'Internal error in the dev IdP'));
    ctx.status = 500;
  }
  return true;
}

/**
 * `GET /dev/users/<username>/confirmation-code`: the code a JSON-API SignUp
 * "sent" (`{ code }`), 404 when the user has no pending sign-up.
 *
 * @example
 * ```ts
 * if (handleConfirmationCodeRoute(ctx, state)) return;
 * ```
 */
export function handleConfirmationCodeRoute(ctx: KoaContext, state: CognitoUserPoolState): boolean {
  const match = ctx.method === 'GET' ? /^\/dev\/users\/([^/]+)\/confirmation-code$/.exec(ctx.path) : null;
  if (!match) return false;
  let username = '';
  try {
    username = decodeURIComponent(match[1]!);
  } catch {
    // stays '' → 404
  }
  const pending = username === '' ? undefined : state.pending(username);
  ctx.status = pending ? 200 : 404;
  ctx.type = 'json';
  ctx.set('Cache-Control', 'no-store');
  ctx.body = JSON.stringify(pending ? { code: pending.code } : { error: 'no_pending_sign_up' });
  return true;
}
