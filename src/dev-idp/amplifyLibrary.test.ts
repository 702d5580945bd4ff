// The real aws-amplify library (its Auth category, in Node: fetch, WebCrypto,
// in-memory token storage) against the dev IdP over loopback: what an Amplify
// app does with `userPoolEndpoint` pointing at the dev IdP. The browser run of
// the same flow is e2e/amplify.spec.ts.
import { Amplify } from 'aws-amplify';
import {
  confirmResetPassword,
  confirmSignUp,
  fetchAuthSession,
  fetchUserAttributes,
  getCurrentUser,
  resendSignUpCode,
  resetPassword,
  signIn,
  signOut,
  signUp,
  updatePassword,
} from 'aws-amplify/auth';
import { cognitoUserPoolsTokenProvider } from 'aws-amplify/auth/cognito';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { createTokenVerifier } from '../tokens/createTokenVerifier.js';
import { DEV_IDP_USER_POOL_ID, startDevIdp } from './index.js';
import type { DevIdp } from './index.js';

const CLIENT_ID = 'amplifyexample';
let idp: DevIdp;
// Amplify's token storage, kept here so a test can read what it holds (as a cookie thief would).
const stored = new Map<string, string>();

async function rejection(promise: Promise<unknown>): Promise<{ name: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    return { name: (error as Error).name, message: (error as Error).message };
  }
  throw new Error('expected a rejection');
}

async function devCode(kind: 'confirmation-code' | 'password-reset-code', username: string): Promise<string> {
  const response = await fetch(`${idp.issuer}/dev/users/${encodeURIComponent(username)}/${kind}`);
  return ((await response.json()) as { code: string }).code;
}

beforeAll(async () => {
  idp = await startDevIdp({
    port: 0,
    quiet: true,
    clients: [{ clientId: CLIENT_ID, redirectUris: ['http://localhost:3000/api/auth/sign-in-callback'], postLogoutRedirectUris: [] }],
  });
  Amplify.configure({ Auth: { Cognito: { userPoolId: DEV_IDP_USER_POOL_ID, userPoolClientId: CLIENT_ID, userPoolEndpoint: idp.issuer } } });
  cognitoUserPoolsTokenProvider.setKeyValueStorage({
    setItem: async (key, value) => void stored.set(key, value),
    getItem: async (key) => stored.get(key) ?? null,
    removeItem: async (key) => void stored.delete(key),
    clear: async () => stored.clear(),
  });
});
afterEach(async () => {
  await signOut().catch(() => undefined);
});
afterAll(async () => {
  await idp?.close();
});

