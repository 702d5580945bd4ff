// Shared helpers for the dev IdP tests: real HTTP against a real startDevIdp, no mocks.
import { createRemoteJWKSet, jwtVerify } from 'jose';
import type { JWTPayload } from 'jose';

import { createTokenVerifier } from '../../tokens/createTokenVerifier.js';
import type { TokenVerifier } from '../../tokens/TokenVerifier.js';
import { createAuthorizationRequest } from '../authorizationCodeFlow.js';
import type { AuthorizationRequest } from '../authorizationCodeFlow.js';
import type { CookieJar } from '../CookieJar.js';
import type { SignInWithPasswordOptions } from '../types.js';

export const CLIENT_ID = 'next-server-auth-example';
export const REDIRECT_URI = 'http://localhost:3000/api/auth/sign-in-callback';
export const LOGOUT_URI = 'http://localhost:3000/api/auth/sign-out-callback';

export function alice(issuer: string, extra: Partial<SignInWithPasswordOptions> = {}): SignInWithPasswordOptions {
  return { issuer, clientId: CLIENT_ID, redirectUri: REDIRECT_URI, username: 'alice@example.com', password: 'alice-password', ...extra };
}

export function bob(issuer: string, extra: Partial<SignInWithPasswordOptions> = {}): SignInWithPasswordOptions {
  return { issuer, clientId: CLIENT_ID, redirectUri: REDIRECT_URI, username: 'bob@example.com', password: 'bob-password', ...extra };
}

export interface TokenResponse {
  status: number;
  body: Record<string, unknown>;
}

export async function postForm(url: string, form: Record<string, string>, headers: Record<string, string> = {}): Promise<TokenResponse> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', ...headers },
    body: new URLSearchParams(form).toString(),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

export function refresh(issuer: string, refreshToken: string, clientId = CLIENT_ID): Promise<TokenResponse> {
  return postForm(`${issuer}/oauth2/token`, { grant_type: 'refresh_token', refresh_token: refreshToken, client_id: clientId });
}

export function revoke(issuer: string, token: string, clientId = CLIENT_ID): Promise<TokenResponse> {
  return postForm(`${issuer}/oauth2/revoke`, { token, token_type_hint: 'refresh_token', client_id: clientId });
}

export async function userInfo(issuer: string, accessToken?: string): Promise<Response> {
  return fetch(`${issuer}/oauth2/userInfo`, accessToken === undefined ? {} : { headers: { authorization: `Bearer ${accessToken}` } });
}

export async function verifyJwt(issuer: string, token: string, typ?: string): Promise<{ payload: JWTPayload; kid: string | undefined }> {
  const jwks = createRemoteJWKSet(new URL(`${issuer}/.well-known/jwks.json`));
  const { payload, protectedHeader } = await jwtVerify(token, jwks, {
    issuer,
    audience: CLIENT_ID,
    algorithms: ['RS256'],
    ...(typ === undefined ? {} : { typ }),
  });
  return { payload, kid: protectedHeader.kid };
}

/**
 * The library's own verifier (Cognito flavour, RS256) for the tokens the dev
 * IdP at `issuer` issues to `clientId`, with its JWKS and `clockSkew` seconds.
 */
export function devIdpVerifier(issuer: string, clientId: string, clockSkew: number): TokenVerifier {
  return createTokenVerifier({ issuer, clientId, flavor: 'cognito', jwksUri: async () => `${issuer}/.well-known/jwks.json`, algorithms: ['RS256'], clockSkew, timeoutMs: 5000 });
}

export function sortedKeys(value: object): string[] {
  return Object.keys(value).sort();
}

/** Follows redirects with the jar until a non-redirect response or the client's redirect URI. */
export async function follow(
  jar: CookieJar,
  start: URL,
  init: RequestInit = {},
): Promise<{ response: Response; url: URL; callback?: URL }> {
  let url = start;
  let response = await jar.fetch(url, init);
  for (let hop = 0; hop < 10 && response.status >= 300 && response.status < 400; hop += 1) {
    url = new URL(response.headers.get('location') ?? '', url);
    await response.body?.cancel();
    if (url.href.startsWith(REDIRECT_URI)) return { response, url, callback: url };
    response = await jar.fetch(url);
  }
  return { response, url };
}

/** Starts an authorization request in the jar and returns the page the IdP ends on. */
export async function startAuthorization(
  jar: CookieJar,
  issuer: string,
  params: Record<string, string> = {},
): Promise<{ request: AuthorizationRequest; response: Response; url: URL; callback?: URL }> {
  const request = createAuthorizationRequest(`${issuer}/oauth2/authorize`, { clientId: CLIENT_ID, redirectUri: REDIRECT_URI });
  // An empty value removes the parameter.
  for (const [key, value] of Object.entries(params)) {
    if (value === '') request.url.searchParams.delete(key);
    else request.url.searchParams.set(key, value);
  }
  return { request, ...(await follow(jar, request.url)) };
}

export async function exchangeCode(issuer: string, callback: URL, request: AuthorizationRequest): Promise<TokenResponse> {
  if (callback.searchParams.get('state') !== request.state) throw new Error('state mismatch');
  return postForm(`${issuer}/oauth2/token`, {
    grant_type: 'authorization_code',
    code: callback.searchParams.get('code') ?? '',
    redirect_uri: REDIRECT_URI,
    code_verifier: request.codeVerifier,
    client_id: CLIENT_ID,
  });
}

export function postPage(jar: CookieJar, url: URL, form: Record<string, string>): Promise<{ response: Response; url: URL; callback?: URL }> {
  return follow(jar, url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
}

export function formAction(html: string): string {
  const action = /<form\b[^>]*\baction="([^"]*)"/i.exec(html)?.[1];
  if (!action) throw new Error('no form on the page');
  return action;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
