// The dev IdP's Cognito user-pool JSON API, driven by the real AWS SDK client over loopback.
import {
  ConfirmSignUpCommand,
  GetUserCommand,
  GlobalSignOutCommand,
  InitiateAuthCommand,
  RevokeTokenCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startDevIdp } from './index.js';
import type { DevIdp } from './index.js';
import { cognitoSdk, rejection } from './__tests__/cognitoSdk.js';
import { CLIENT_ID, devIdpVerifier } from './__tests__/helpers.js';

const APP_ORIGIN = 'http://localhost:3000';
let idp: DevIdp;
let rotatingIdp: DevIdp;
let cognito: CognitoIdentityProviderClient;

function passwordAuth(username: string, password: string, sdk = cognito) {
  return sdk.send(
    new InitiateAuthCommand({ ClientId: CLIENT_ID, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: username, PASSWORD: password } }),
  );
}

function refreshAuth(refreshToken: string, sdk = cognito) {
  return sdk.send(new InitiateAuthCommand({ ClientId: CLIENT_ID, AuthFlow: 'REFRESH_TOKEN_AUTH', AuthParameters: { REFRESH_TOKEN: refreshToken } }));
}

async function signIn(username = 'alice@example.com', password = 'alice-password') {
  const out = await cognito.send(
    new InitiateAuthCommand({ ClientId: CLIENT_ID, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: username, PASSWORD: password } }),
  );
  const result = out.AuthenticationResult!;
  return { idToken: result.IdToken!, accessToken: result.AccessToken!, refreshToken: result.RefreshToken! };
}

