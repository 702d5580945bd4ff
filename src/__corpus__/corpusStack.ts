import { randomBytes } from 'node:crypto';
import { sealData, unsealData } from 'iron-session';
import { decodeJwt, decodeProtectedHeader, generateKeyPair, SignJWT } from 'jose';
import { NextRequest } from 'next/server.js';
import { vi } from 'vitest';
import { createAuthRuntime, createServerRunner } from '../createServerRunner.js';
import type { ServerRunner } from '../createServerRunner.js';
import { cookieList, sealedCookieHeader } from '../context/__tests__/sealedCookieHeader.js';
import { CookieJar } from '../dev-idp/CookieJar.js';
import { signInWithPassword, startDevIdp } from '../dev-idp/index.js';
import type { DevIdp, SignInResult } from '../dev-idp/index.js';
import type { GuardRule } from '../guard/AuthGuardOptions.js';
import type { CorpusRunner } from './corpusTypes.js';

export const ORIGIN = 'http://localhost:3000';
export const CLIENT_ID = 'corpus-client';
export const SECRET = 'bad-input-corpus-secret-0123456789-abcdefgh';
export const OTHER_SECRET = 'another-app-secret-another-app-secret-0123';
export const CALLBACK_PATH = '/api/auth/sign-in-callback';
export const SIGN_IN_PATH = '/api/auth/sign-in';
export const AFTER_SIGN_IN = '/after';
export const SESSION_COOKIE = 'nsa.session';
export const AMPLIFY_PREFIX = `CognitoIdentityServiceProvider.${CLIENT_ID}`;
const SESSION_TTL = 30 * 24 * 3600;
const ALICE = { username: 'alice@example.com', password: 'alice-password' };
const BOB = { username: 'bob@example.com', password: 'bob-password' };

/** The guard rules every path entry is decided against. */
export const GUARD_RULES: GuardRule[] = [
  { path: '/api/auth', public: true },
  { path: '/dashboard' },
  { path: '/admin', groups: ['ADMINS'] },
  { path: '/api/me' },
  { path: '/api/admin', groups: ['ADMINS'] },
  { path: /^\/reports\/42(?:\/|$)/ },
  // Stateful flags on purpose: the guard must decide the same way every time.
  { path: /^\/secret(?:\/|$)/g },
  { path: /^\/vault(?:\/|$)/y },
];

export interface RunnerUnderTest {
  runner: ServerRunner;
  GET: (request: Request) => Promise<Response>;
  POST: (request: Request) => Promise<Response>;
  guard: (request: NextRequest) => Promise<Response>;
  idp: DevIdp;
}

export interface CorpusStack {
  idp: DevIdp;
  /** A second IdP issuing 1-second ID tokens (expired-ID-token inputs). */
  idpShort: DevIdp;
  runners: Record<CorpusRunner, RunnerUnderTest>;
  /** Material for `{{placeholders}}` shared by every entry. */
  fixtures: Record<string, string>;
  /** Token strings no response may ever carry. */
  tokens: Set<string>;
  close(): Promise<void>;
}

function slugOf(url: string): string {
  return new URL(url).pathname.split('/').pop() ?? '';
}

function bind(runner: ServerRunner, idp: DevIdp): RunnerUnderTest {
  const handlers = runner.createAuthRouteHandlers({ redirectOnSignInComplete: AFTER_SIGN_IN, redirectOnSignOutComplete: '/bye' });
  const guard = runner.createAuthGuard({ rules: GUARD_RULES });
  return {
    runner,
    idp,
    GET: (request) => handlers.GET(request, { params: Promise.resolve({ slug: slugOf(request.url) }) }),
    POST: (request) => handlers.POST(request, { params: Promise.resolve({ slug: slugOf(request.url) }) }),
    guard: (request) => guard(request),
  };
}

/** Re-signs `token` with `patch` applied, by a key that is not the IdP's (or unsigned with `none`). */
export async function forge(token: string, patch: Record<string, unknown>, alg: 'RS256' | 'none' = 'RS256'): Promise<string> {
  const payload = { ...decodeJwt(token), ...patch };
  if (alg === 'none') {
    const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    return `${enc({ alg: 'none', typ: 'JWT' })}.${enc(payload)}.`;
  }
  const kid = decodeProtectedHeader(token).kid;
  const { privateKey } = await generateKeyPair('RS256');
  return new SignJWT(payload).setProtectedHeader({ alg: 'RS256', ...(kid ? { kid } : {}) }).sign(privateKey);
}

