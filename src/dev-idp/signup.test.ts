import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { runAuthorizationCodeFlow } from './authorizationCodeFlow.js';
import { CookieJar } from './CookieJar.js';
import { signInWithPassword, startDevIdp } from './index.js';
import type { DevIdp } from './index.js';
import { createAuthorizationRequest } from './authorizationCodeFlow.js';
import {
  alice,
  CLIENT_ID,
  exchangeCode,
  bob,
  follow,
  formAction,
  postPage,
  REDIRECT_URI,
  refresh,
  startAuthorization,
  verifyJwt,
} from './__tests__/helpers.js';

let idp: DevIdp;

beforeAll(async () => {
  idp = await startDevIdp({ port: 0, quiet: true });
});
afterAll(async () => {
  await idp.close();
});

describe('sign-up', () => {
  it('via Cognito /signup: creates the user, signs them in and completes the authorization', async () => {
    const jar = new CookieJar();
    const request = createAuthorizationRequest(`${idp.issuer}/signup`, { clientId: CLIENT_ID, redirectUri: REDIRECT_URI });
    const entry = await jar.fetch(request.url);
    expect(entry.status).toBe(302);
    const authorize = new URL(entry.headers.get('location') ?? '', idp.issuer);
    expect(authorize.pathname).toBe('/oauth2/authorize');
    expect(authorize.searchParams.get('prompt')).toBe('create');
    expect(authorize.searchParams.get('state')).toBe(request.state);

    const { response, url } = await follow(jar, authorize);
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('<label for="email">Email</label>');
    expect(html).toContain('<label for="name">Name</label>');
    expect(html).toContain('<label for="password">Password</label>');
    expect(html).toContain('<button type="submit">Sign up</button>');

    const done = await postPage(jar, new URL(formAction(html), url), {
      email: 'carol@example.com',
      name: 'Carol <Example>',
      password: 'carol-password',
    });
    expect(done.callback).toBeDefined();
    const tokens = await exchangeCode(idp.issuer, done.callback!, request);
    expect(tokens.status).toBe(200);
    const id = await verifyJwt(idp.issuer, tokens.body.id_token as string);
    expect(id.payload).toMatchObject({ 'cognito:username': 'carol@example.com', email: 'carol@example.com', name: 'Carol <Example>' });
    expect(id.payload).not.toHaveProperty('cognito:groups');

    // The new account works for a normal sign-in afterwards.
    const again = await signInWithPassword(alice(idp.issuer, { username: 'carol@example.com', password: 'carol-password' }));
    expect((await verifyJwt(idp.issuer, again.idToken)).payload.sub).toBe(id.payload.sub);
  });

  it('via /oauth2/authorize?prompt=create shows the sign-up form first', async () => {
    const jar = new CookieJar();
    const { request, response, url } = await startAuthorization(jar, idp.issuer, { prompt: 'create' });
    const html = await response.text();
    expect(html).toContain('<button type="submit">Sign up</button>');
    const done = await postPage(jar, new URL(formAction(html), url), { email: 'dave@example.com', name: 'Dave', password: 'dave-password' });
    const tokens = await exchangeCode(idp.issuer, done.callback!, request);
    expect((await verifyJwt(idp.issuer, tokens.body.id_token as string)).payload.email).toBe('dave@example.com');
  });

  it('is reachable from the login page through the Sign up link', async () => {
    const jar = new CookieJar();
    const { request, response, url } = await startAuthorization(jar, idp.issuer);
    const login = await response.text();
    const href = /<a href="([^"]+)">Sign up<\/a>/.exec(login)?.[1];
    expect(href).toBeDefined();
    const signUpUrl = new URL(href!, url);
    const page = await jar.fetch(signUpUrl);
    expect(page.status).toBe(200);
    const done = await postPage(jar, new URL(formAction(await page.text()), signUpUrl), {
      email: 'erin@example.com',
      name: 'Erin',
      password: 'erin-password',
    });
    expect((await exchangeCode(idp.issuer, done.callback!, request)).status).toBe(200);
  });

  it('refuses an existing email with 409 and the exact message', async () => {
    const jar = new CookieJar();
    const { response, url } = await startAuthorization(jar, idp.issuer, { prompt: 'create' });
    const action = new URL(formAction(await response.text()), url);
    const taken = await postPage(jar, action, { email: 'Alice@Example.com', name: 'Imposter', password: 'whatever-password' });
    expect(taken.response.status).toBe(409);
    expect(await taken.response.text()).toContain('An account with this email already exists.');
    // Alice's password is unchanged.
    await expect(signInWithPassword(alice(idp.issuer))).resolves.toBeDefined();
  });

  it.each([
    [{ email: 'not-an-email', name: 'X', password: 'long-enough' }, 'Enter a valid email address.'],
    [{ email: 'frank@example.com', name: '', password: 'long-enough' }, 'Enter your name.'],
    [{ email: 'frank@example.com', name: 'Frank', password: 'short' }, 'Password must be at least 8 characters.'],
  ])('rejects invalid input %j with 400', async (form, message) => {
    const jar = new CookieJar();
    const { response, url } = await startAuthorization(jar, idp.issuer, { prompt: 'create' });
    const result = await postPage(jar, new URL(formAction(await response.text()), url), form);
    expect(result.response.status).toBe(400);
    expect(await result.response.text()).toContain(message);
    await expect(signInWithPassword(alice(idp.issuer, { username: 'frank@example.com', password: 'short' }))).rejects.toThrow(
      /Incorrect username or password\./,
    );
  });

  it('adds users at runtime with addUser', async () => {
    await idp.addUser({ username: 'grace@example.com', password: 'grace-password', groups: ['EDITORS'] });
    const tokens = await signInWithPassword(alice(idp.issuer, { username: 'grace@example.com', password: 'grace-password' }));
    expect((await verifyJwt(idp.issuer, tokens.accessToken, 'at+jwt')).payload['cognito:groups']).toEqual(['EDITORS']);
    await expect(idp.addUser({ username: 'GRACE@example.com', password: 'x' })).rejects.toThrow(/already exists/);
  });
});