function rawPost(target: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${idp.issuer}/`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': target, ...headers },
    body: JSON.stringify(body),
  });
}

beforeAll(async () => {
  // rotateRefreshToken: false is Cognito's classic app client (the refresh token is kept).
  idp = await startDevIdp({ port: 0, quiet: true, rotateRefreshToken: false });
  rotatingIdp = await startDevIdp({ port: 0, quiet: true });
  cognito = cognitoSdk(idp.issuer);
});
afterAll(async () => {
  cognito.destroy();
  await idp.close();
  await rotatingIdp.close();
});

describe('Cognito JSON API: InitiateAuth', () => {
  it('USER_PASSWORD_AUTH returns ID, access and refresh tokens that verify like hosted-UI tokens', async () => {
    const tokens = await signIn();
    const verifier = devIdpVerifier(idp.issuer, CLIENT_ID, 5);
    const id = await verifier.verifyIdToken(tokens.idToken);
    expect(id.payload).toMatchObject({ 'cognito:username': 'alice@example.com', email: 'alice@example.com', token_use: 'id', iss: idp.issuer });
    const access = await verifier.verifyAccessToken(tokens.accessToken);
    expect(access.payload).toMatchObject({ username: 'alice@example.com', client_id: CLIENT_ID, token_use: 'access' });
    expect(access.payload.sub).toBe(id.payload.sub);
    expect(tokens.refreshToken).toEqual(expect.any(String));
  });

  it('a wrong password is a NotAuthorizedException', async () => {
    expect(await rejection(passwordAuth('bob@example.com', 'not-bobs-password'))).toEqual({
      name: 'NotAuthorizedException',
      message: 'Incorrect username or password.',
      status: 400,
    });
  });

  it('an unknown user gets the same NotAuthorizedException (no user existence errors)', async () => {
    expect(await rejection(passwordAuth('nobody@example.com', 'whatever-password'))).toMatchObject({
      name: 'NotAuthorizedException',
      message: 'Incorrect username or password.',
    });
  });

  it('an unknown ClientId is a ResourceNotFoundException', async () => {
    const err = await rejection(
      cognito.send(
        new InitiateAuthCommand({ ClientId: 'no-such-client', AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'a', PASSWORD: 'b' } }),
      ),
    );
    expect(err).toMatchObject({ name: 'ResourceNotFoundException', status: 400 });
  });

  // USER_SRP_AUTH and RespondToAuthChallenge: cognitoSrp.test.ts.

  it('password guessing against one user is throttled after five failures (TooManyRequestsException, even with the right password)', async () => {
    await idp.addUser({ username: 'guessed@example.com', password: 'guessed-password' });
    for (let i = 0; i < 5; i++) {
      expect((await rejection(passwordAuth('guessed@example.com', `wrong-${i}`))).name).toBe('NotAuthorizedException');
    }
    expect((await rejection(passwordAuth('guessed@example.com', 'guessed-password'))).name).toBe('TooManyRequestsException');
    // Other users are not affected.
    expect((await signIn('bob@example.com', 'bob-password')).accessToken).toEqual(expect.any(String));
  });
});

describe('Cognito JSON API: refresh, sign-out, revocation', () => {
  it('REFRESH_TOKEN_AUTH returns new ID and access tokens and no new refresh token', async () => {
    const tokens = await signIn();
    const out = await refreshAuth(tokens.refreshToken);
    expect(out.AuthenticationResult?.IdToken).toEqual(expect.any(String));
    expect(out.AuthenticationResult?.AccessToken).toEqual(expect.any(String));
    expect(out.AuthenticationResult?.AccessToken).not.toBe(tokens.accessToken);
    expect(out.AuthenticationResult?.RefreshToken).toBeUndefined();
    // The kept refresh token still works (flow name REFRESH_TOKEN too).
    const again = await cognito.send(
      new InitiateAuthCommand({ ClientId: CLIENT_ID, AuthFlow: 'REFRESH_TOKEN', AuthParameters: { REFRESH_TOKEN: tokens.refreshToken } }),
    );
    expect(again.AuthenticationResult?.IdToken).toEqual(expect.any(String));
  });

  it('with refresh-token rotation on, REFRESH_TOKEN_AUTH also returns the rotated refresh token', async () => {
    const sdk = cognitoSdk(rotatingIdp.issuer);
    try {
      const first = await passwordAuth('alice@example.com', 'alice-password', sdk);
      const refreshToken = first.AuthenticationResult!.RefreshToken!;
      const out = await refreshAuth(refreshToken, sdk);
      expect(out.AuthenticationResult?.RefreshToken).toEqual(expect.any(String));
      expect(out.AuthenticationResult?.RefreshToken).not.toBe(refreshToken);
    } finally {
      sdk.destroy();
    }
  });

  it('a garbage refresh token is a NotAuthorizedException', async () => {
    expect(await rejection(refreshAuth('not-a-refresh-token'))).toMatchObject({ name: 'NotAuthorizedException', message: 'Invalid Refresh Token' });
  });

  it('GetUser returns the username and attributes', async () => {
    const tokens = await signIn();
    const out = await cognito.send(new GetUserCommand({ AccessToken: tokens.accessToken }));
    expect(out.Username).toBe('alice@example.com');
    expect(out.UserAttributes).toEqual(
      expect.arrayContaining([
        { Name: 'email', Value: 'alice@example.com' },
        { Name: 'email_verified', Value: 'true' },
        { Name: 'sub', Value: expect.any(String) },
      ]),
    );
  });

  it('GetUser with a forged access token is a NotAuthorizedException', async () => {
    const tokens = await signIn();
    const [h, p] = tokens.accessToken.split('.');
    expect(await rejection(cognito.send(new GetUserCommand({ AccessToken: `${h}.${p}.AAAA` })))).toMatchObject({ name: 'NotAuthorizedException' });
  });

  it('a refresh token stolen before GlobalSignOut no longer refreshes, and the access token is dead', async () => {
    await idp.addUser({ username: 'globalout@example.com', password: 'globalout-password' });
    const tokens = await signIn('globalout@example.com', 'globalout-password');
    await cognito.send(new GlobalSignOutCommand({ AccessToken: tokens.accessToken }));
    expect(await rejection(refreshAuth(tokens.refreshToken))).toMatchObject({ name: 'NotAuthorizedException' });
    expect(await rejection(cognito.send(new GetUserCommand({ AccessToken: tokens.accessToken })))).toMatchObject({ name: 'NotAuthorizedException' });
  });

  it('a refresh token replayed after RevokeToken is a NotAuthorizedException, and its access token is dead', async () => {
    const tokens = await signIn('bob@example.com', 'bob-password');
    const other = await signIn('bob@example.com', 'bob-password');
    await cognito.send(new RevokeTokenCommand({ ClientId: CLIENT_ID, Token: tokens.refreshToken }));
    expect(await rejection(refreshAuth(tokens.refreshToken))).toMatchObject({ name: 'NotAuthorizedException' });
    expect(await rejection(cognito.send(new GetUserCommand({ AccessToken: tokens.accessToken })))).toMatchObject({ name: 'NotAuthorizedException' });
    // Another sign-in of the same user is untouched.
    expect((await refreshAuth(other.refreshToken)).AuthenticationResult?.AccessToken).toEqual(expect.any(String));
  });
});

describe('Cognito JSON API: RevokeToken across clients', () => {
  it("another client cannot revoke a client's refresh token with RevokeToken", async () => {
    const two = await startDevIdp({
      port: 0,
      quiet: true,
      rotateRefreshToken: false,
      clients: [
        { clientId: CLIENT_ID, redirectUris: ['http://localhost:3000/api/auth/sign-in-callback'], postLogoutRedirectUris: [] },
        { clientId: 'other-app', redirectUris: ['http://localhost:4000/api/auth/sign-in-callback'], postLogoutRedirectUris: [] },
      ],
    });
    const sdk = cognitoSdk(two.issuer);
    try {
      const first = await passwordAuth('alice@example.com', 'alice-password', sdk);
      const refreshToken = first.AuthenticationResult!.RefreshToken!;
      expect(await rejection(sdk.send(new RevokeTokenCommand({ ClientId: 'other-app', Token: refreshToken })))).toMatchObject({
        name: 'NotAuthorizedException',
      });
      expect((await refreshAuth(refreshToken, sdk)).AuthenticationResult?.AccessToken).toEqual(expect.any(String));
    } finally {
      sdk.destroy();
      await two.close();
    }
  });
});

describe('Cognito JSON API: SignUp and ConfirmSignUp', () => {
  it('an unconfirmed user cannot sign in; a wrong code is refused; the shown code confirms and sign-in works', async () => {
    const out = await cognito.send(
      new SignUpCommand({
        ClientId: CLIENT_ID,
        Username: 'dave@example.com',
        Password: 'dave-password',
        UserAttributes: [{ Name: 'email', Value: 'dave@example.com' }, { Name: 'name', Value: 'Dave' }],
      }),
    );
    expect(out.UserConfirmed).toBe(false);
    expect(out.UserSub).toEqual(expect.any(String));
    expect(out.CodeDeliveryDetails).toEqual({ Destination: 'd***@e***', DeliveryMedium: 'EMAIL', AttributeName: 'email' });

    expect(await rejection(passwordAuth('dave@example.com', 'dave-password'))).toMatchObject({
      name: 'UserNotConfirmedException',
      message: 'User is not confirmed.',
    });
    // The password is still checked first.
    expect((await rejection(passwordAuth('dave@example.com', 'wrong-password'))).name).toBe('NotAuthorizedException');

    const codeResponse = await fetch(`${idp.issuer}/dev/users/${encodeURIComponent('dave@example.com')}/confirmation-code`);
    expect(codeResponse.status).toBe(200);
    const { code } = (await codeResponse.json()) as { code: string };
    expect(code).toMatch(/^\d{6}$/);

    const wrong = code === '000000' ? '000001' : '000000';
    expect(await rejection(cognito.send(new ConfirmSignUpCommand({ ClientId: CLIENT_ID, Username: 'dave@example.com', ConfirmationCode: wrong })))).toMatchObject({
      name: 'CodeMismatchException',
    });
    await cognito.send(new ConfirmSignUpCommand({ ClientId: CLIENT_ID, Username: 'dave@example.com', ConfirmationCode: code }));

    const tokens = await signIn('dave@example.com', 'dave-password');
    const user = await cognito.send(new GetUserCommand({ AccessToken: tokens.accessToken }));
    expect(user.UserAttributes).toEqual(expect.arrayContaining([{ Name: 'name', Value: 'Dave' }, { Name: 'sub', Value: out.UserSub }]));
    expect((await fetch(`${idp.issuer}/dev/users/dave%40example.com/confirmation-code`)).status).toBe(404);
    // Confirming twice: Cognito's "already confirmed".
    expect(await rejection(cognito.send(new ConfirmSignUpCommand({ ClientId: CLIENT_ID, Username: 'dave@example.com', ConfirmationCode: code })))).toMatchObject({
      name: 'NotAuthorizedException',
    });
  });

  it('signing up an existing username is a UsernameExistsException', async () => {
    expect(
      await rejection(cognito.send(new SignUpCommand({ ClientId: CLIENT_ID, Username: 'alice@example.com', Password: 'another-password' }))),
    ).toMatchObject({ name: 'UsernameExistsException' });
  });

  it('a short password is an InvalidPasswordException, and no user is created', async () => {
    expect(await rejection(cognito.send(new SignUpCommand({ ClientId: CLIENT_ID, Username: 'erin@example.com', Password: 'short' })))).toMatchObject({
      name: 'InvalidPasswordException',
    });
    expect((await fetch(`${idp.issuer}/dev/users/erin%40example.com/confirmation-code`)).status).toBe(404);
  });
});

describe('Cognito JSON API: wire shape, CORS and the /dev rule', () => {
  it('an unknown X-Amz-Target gets a Cognito-shaped 400', async () => {
    const response = await rawPost('AWSCognitoIdentityProviderService.DeleteEverything', {});
    expect(response.status).toBe(400);
    expect(response.headers.get('x-amzn-errortype')).toBe('UnknownOperationException:');
    expect(await response.json()).toEqual({ __type: 'UnknownOperationException', message: expect.stringContaining('DeleteEverything') });
  });

  it('an operation the dev IdP does not implement (AssociateSoftwareToken) answers a Cognito-shaped error saying so', async () => {
    const response = await rawPost('AWSCognitoIdentityProviderService.AssociateSoftwareToken', { ClientId: CLIENT_ID });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ __type: 'InvalidParameterException', message: expect.stringContaining('not implemented') });
  });

  it('malformed JSON is a 400 SerializationException, not a 500', async () => {
    const response = await fetch(`${idp.issuer}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSCognitoIdentityProviderService.InitiateAuth' },
      body: '{not json',
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('x-amzn-errortype')).toBe('SerializationException:');
  });

  it('a form-encoded cross-site POST (no preflight possible) is refused', async () => {
    const response = await fetch(`${idp.issuer}/`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', 'x-amz-target': 'AWSCognitoIdentityProviderService.SignUp' },
      body: JSON.stringify({ ClientId: CLIENT_ID, Username: 'csrf@example.com', Password: 'csrf-password' }),
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('x-amzn-errortype')).toBe('SerializationException:');
  });

  it('the CORS preflight from the app origin is answered, with the headers Amplify sends', async () => {
    const response = await fetch(`${idp.issuer}/`, {
      method: 'OPTIONS',
      headers: { origin: APP_ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-amz-target,x-amz-user-agent,cache-control' },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe(APP_ORIGIN);
    const allowed = (response.headers.get('access-control-allow-headers') ?? '').split(',').map((h) => h.trim());
    expect(allowed).toEqual(expect.arrayContaining(['content-type', 'x-amz-target', 'x-amz-user-agent', 'cache-control']));
  });

  it('the app origin reads the POST answer (Access-Control-Allow-Origin) including error types', async () => {
    const response = await rawPost('AWSCognitoIdentityProviderService.InitiateAuth', {
      ClientId: CLIENT_ID, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'alice@example.com', PASSWORD: 'nope' },
    }, { origin: APP_ORIGIN });
    expect(response.status).toBe(400);
    expect(response.headers.get('access-control-allow-origin')).toBe(APP_ORIGIN);
    expect(response.headers.get('access-control-expose-headers')).toContain('x-amzn-errortype');
  });

  it('a page of another origin gets no CORS preflight and its POST is refused', async () => {
    const preflight = await fetch(`${idp.issuer}/`, {
      method: 'OPTIONS',
      headers: { origin: 'http://evil.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-amz-target' },
    });
    expect(preflight.status).toBe(403);
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    const post = await rawPost('AWSCognitoIdentityProviderService.InitiateAuth', {
      ClientId: CLIENT_ID, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'alice@example.com', PASSWORD: 'alice-password' },
    }, { origin: 'http://evil.example' });
    expect(post.status).toBe(403);
    expect(post.headers.get('access-control-allow-origin')).toBeNull();
    expect(await post.text()).not.toContain('AccessToken');
  });

  it('a cross-site POST to /dev/* from the app origin is still refused', async () => {
    const response = await fetch(`${idp.issuer}/dev/users/alice%40example.com/logout`, { method: 'POST', headers: { origin: APP_ORIGIN } });
    expect(response.status).toBe(403);
  });

  it('a request with a foreign Host header is still refused (421)', async () => {
    const { request } = await import('node:http');
    const url = new URL(idp.issuer);
    const status = await new Promise<number | undefined>((resolve, reject) => {
      const req = request(
        { host: url.hostname, port: url.port, path: '/', method: 'POST', headers: { host: 'attacker.example', 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSCognitoIdentityProviderService.GetUser' } },
        (res) => {
          res.resume();
          resolve(res.statusCode);
        },
      );
      req.on('error', reject);
      req.end('{}');
    });
    expect(status).toBe(421);
  });
});