/** Seals `data` the way the sealed codec does, as if it happened `agoMs` earlier. */
export async function sealAt(data: unknown, password: string | Record<string, string>, ttl: number, agoMs = 0): Promise<string> {
  if (agoMs === 0) return sealData(data as Record<string, unknown>, { password, ttl });
  vi.useFakeTimers({ toFake: ['Date'] });
  try {
    vi.setSystemTime(Date.now() - agoMs);
    return await sealData(data as Record<string, unknown>, { password, ttl });
  } finally {
    vi.useRealTimers();
  }
}

/** Waits for the next whole second, so two sign-ins never share an `iat`/`auth_time`. */
async function nextSecond(): Promise<void> {
  const now = Math.floor(Date.now() / 1000);
  while (Math.floor(Date.now() / 1000) === now) await new Promise((r) => setTimeout(r, 50));
}

/** The `name=value` pairs a response sets (deletions left out), as a `Cookie` header. */
export function setCookiesAsHeader(response: Response): string {
  return response.headers
    .getSetCookie()
    .filter((line) => !isDeletion(line))
    .map((line) => line.split(';')[0]!)
    .join('; ');
}

/** A `Set-Cookie` line that expires its cookie. */
export function isDeletion(line: string): boolean {
  return /;\s*max-age=0\b/i.test(line) || /;\s*expires=[^;]*1970/i.test(line);
}

/**
 * Follows an authorization request through the dev IdP with `jar` (logging in
 * when the form appears) until it redirects to the app's callback, which is
 * not fetched. Returns that callback URL (code, state, iss).
 */
export async function authorizeAtIdp(jar: CookieJar, start: string, login = ALICE): Promise<URL> {
  let url = new URL(start);
  let response = await jar.fetch(url);
  for (let hop = 0; hop < 20; hop++) {
    if (response.status >= 300 && response.status < 400) {
      const location = response.headers.get('location');
      await response.body?.cancel();
      url = new URL(location ?? '', url);
      if (url.origin === ORIGIN && url.pathname === CALLBACK_PATH) return url;
      response = await jar.fetch(url);
      continue;
    }
    const html = await response.text();
    const action = /<form\b[^>]*\bid="sign-in-form"[^>]*>/i.exec(html)?.[0]?.match(/\baction="([^"]*)"/i)?.[1]?.replace(/&amp;/g, '&');
    if (!action) throw new Error(`corpus: unexpected IdP page (HTTP ${response.status}) at ${url.pathname}`);
    url = new URL(action, url);
    response = await jar.fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(login).toString() });
  }
  throw new Error('corpus: too many redirects at the IdP');
}

export interface Transaction {
  state: string;
  txName: string;
  txValue: string;
  authorizeUrl: string;
}

/** `GET sign-in` through the real handler: the state and the transaction cookie it sets. */
export async function startTransaction(rt: RunnerUnderTest): Promise<Transaction> {
  const response = await rt.GET(new Request(`${ORIGIN}${SIGN_IN_PATH}?returnTo=${AFTER_SIGN_IN}`));
  const authorizeUrl = response.headers.get('location');
  if (response.status !== 302 || !authorizeUrl) throw new Error(`corpus: sign-in answered ${response.status}`);
  const state = new URL(authorizeUrl).searchParams.get('state')!;
  const [txName, txValue] = cookieList(setCookiesAsHeader(response)).find(([name]) => name.endsWith(`.${state}`))!;
  return { state, txName, txValue, authorizeUrl };
}

/** Signs in for real (sign-in route → IdP login → callback route); returns the session cookies as a `Cookie` header. */
export async function signInThroughRoutes(rt: RunnerUnderTest, jar = new CookieJar(), login = ALICE): Promise<string> {
  const tx = await startTransaction(rt);
  const callback = await authorizeAtIdp(jar, tx.authorizeUrl, login);
  const response = await rt.GET(new Request(callback, { headers: { cookie: `${tx.txName}=${tx.txValue}` } }));
  if (response.status !== 303) throw new Error(`corpus: the sign-in callback answered ${response.status}`);
  return setCookiesAsHeader(response);
}