describe('aws-amplify against the dev IdP (userPoolEndpoint)', () => {
  it("signIn (Amplify's default USER_SRP_AUTH) gets the dev IdP's own tokens; fetchUserAttributes (GetUser) reads the user", async () => {
    expect(await signIn({ username: 'alice@example.com', password: 'alice-password' })).toEqual({ isSignedIn: true, nextStep: { signInStep: 'DONE' } });
    expect(await getCurrentUser()).toMatchObject({ username: 'alice@example.com', signInDetails: { loginId: 'alice@example.com', authFlowType: 'USER_SRP_AUTH' } });
    const { tokens } = await fetchAuthSession();
    // The tokens verify as this library verifies the dev IdP's hosted-UI tokens.
    const verifier = createTokenVerifier({
      issuer: idp.issuer,
      clientId: CLIENT_ID,
      flavor: 'cognito',
      jwksUri: async () => `${idp.issuer}/.well-known/jwks.json`,
      algorithms: ['RS256'],
      clockSkew: 30,
      timeoutMs: 5000,
    });
    await expect(verifier.verifyIdToken(tokens!.idToken!.toString())).resolves.toMatchObject({ payload: { email: 'alice@example.com', token_use: 'id' } });
    await expect(verifier.verifyAccessToken(tokens!.accessToken.toString())).resolves.toMatchObject({ payload: { client_id: CLIENT_ID, token_use: 'access' } });
    expect(await fetchUserAttributes()).toMatchObject({ email: 'alice@example.com', email_verified: 'true', name: 'Alice Example' });
  });

  it('fetchAuthSession({ forceRefresh: true }) refreshes through GetTokensFromRefreshToken: new tokens, one refresh at the IdP', async () => {
    await signIn({ username: 'alice@example.com', password: 'alice-password' });
    const before = (await fetchAuthSession()).tokens!.accessToken.payload.jti;
    idp.resetStats();
    const after = (await fetchAuthSession({ forceRefresh: true })).tokens!.accessToken.payload.jti;
    expect(after).toEqual(expect.any(String));
    expect(after).not.toBe(before);
    expect(idp.stats().tokenCalls.refresh_token).toBe(1);
    // Rotated and stored by Amplify: the next forced refresh works too.
    expect((await fetchAuthSession({ forceRefresh: true })).tokens?.accessToken.payload.jti).not.toBe(after);
  });

  it("a wrong password and an unknown user both raise Amplify's NotAuthorizedException with Cognito's message", async () => {
    const wrong = await rejection(signIn({ username: 'alice@example.com', password: 'not-the-password' }));
    const unknown = await rejection(signIn({ username: 'nobody@example.com', password: 'whatever-password' }));
    expect(wrong).toEqual({ name: 'NotAuthorizedException', message: 'Incorrect username or password.' });
    expect(unknown).toEqual(wrong);
    expect((await fetchAuthSession()).tokens).toBeUndefined();
  });

  it('signUp, confirmSignUp with the code the dev IdP shows, then signIn with SRP', async () => {
    const username = 'carol@example.com';
    const out = await signUp({ username, password: 'carol-password', options: { userAttributes: { email: username } } });
    expect(out).toMatchObject({ isSignUpComplete: false, nextStep: { signUpStep: 'CONFIRM_SIGN_UP' } });
    // The dev IdP's UserNotConfirmedException, which Amplify turns into a next step.
    expect(await signIn({ username, password: 'carol-password' })).toEqual({ isSignedIn: false, nextStep: { signInStep: 'CONFIRM_SIGN_UP' } });
    expect(await confirmSignUp({ username, confirmationCode: await devCode('confirmation-code', username) })).toMatchObject({ isSignUpComplete: true });
    expect(await signIn({ username, password: 'carol-password' })).toMatchObject({ isSignedIn: true });
  });

  it('resendSignUpCode (ResendConfirmationCode) replaces the code; updatePassword (ChangePassword) changes the password for SRP', async () => {
    const username = 'grace@example.com';
    await signUp({ username, password: 'grace-password', options: { userAttributes: { email: username } } });
    const first = await devCode('confirmation-code', username);
    expect(await resendSignUpCode({ username })).toMatchObject({ destination: 'g***@e***', deliveryMedium: 'EMAIL' });
    const code = await devCode('confirmation-code', username);
    if (code !== first) expect(await rejection(confirmSignUp({ username, confirmationCode: first }))).toMatchObject({ name: 'CodeMismatchException' });
    await confirmSignUp({ username, confirmationCode: code });
    await signIn({ username, password: 'grace-password' });
    await updatePassword({ oldPassword: 'grace-password', newPassword: 'grace-new-password' });
    await signOut();
    expect(await rejection(signIn({ username, password: 'grace-password' }))).toMatchObject({ name: 'NotAuthorizedException' });
    expect(await signIn({ username, password: 'grace-new-password' })).toMatchObject({ isSignedIn: true });
  });

  it('resetPassword and confirmResetPassword: the new password signs in with SRP, the old one no longer does', async () => {
    const username = 'bob@example.com';
    expect(await resetPassword({ username })).toMatchObject({ isPasswordReset: false, nextStep: { resetPasswordStep: 'CONFIRM_RESET_PASSWORD_WITH_CODE' } });
    await confirmResetPassword({ username, confirmationCode: await devCode('password-reset-code', username), newPassword: 'bob-new-password' });
    expect(await rejection(signIn({ username, password: 'bob-password' }))).toMatchObject({ name: 'NotAuthorizedException' });
    expect(await signIn({ username, password: 'bob-new-password' })).toMatchObject({ isSignedIn: true });
  });

  it("signOut({ global: true }) (GlobalSignOut) kills the refresh token Amplify held: a stolen copy no longer refreshes", async () => {
    await signIn({ username: 'alice@example.com', password: 'alice-password' });
    const { tokens } = await fetchAuthSession();
    // What the storage holds, as a thief with the cookies would have it.
    const stolen = [...stored].find(([key]) => key.endsWith('.refreshToken'))?.[1];
    expect(stolen).toEqual(expect.any(String));
    expect(tokens).toBeDefined();
    await signOut({ global: true });
    const reuse = await fetch(`${idp.issuer}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSCognitoIdentityProviderService.GetTokensFromRefreshToken' },
      body: JSON.stringify({ ClientId: CLIENT_ID, RefreshToken: stolen }),
    });
    expect(reuse.status).toBe(400);
    expect(reuse.headers.get('x-amzn-errortype')).toMatch(/^NotAuthorizedException/);
  });
});