describe('switching users while someone is signed in at the IdP', () => {
  it('sign-up as a new user ends the previous user\'s IdP session, without a JavaScript detour', async () => {
    const jar = new CookieJar();
    const previous = await runAuthorizationCodeFlow(jar, alice(idp.issuer));
    const { request, response, url } = await startAuthorization(jar, idp.issuer, { prompt: 'create' });
    const done = await postPage(jar, new URL(formAction(await response.text()), url), {
      email: 'mallory@example.com',
      name: 'Mallory',
      password: 'mallory-password',
    });
    expect(done.callback).toBeDefined();
    const tokens = await exchangeCode(idp.issuer, done.callback!, request);
    const newSub = (await verifyJwt(idp.issuer, tokens.body.id_token as string)).payload.sub;
    expect((await verifyJwt(idp.issuer, tokens.body.id_token as string)).payload.email).toBe('mallory@example.com');
    // Alice's IdP session (and its grant) is gone; the browser is now Mallory's.
    expect((await refresh(idp.issuer, previous.refreshToken!)).body.error).toBe('invalid_grant');
    const next = await runAuthorizationCodeFlow(jar, alice(idp.issuer));
    expect(next.promptedForPassword).toBe(false);
    expect((await verifyJwt(idp.issuer, next.idToken)).payload.sub).toBe(newSub);
  });

  it('prompt=login as another user signs that user in', async () => {
    const jar = new CookieJar();
    await runAuthorizationCodeFlow(jar, alice(idp.issuer));
    const { request, response, url } = await startAuthorization(jar, idp.issuer, { prompt: 'login' });
    expect(response.status).toBe(200);
    const done = await postPage(jar, new URL(formAction(await response.text()), url), { username: 'bob@example.com', password: 'bob-password' });
    const tokens = await exchangeCode(idp.issuer, done.callback!, request);
    expect((await verifyJwt(idp.issuer, tokens.body.id_token as string)).payload['cognito:username']).toBe('bob@example.com');
    expect((await runAuthorizationCodeFlow(jar, bob(idp.issuer))).promptedForPassword).toBe(false);
  });
});
