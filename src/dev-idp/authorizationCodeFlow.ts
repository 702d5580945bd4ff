import { createHash, randomBytes } from 'node:crypto';

import type { CookieJar } from './CookieJar.js';
import type { SignInResult, SignInWithPasswordOptions } from './types.js';

const PREFIX = 'signInWithPassword';

/** An authorization request and the secrets needed to finish it. */
export interface AuthorizationRequest {
  url: URL;
  state: string;
  codeVerifier: string;
}

interface Endpoints {
  authorization: string;
  token: string;
}

function randomToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Builds an authorization code + PKCE S256 request for the given options.
 *
 * @example
 * ```ts
 * const { url } = createAuthorizationRequest(`${issuer}/oauth2/authorize`, options);
 * ```
 */
export function createAuthorizationRequest(
  authorizationEndpoint: string,
  options: Pick<SignInWithPasswordOptions, 'clientId' | 'redirectUri' | 'scope' | 'nonce'>,
): AuthorizationRequest {
  const state = randomToken();
  const codeVerifier = randomToken();
  const url = new URL(authorizationEndpoint);
  url.searchParams.set('client_id', options.clientId);
  url.searchParams.set('redirect_uri', options.redirectUri);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('scope', options.scope ?? 'openid email profile');
  url.searchParams.set('state', state);
  url.searchParams.set('code_challenge', createHash('sha256').update(codeVerifier).digest('base64url'));
  url.searchParams.set('code_challenge_method', 'S256');
  if (options.nonce !== undefined) url.searchParams.set('nonce', options.nonce);
  return { url, state, codeVerifier };
}

async function discover(issuer: string): Promise<Endpoints> {
  const url = `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${PREFIX}: discovery failed at ${url} (HTTP ${response.status})`);
  const body: unknown = await response.json();
  const { authorization_endpoint: authorization, token_endpoint: token } = (body ?? {}) as Record<string, unknown>;
  if (typeof authorization !== 'string' || typeof token !== 'string') {
    throw new Error(`${PREFIX}: ${url} lacks authorization_endpoint or token_endpoint`);
  }
  return { authorization, token };
}

function formAction(html: string, formId: string): string | undefined {
  const form = new RegExp(`<form\\b[^>]*\\bid="${formId}"[^>]*>`, 'i').exec(html)?.[0];
  const action = form && /\baction="([^"]*)"/i.exec(form)?.[1];
  return action?.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>');
}

function visibleError(html: string): string | undefined {
  const text = /<p class="error"[^>]*>([^<]*)<\/p>/i.exec(html)?.[1];
  return text?.replace(/&amp;/g, '&').replace(/&#39;/g, "'").trim();
}

function sameEndpoint(a: URL, b: URL): boolean {
  return a.origin === b.origin && a.pathname === b.pathname;
}

function decodeJwtPayload(jwt: string): Record<string, unknown> {
  const part = jwt.split('.')[1] ?? '';
  const parsed: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
}

/**
 * Follows an authorization request through the IdP like a browser: redirects
 * (manually, with `jar`'s cookies), the hosted sign-in form when it appears,
 * until the IdP redirects to `redirectUri` (which is not fetched). Returns
 * the callback URL and whether a password had to be entered.
 */
async function authorize(
  jar: CookieJar,
  request: AuthorizationRequest,
  options: SignInWithPasswordOptions,
): Promise<{ callback: URL; promptedForPassword: boolean }> {
  const redirectUri = new URL(options.redirectUri);
  let url = request.url;
  let response = await jar.fetch(url);
  let promptedForPassword = false;

  for (let hop = 0; hop < 20; hop += 1) {
    if (response.status >= 300 && response.status < 400) {
      const location = response.headers.get('location');
      await response.body?.cancel();
      if (!location) throw new Error(`${PREFIX}: HTTP ${response.status} without Location from ${url.href}`);
      url = new URL(location, url);
      if (sameEndpoint(url, redirectUri)) return { callback: url, promptedForPassword };
      response = await jar.fetch(url);
      continue;
    }

    const html = await response.text();
    const action = formAction(html, 'sign-in-form');
    if (promptedForPassword || !action || response.status !== 200) {
      const message = visibleError(html);
      if (promptedForPassword && message) {
        throw new Error(`${PREFIX}: the IdP rejected the sign-in of "${options.username}" (HTTP ${response.status}): ${message}`);
      }
      throw new Error(`${PREFIX}: unexpected HTTP ${response.status} from ${url.href}${message ? `: ${message}` : ''}`);
    }
    promptedForPassword = true;
    url = new URL(action, url);
    response = await jar.fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ username: options.username, password: options.password }).toString(),
    });
  }
  throw new Error(`${PREFIX}: too many redirects starting at ${request.url.href}`);
}