/** A refresh_token grant straight at the IdP's token endpoint. */
async function refreshAtIdp(idp: DevIdp, refreshToken: string): Promise<SignInResult> {
  const response = await fetch(`${idp.issuer}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: CLIENT_ID }).toString(),
  });
  if (!response.ok) throw new Error(`corpus: refresh answered ${response.status}`);
  const body = (await response.json()) as { id_token: string; access_token: string; refresh_token?: string };
  return { idToken: body.id_token, accessToken: body.access_token, ...(body.refresh_token ? { refreshToken: body.refresh_token } : {}) } as SignInResult;
}

function chunksHeader(values: string[]): string {
  return values.map((v, i) => `${SESSION_COOKIE}.${i}=${v}`).join('; ');
}

/** Starts the dev IdPs and the runners, and makes every shared fixture. */
export async function startCorpusStack(): Promise<CorpusStack> {
  const client = { clientId: CLIENT_ID, redirectUris: [`${ORIGIN}${CALLBACK_PATH}`], postLogoutRedirectUris: [`${ORIGIN}/api/auth/sign-out-callback`] };
  const idp = await startDevIdp({ port: 0, quiet: true, clients: [client] });
  const idpShort = await startDevIdp({ port: 0, quiet: true, clients: [client], idTokenTtl: 1 });
  const config = (issuer: string) => ({ oidc: { issuer, clientId: CLIENT_ID, flavor: 'cognito' as const } });
  const runners: Record<CorpusRunner, RunnerUnderTest> = {
    sealed: bind(createServerRunner({ config: config(idp.issuer), runtimeOptions: { secret: SECRET, origin: ORIGIN } }), idp),
    amplify: bind(createServerRunner({ config: config(idp.issuer), runtimeOptions: { secret: SECRET, origin: ORIGIN, session: { codec: 'amplify' } } }), idp),
    amplifyShort: bind(
      createServerRunner({ config: config(idpShort.issuer), runtimeOptions: { secret: SECRET, origin: ORIGIN, session: { codec: 'amplify' }, tokens: { clockSkew: 0 } } }),
      idpShort,
    ),
  };
  const signIn = (who: typeof ALICE, on = idp) =>
    signInWithPassword({ issuer: on.issuer, clientId: CLIENT_ID, redirectUri: `${ORIGIN}${CALLBACK_PATH}`, ...who });

  const short = await signIn(ALICE, idpShort);
  const alice = await signIn(ALICE);
  const bob = await signIn(BOB);
  // Two second boundaries here too, so alice2's pair differs from alice's in iat beyond that tolerance, not only in auth_time.
  await nextSecond();
  await nextSecond();
  const alice2 = await signIn(ALICE);
  const alice3 = await signIn(ALICE);
  // Two second boundaries: the amplify codec allows 1 s between the ID and access token of one issuance.
  await nextSecond();
  await nextSecond();
  const refreshed = await refreshAtIdp(idp, alice3.refreshToken!);
  const ampSession = await signInThroughRoutes(runners.amplify);
  // The short ID token must be past its exp (clock skew 0 on that runner).
  const shortExp = decodeJwt(short.idToken).exp!;
  while (Date.now() / 1000 <= shortExp + 1) await new Promise((r) => setTimeout(r, 100));

  // Sibling runtimes only seal: one shares this app's secret, the others do not.
  const sibling = createAuthRuntime(config(idp.issuer), { secret: SECRET, origin: ORIGIN }, {});
  const foreign = createAuthRuntime(config(idp.issuer), { secret: OTHER_SECRET, origin: ORIGIN }, {});
  const rotated = createAuthRuntime(config(idp.issuer), { secret: { 7: OTHER_SECRET }, origin: ORIGIN }, {});
  const valueOf = async (rt: typeof sibling, tokens: SignInResult) => cookieList(await sealedCookieHeader(rt, tokens)).map(([, v]) => v);
  const longRt = (t: SignInResult) => ({ ...t, refreshToken: randomBytes(1350).toString('base64url') });
  const [whole] = await valueOf(sibling, alice);
  const [bobWhole] = await valueOf(sibling, bob);
  const [chunk0, chunk1] = await valueOf(sibling, longRt(alice));
  const [, chunkB1] = await valueOf(sibling, longRt(bob));
  const [foreignWhole] = await valueOf(foreign, alice);
  const [foreign0, foreign1] = await valueOf(foreign, longRt(alice));
  const [rotatedWhole] = await valueOf(rotated, alice);
  if ([whole, bobWhole, foreignWhole, rotatedWhole].some((v) => v === undefined) || !chunk1 || !foreign1 || !chunkB1) {
    throw new Error('corpus: a session did not seal to the expected cookie layout');
  }

  const seal = (data: unknown) => sealAt(data, SECRET, SESSION_TTL);
  const { idToken: id, accessToken: at, refreshToken: rt } = alice;
  const past = Math.floor(Date.now() / 1000) - 60;
  const expiredAt = await forge(at, { exp: past });
  const hugeSeal = await seal({ v: 1, id, at, rt: randomBytes(150_000).toString('base64url') });

  const fixtures: Record<string, string> = {
    origin: ORIGIN,
    P: AMPLIFY_PREFIX,
    U: encodeURIComponent(ALICE.username),
    user: encodeURIComponent(ALICE.username),
    whole: whole!,
    bobWhole: bobWhole!,
    chunk0: chunk0!,
    chunk1: chunk1!,
    chunkB1: chunkB1!,
    foreignWhole: foreignWhole!,
    foreign0: foreign0!,
    foreign1: foreign1!,
    rotatedWhole: rotatedWhole!,
    random4k: randomBytes(4500).toString('base64url'),
    hugeChunks: chunksHeader(Array.from({ length: 100 }, () => 'A'.repeat(3800))),
    tinyChunks: chunksHeader(Array.from({ length: 1000 }, () => 'a')),
    hugeSeal: chunksHeader(hugeSeal.match(/.{1,3800}/g)!),
    shapeValid: await seal({ v: 1, id, at, rt }),
    sealedDayAgo: await sealAt({ v: 1, id, at, rt }, SECRET, SESSION_TTL, 24 * 3600 * 1000),
    shapeEmpty: await seal({}),
    shapeArray: await seal([]),
    shapeString: await seal('a string'),
    shapeNull: await seal(null),
    shapeV2: await seal({ v: 2, id, at, rt }),
    shapeIdNumber: await seal({ v: 1, id: 123, at, rt }),
    shapeNotJwt: await seal({ v: 1, id: 'not-a-jwt', at: 'not.a.jwt' }),
    shapeSwapped: await seal({ v: 1, id: at, at: id, rt }),
    shapeMixedUsers: await seal({ v: 1, id, at: bob.accessToken, rt }),
    shapeRtNumber: await seal({ v: 1, id, at, rt: 42 }),
    shapeAlgNone: await seal({ v: 1, id: await forge(id, {}, 'none'), at: await forge(at, {}, 'none'), rt }),
    shapeForeignIss: await seal({ v: 1, id: await forge(id, { iss: 'https://evil.example' }), at: await forge(at, { iss: 'https://evil.example' }), rt }),
    shapeForeignAud: await seal({ v: 1, id: await forge(id, { aud: 'someone-else' }), at: await forge(at, { aud: 'someone-else', client_id: 'someone-else' }), rt }),
    shapeEmptyAt: await seal({ v: 1, id, at: '', rt }),
    shapeNoExp: await seal({ v: 1, id, at: await forge(at, { exp: undefined }), rt }),
    shapeExpString: await seal({ v: 1, id, at: await forge(at, { exp: 'soon' }), rt }),
    shapeTokenUseId: await seal({ v: 1, id, at: await forge(at, { token_use: 'id' }), rt }),
    expiredNoRt: await seal({ v: 1, id, at: expiredAt }),
    expiredBadRt: await seal({ v: 1, id, at: expiredAt, rt: `never-issued-${randomBytes(16).toString('hex')}` }),
    expiredGarbageRt: await seal({ v: 1, id, at: expiredAt, rt: randomBytes(1500).toString('base64url') }),
    expiredEpoch: await seal({ v: 1, id, at: await forge(at, { exp: 1, iat: 0 }), rt: `never-issued-${randomBytes(16).toString('hex')}` }),
    ironExpired: await sealAt({ v: 1, id, at, rt }, SECRET, SESSION_TTL, (SESSION_TTL + 3600) * 1000),
    idToken: id,
    ampId: id,
    ampAt: at,
    bobAt: bob.accessToken,
    alice2Id: alice2.idToken,
    oldId: alice3.idToken,
    newAt: refreshed.accessToken,
    shortId: short.idToken,
    shortAt: short.accessToken,
    noneId: await forge(id, {}, 'none'),
    noneAt: await forge(at, {}, 'none'),
    forgedId: await forge(id, {}),
    forgedAt: await forge(at, {}),
    expiredAt,
    ampSession,
    otherIss: idpShort.issuer,
  };
  const tokens = new Set<string>();
  for (const t of [alice, bob, alice2, alice3, refreshed, short]) for (const v of Object.values(t)) if (typeof v === 'string' && v.length > 16) tokens.add(v);
  for (const [name, value] of cookieList(ampSession)) if (name.endsWith('Token')) tokens.add(decodeURIComponent(value));
  return {
    idp,
    idpShort,
    runners,
    fixtures,
    tokens,
    async close() {
      await Promise.all([idp.close(), idpShort.close()]);
    },
  };
}

/** The transaction inside a transaction cookie this app sealed. */
export async function openTransaction(value: string): Promise<Record<string, unknown>> {
  return unsealData<Record<string, unknown>>(value, { password: SECRET, ttl: 600 });
}

/** A `NextRequest` as middleware/proxy receives it. */
export function nextRequest(path: string, headers: Record<string, string> = {}): NextRequest {
  return new NextRequest(`${ORIGIN}${path}`, { headers });
}