function checkCallback(callback: URL, request: AuthorizationRequest, issuer: string): string {
  const params = callback.searchParams;
  const error = params.get('error');
  if (error) {
    const description = params.get('error_description');
    throw new Error(`${PREFIX}: authorization failed: ${error}${description ? ` (${description})` : ''}`);
  }
  if (params.get('state') !== request.state) throw new Error(`${PREFIX}: the callback state does not match the request`);
  const iss = params.get('iss');
  if (iss !== null && iss.replace(/\/+$/, '') !== issuer.replace(/\/+$/, '')) {
    throw new Error(`${PREFIX}: the callback iss "${iss}" is not the issuer ${issuer}`);
  }
  const code = params.get('code');
  if (!code) throw new Error(`${PREFIX}: the callback carries no code`);
  return code;
}

async function exchangeCode(
  tokenEndpoint: string,
  code: string,
  request: AuthorizationRequest,
  options: SignInWithPasswordOptions,
): Promise<SignInResult> {
  const body = new URLSearchParams({
    grant_type: 'authorization_code',
    code,
    redirect_uri: options.redirectUri,
    code_verifier: request.codeVerifier,
  });
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
  if (options.clientSecret === undefined) {
    body.set('client_id', options.clientId);
  } else {
    // RFC 6749 2.3.1: form-encode id and secret before Basic encoding.
    const credentials = `${encodeURIComponent(options.clientId)}:${encodeURIComponent(options.clientSecret)}`;
    headers.authorization = `Basic ${Buffer.from(credentials).toString('base64')}`;
  }
  const response = await fetch(tokenEndpoint, { method: 'POST', headers, body: body.toString() });
  const json: unknown = await response.json().catch(() => undefined);
  const fields = (json ?? {}) as Record<string, unknown>;
  if (!response.ok) {
    throw new Error(`${PREFIX}: token request failed (HTTP ${response.status}): ${String(fields.error)} ${String(fields.error_description ?? '')}`.trim());
  }
  const { id_token: idToken, access_token: accessToken, refresh_token: refreshToken, expires_in: expiresIn, token_type: tokenType } = fields;
  if (typeof idToken !== 'string' || typeof accessToken !== 'string' || typeof expiresIn !== 'number' || typeof tokenType !== 'string') {
    throw new Error(`${PREFIX}: the token response lacks id_token, access_token, expires_in or token_type`);
  }
  if (options.nonce !== undefined && decodeJwtPayload(idToken).nonce !== options.nonce) {
    throw new Error(`${PREFIX}: the ID token nonce does not match`);
  }
  return { idToken, accessToken, ...(typeof refreshToken === 'string' ? { refreshToken } : {}), expiresIn, tokenType };
}

/**
 * The whole authorization code + PKCE flow with a caller-provided cookie jar
 * (so a test can keep the IdP browser session, e.g. to check logout).
 *
 * @example
 * ```ts
 * const jar = new CookieJar();
 * const first = await runAuthorizationCodeFlow(jar, options); // first.promptedForPassword === true
 * const second = await runAuthorizationCodeFlow(jar, options); // IdP session: no password asked
 * ```
 */
export async function runAuthorizationCodeFlow(
  jar: CookieJar,
  options: SignInWithPasswordOptions,
): Promise<SignInResult & { promptedForPassword: boolean }> {
  const endpoints = await discover(options.issuer);
  const request = createAuthorizationRequest(endpoints.authorization, options);
  const { callback, promptedForPassword } = await authorize(jar, request, options);
  const code = checkCallback(callback, request, options.issuer);
  const tokens = await exchangeCode(endpoints.token, code, request, options);
  return { ...tokens, promptedForPassword };
}
