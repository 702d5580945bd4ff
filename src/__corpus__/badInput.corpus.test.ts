/**
 * Runs the bad-input corpus (`badInput.corpus.ts`) against the real stack in
 * process: `createServerRunner` with real dev IdPs on port 0, the real route
 * handlers (`GET`/`POST` with Web `Request`s) and the real guard (called with
 * a `NextRequest`). One test per entry; the counts are printed at the end:
 * `bad-input corpus: N inputs — 0 accepted wrongly, 0 server errors`.
 *
 * Checked on every response: no 5xx, no stack text, no token in the body, in
 * `Location` or in any header the browser receives (`x-middleware-request-*`
 * are Next's internal request overrides, never sent to the browser), and the
 * exact cookies expired.
 */
import { RequestCookies } from 'next/dist/compiled/@edge-runtime/cookies/index.js';
import { RequestCookiesAdapter } from 'next/dist/server/web/spec-extension/adapters/request-cookies.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchAuthSession } from '../context/fetchAuthSession.js';
import { CookieJar } from '../dev-idp/CookieJar.js';
import { callbackEntries, cookieEntries, corpus, pathEntries, signOutEntries } from './badInput.corpus.js';
import type { CallbackEntry, ClearedSpec, CookieEntry, CorpusEntry, CorpusRunner, GuardOutcome, PathEntry, SignOutEntry } from './corpusTypes.js';
import {
  AFTER_SIGN_IN,
  AMPLIFY_PREFIX,
  CALLBACK_PATH,
  ORIGIN,
  OTHER_SECRET,
  SECRET,
  SESSION_COOKIE,
  SIGN_IN_PATH,
  authorizeAtIdp,
  isDeletion,
  nextRequest,
  openTransaction,
  sealAt,
  setCookiesAsHeader,
  signInThroughRoutes,
  startCorpusStack,
  startTransaction,
} from './corpusStack.js';
import type { CorpusStack, RunnerUnderTest, Transaction } from './corpusStack.js';
import { expandTemplate, placeholdersOf } from './expandTemplate.js';

type Verdict = 'ok' | 'accepted wrongly' | 'server error' | 'mismatch';
interface Result {
  id: string;
  verdict: Verdict;
  problems: string[];
}

let stack: CorpusStack;
/** An IdP browser session of Alice, so callbacks get codes without a login each time. */
const idpJar = new CookieJar();
const results = new Map<string, Result>();

beforeAll(async () => {
  stack = await startCorpusStack();
}, 60_000);

afterAll(async () => {
  await stack?.close();
  const all = [...results.values()];
  const count = (v: Verdict) => all.filter((r) => r.verdict === v).length;
  const per = (['cookie', 'callback', 'path', 'sign-out'] as const).map((s) => `${s} ${corpus.filter((e) => e.surface === s).length}`).join(', ');
  const lines = [
    `bad-input corpus: ${all.length} inputs — ${count('accepted wrongly')} accepted wrongly, ${count('server error')} server errors (${count('mismatch')} other mismatches; ${per})`,
    ...all.filter((r) => r.verdict !== 'ok').map((r) => `  ✗ ${r.id} [${r.verdict}] ${r.problems.join('; ')}`),
  ];
  // eslint-disable-next-line no-console -- the corpus reports its counts, as issue 8 asks
  console.log(lines.join('\n'));
});

// ─── shared checks ──────────────────────────────────────────────────────────

const JWT = /eyJ[\w-]{8,}\.eyJ[\w-]{8,}/;
const STACK = /\n\s+at\s|\bat [\w.<>]+ \(|node_modules|\.[cm]?[jt]s:\d+:\d+|TypeError|ReferenceError/;

class Findings {
  problems: string[] = [];
  serverError = false;
  acceptedWrongly = false;
  add(problem: string): void {
    this.problems.push(problem);
  }
  result(id: string): Result {
    const verdict: Verdict = this.serverError ? 'server error' : this.acceptedWrongly ? 'accepted wrongly' : this.problems.length > 0 ? 'mismatch' : 'ok';
    return { id, verdict, problems: this.problems };
  }
}

/** Runs a library call; a throw is what Next would turn into a 500. */
async function call<T>(f: Findings, what: string, run: () => Promise<T>): Promise<T | undefined> {
  try {
    return await run();
  } catch (err) {
    f.serverError = true;
    f.add(`${what} threw ${err instanceof Error ? err.name : typeof err}${(err as { code?: string }).code ? ` (${(err as { code: string }).code})` : ''}`);
    return undefined;
  }
}

/** Body, status and headers a browser would receive: no 5xx, no stack, no token. */
async function inspect(f: Findings, what: string, response: Response): Promise<string> {
  const body = await response.text();
  if (response.status >= 500) {
    f.serverError = true;
    f.add(`${what} answered ${response.status}`);
  }
  if (STACK.test(body)) f.add(`${what}: stack-like text in the body`);
  const exposed: string[] = [body];
  response.headers.forEach((value, name) => {
    if (!name.startsWith('x-middleware-request-') && name !== 'x-middleware-override-headers') exposed.push(value);
  });
  exposed.push(...response.headers.getSetCookie());
  const text = exposed.join('\n');
  if (JWT.test(text) || [...stack.tokens].some((t) => text.includes(t))) f.add(`${what}: a token in the response`);
  return body;
}

function deletedNames(response: Response): string[] {
  return [...new Set(response.headers.getSetCookie().filter(isDeletion).map((l) => l.slice(0, l.indexOf('='))))].sort();
}
function writtenNames(response: Response): string[] {
  return response.headers
    .getSetCookie()
    .filter((l) => !isDeletion(l))
    .map((l) => l.slice(0, l.indexOf('=')));
}
function cookieNames(header: string): string[] {
  return header
    .split(';')
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => (p.includes('=') ? p.slice(0, p.indexOf('=')) : p).trim());
}
const isSessionName = (runner: CorpusRunner) => (name: string) =>
  runner === 'sealed' ? /^nsa\.session(?:\.\d+)?$/.test(name) : name.startsWith(`${AMPLIFY_PREFIX}.`);

function showSet(names: string[]): string {
  return `[${names.join(', ')}]`;
}

/** Compares the expired cookies with the spec (`@session`: the session cookies the request carried). */
function checkCleared(f: Findings, what: string, spec: ClearedSpec, actual: string[], sessionNames: string[], values: Record<string, string>): void {
  const norm = (names: string[]) => [...new Set(names.flatMap((n) => (n === '@session' ? sessionNames : [expandTemplate(n, values)])))].sort();
  const same = (a: string[], b: string[]) => a.length === b.length && a.every((x, i) => x === b[i]);
  let ok: boolean;
  let wanted: string;
  if (Array.isArray(spec)) {
    ok = same(norm(spec), actual);
    wanted = showSet(norm(spec));
  } else if ('oneOf' in spec) {
    ok = spec.oneOf.some((s) => same(norm(s), actual));
    wanted = `one of ${spec.oneOf.map((s) => showSet(norm(s))).join(' | ')}`;
  } else {
    const allowed = norm(spec.subsetOf);
    ok = actual.every((n) => allowed.includes(n));
    wanted = `a subset of ${showSet(allowed)}`;
  }
  if (!ok) f.add(`${what} expired ${showSet(actual)}, expected ${wanted}`);
}

/** What the guard answered. */
function classify(f: Findings, response: Response): GuardOutcome | string {
  if (response.headers.has('x-middleware-next') || response.headers.has('x-middleware-rewrite')) return 'pass';
  const { status } = response;
  if (status >= 300 && status < 400) {
    const location = new URL(response.headers.get('location') ?? '', 'http://invalid.invalid');
    if (location.origin === ORIGIN && location.pathname === SIGN_IN_PATH) return 'signIn';
    if (location.origin !== ORIGIN) f.add(`redirect off the origin: ${location.origin}`);
    return 'redirect';
  }
  const named: Record<number, GuardOutcome> = { 400: 'badRequest', 401: 'unauthorized', 403: 'forbidden', 404: 'notFound', 204: 'noContent' };
  return named[status] ?? `status ${status}`;
}

// ─── surfaces ───────────────────────────────────────────────────────────────

async function runCookie(e: CookieEntry, f: Findings): Promise<void> {
  const runnerName = e.input.runner ?? 'sealed';
  const rt = stack.runners[runnerName];
  const values = stack.fixtures;
  const cookie = expandTemplate(e.input.cookie, values);
  const sessionNames = [...new Set(cookieNames(cookie).filter(isSessionName(runnerName)))];
  const want = e.expect.session;

  // 1. The guard, on a protected API path.
  const guarded = await call(f, 'guard', () => rt.guard(nextRequest('/api/me', { cookie })));
  if (guarded) {
    await inspect(f, 'guard', guarded);
    const outcome = classify(f, guarded);
    const got = outcome === 'pass' ? 'signed-in' : outcome === 'unauthorized' ? 'signed-out' : outcome;
    if (got !== want) {
      f.add(`guard: ${got}, expected ${want}`);
      if (want === 'signed-out' && got === 'signed-in') f.acceptedWrongly = true;
    }
    checkCleared(f, 'guard', e.expect.cleared, deletedNames(guarded), sessionNames, values);
    const written = writtenNames(guarded).filter(isSessionName(runnerName));
    if (want === 'signed-out' && written.length > 0) f.add(`guard wrote session cookies ${showSet(written)}`);
  }

  // 2. A route handler's read: runWithServerContext({ request, response }).
  const response = new Response(null);
  const session = await call(f, 'fetchAuthSession', () =>
    rt.runner.runWithServerContext({
      nextServerContext: { request: new Request(`${ORIGIN}/`, { headers: { cookie } }), response },
      operation: (ctx) => fetchAuthSession(ctx),
    }),
  );
  if (session) {
    const got = session.tokens ? 'signed-in' : 'signed-out';
    if (got !== want) {
      f.add(`fetchAuthSession: ${got}, expected ${want}`);
      if (want === 'signed-out') f.acceptedWrongly = true;
    }
    await inspect(f, 'route read', response);
    checkCleared(f, 'route read', e.expect.cleared, deletedNames(response), sessionNames, values);
  }

  // 3. A server component's read: `{ cookies }`, read-only, as Next builds it.
  const rsc = await call(f, 'fetchAuthSession (server component)', () =>
    rt.runner.runWithServerContext({
      nextServerContext: { cookies: () => RequestCookiesAdapter.seal(new RequestCookies(new Headers({ cookie }))) },
      operation: (ctx) => fetchAuthSession(ctx),
    }),
  );
  const names = cookieNames(cookie);
  // Next's cookie store keeps one copy of a name sent twice: the planted-duplicate
  // defence needs the raw header (guard, route handlers), so only "no throw" holds here.
  const duplicated = new Set(names).size !== names.length;
  if (rsc && !duplicated) {
    const got = rsc.tokens ? 'signed-in' : 'signed-out';
    if (got !== want) {
      f.add(`fetchAuthSession (server component): ${got}, expected ${want}`);
      if (want === 'signed-out') f.acceptedWrongly = true;
    }
  }
}

/** Per-entry material for a callback: transactions and codes made on demand. */
async function callbackValues(e: CallbackEntry, rt: RunnerUnderTest): Promise<{ values: Record<string, string>; tx?: Transaction }> {
  const used = new Set([...placeholdersOf(e.input.query), ...placeholdersOf(e.input.cookie ?? '')]);
  const values: Record<string, string> = { ...stack.fixtures, iss: stack.idp.issuer, session: `${SESSION_COOKIE}=${stack.fixtures.whole}` };
  const needs = (...names: string[]) => names.some((n) => used.has(n)) || e.input.replay === true;
  let tx: Transaction | undefined;
  if (needs('state', 'code', 'tx', 'txName', 'txValue', 'txForeign', 'txExpired', 'txShape')) {
    tx = await startTransaction(rt);
    Object.assign(values, { state: tx.state, txName: tx.txName, txValue: tx.txValue, tx: `${tx.txName}=${tx.txValue}` });
    if (needs('code')) {
      const callback = await authorizeAtIdp(idpJar, tx.authorizeUrl);
      values.code = callback.searchParams.get('code')!;
    }
    if (['txForeign', 'txExpired', 'txShape', 'txResealed'].some((n) => used.has(n))) {
      const transaction = await openTransaction(tx.txValue);
      values.txForeign = await sealAt(transaction, OTHER_SECRET, 600);
      values.txExpired = await sealAt({ ...transaction, createdAt: Date.now() - 660_000 }, SECRET, 600, 660_000);
      values.txShape = await sealAt({ state: tx.state }, SECRET, 600);
      values.txResealed = await sealAt(transaction, SECRET, 600);
    }
  }
  if (used.has('state2') || used.has('code2') || used.has('txValue2')) {
    const tx2 = await startTransaction(rt);
    Object.assign(values, { state2: tx2.state, txValue2: tx2.txValue });
    if (used.has('code2')) values.code2 = (await authorizeAtIdp(idpJar, tx2.authorizeUrl)).searchParams.get('code')!;
  }
  return { values, ...(tx ? { tx } : {}) };
}

async function runCallback(e: CallbackEntry, f: Findings): Promise<void> {
  const rt = stack.runners.sealed;
  const { values, tx } = await callbackValues(e, rt);
  const url = `${ORIGIN}${CALLBACK_PATH}?${expandTemplate(e.input.query, values)}`;
  if (e.input.replay) {
    // The browser's own callback first: it must succeed, or the replay proves nothing.
    const first = await rt.GET(new Request(`${ORIGIN}${CALLBACK_PATH}?${expandTemplate('code={{code}}&state={{state}}&iss={{iss|enc}}', values)}`, { headers: { cookie: values.tx! } }));
    if (first.status !== 303) f.add(`harness: the original callback answered ${first.status}`);
    values.session = setCookiesAsHeader(first);
  }
  const cookie = e.input.cookie === undefined ? '' : expandTemplate(e.input.cookie, values);
  const before = stack.idp.stats().tokenCalls.authorization_code;
  const request = new Request(url, { method: e.input.method ?? 'GET', headers: cookie ? { cookie } : {} });
  const response = await call(f, 'callback', () => (request.method === 'POST' ? rt.POST(request) : rt.GET(request)));
  if (!response) return;
  const tokenCalls = stack.idp.stats().tokenCalls.authorization_code - before;
  const body = await inspect(f, 'callback', response);
  const want = e.expect;
  const wroteSession = writtenNames(response).some(isSessionName('sealed'));
  const location = response.headers.get('location');
  const signedIn = wroteSession || (response.status === 303 && location === `${ORIGIN}${AFTER_SIGN_IN}`);
  if (response.status !== want.status) f.add(`status ${response.status}, expected ${want.status}`);
  if (signedIn !== (want.signedIn ?? false)) {
    f.add(signedIn ? 'signed in' : 'did not sign in');
    if (signedIn) f.acceptedWrongly = true;
  }
  if (want.error !== undefined) {
    const code = /data-testid="auth-error-code">([^<]*)</.exec(body)?.[1];
    const allowed = Array.isArray(want.error) ? want.error : [want.error];
    if (code === undefined || !allowed.includes(code)) f.add(`error code ${code ?? '(none)'}, expected ${allowed.join(' or ')}`);
  }
  if (want.txCleared !== undefined && tx) {
    const cleared = deletedNames(response).includes(tx.txName);
    if (cleared !== want.txCleared) f.add(cleared ? 'transaction cookie expired' : 'transaction cookie not expired');
  }
  if (want.tokenCalls !== undefined && tokenCalls !== want.tokenCalls) f.add(`${tokenCalls} token endpoint calls, expected ${want.tokenCalls}`);
  if (/<script/i.test(body)) f.add('a <script> in the error page (reflected input)');
}

/**
 * Follows the guard's sign-in redirect into the real sign-in route: the
 * `returnTo` the transaction keeps (where the user lands afterwards) must be
 * a same-origin path, whatever spelling the guard passed on.
 */
async function checkLanding(f: Findings, rt: RunnerUnderTest, location: string): Promise<void> {
  const response = await call(f, 'sign-in', () => rt.GET(new Request(location)));
  if (!response) return;
  await inspect(f, 'sign-in', response);
  const tx = cookieNames(setCookiesAsHeader(response)).length > 0 ? setCookiesAsHeader(response).split('; ')[0]! : '';
  if (response.status !== 302 || tx === '') return f.add(`sign-in route answered ${response.status} without a transaction`);
  const returnTo = (await openTransaction(tx.slice(tx.indexOf('=') + 1))).returnTo;
  if (typeof returnTo !== 'string' || new URL(returnTo, 'http://invalid.invalid').origin !== ORIGIN) f.add(`the sign-in would land on ${JSON.stringify(returnTo)}`);
}

async function runPath(e: PathEntry, f: Findings): Promise<void> {
  const rt = stack.runners.sealed;
  const as = e.input.as ?? 'signed-out';
  const session = as === 'bob' ? stack.fixtures.bobWhole : as === 'alice' ? stack.fixtures.whole : undefined;
  const headers = { ...(e.input.headers ?? {}), ...(session ? { cookie: `${SESSION_COOKIE}=${session}` } : {}) };
  const allowed = Array.isArray(e.expect.outcome) ? e.expect.outcome : [e.expect.outcome];
  const seen: string[] = [];
  for (let i = 0; i < (e.input.repeat ?? 1); i++) {
    const response = await call(f, 'guard', () => rt.guard(nextRequest(e.input.path, headers)));
    if (!response) return;
    await inspect(f, 'guard', response);
    const outcome = classify(f, response);
    if (outcome === 'signIn' && i === 0) await checkLanding(f, rt, response.headers.get('location')!);
    seen.push(outcome);
  }
  const bad = seen.filter((o) => !allowed.includes(o as GuardOutcome));
  if (bad.length > 0) {
    f.add(`guard answered ${seen.join(', ')}; expected ${allowed.join(' or ')}`);
    if (!allowed.includes('pass') && seen.includes('pass')) f.acceptedWrongly = true;
  }
  if (new Set(seen).size > 1) f.add(`inconsistent answers: ${seen.join(', ')}`);
}

async function runSignOut(e: SignOutEntry, f: Findings): Promise<void> {
  const runnerName = e.input.runner ?? 'sealed';
  const rt = stack.runners[runnerName];
  const values: Record<string, string> = { ...stack.fixtures, session: '' };
  if (e.input.signedIn) values.session = await signInThroughRoutes(rt);
  const cookie = expandTemplate(e.input.cookie ?? (e.input.signedIn ? '{{session}}' : ''), values);
  const sessionNames = [...new Set(cookieNames(cookie).filter(isSessionName(runnerName)))];
  for (const [name, value] of cookie.split('; ').map((p) => [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)] as const)) {
    if (name.endsWith('Token') && value.length > 16) stack.tokens.add(decodeURIComponent(value));
  }
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(e.input.headers ?? {})) headers[k] = expandTemplate(v, values);
  if (cookie) headers.cookie = cookie;
  const body = e.input.body !== undefined && e.input.method === 'POST' ? expandTemplate(e.input.body, values) : undefined;
  const before = stack.idp.stats().revocations;
  const request = new Request(`${ORIGIN}/api/auth/sign-out`, { method: e.input.method, headers, ...(body !== undefined ? { body } : {}) });
  const response = await call(f, 'sign-out', () => (e.input.method === 'POST' ? rt.POST(request) : rt.GET(request)));
  if (!response) return;
  await inspect(f, 'sign-out', response);
  const revocations = stack.idp.stats().revocations - before;
  const want = e.expect;
  if (response.status !== want.status) f.add(`status ${response.status}, expected ${want.status}`);
  const location = response.headers.get('location');
  const toLogout = location !== null && location.startsWith(`${stack.idp.issuer}/logout`);
  if ((want.logout ?? false) !== toLogout) f.add(toLogout ? 'redirected to the IdP logout' : `not redirected to the IdP logout (Location ${location ?? 'none'})`);
  checkCleared(f, 'sign-out', want.cleared, deletedNames(response), sessionNames, values);
  if (revocations !== want.revocations) f.add(`${revocations} revocations, expected ${want.revocations}`);
  const refused = want.status >= 400;
  if (refused && (revocations > 0 || toLogout || deletedNames(response).length > 0)) f.acceptedWrongly = true;
  if (want.sessionSurvives) {
    const after = await call(f, 'guard after sign-out', () => rt.guard(nextRequest('/api/me', { cookie })));
    if (after && classify(f, after) !== 'pass') {
      f.add('the session did not survive the refused sign-out');
      f.acceptedWrongly = true;
    }
  }
}

async function run(e: CorpusEntry): Promise<Result> {
  const f = new Findings();
  if (e.surface === 'cookie') await runCookie(e, f);
  else if (e.surface === 'callback') await runCallback(e, f);
  else if (e.surface === 'path') await runPath(e, f);
  else await runSignOut(e, f);
  return f.result(e.id);
}

// ─── tests ──────────────────────────────────────────────────────────────────

describe('the bad-input corpus', () => {
  it('holds at least 150 inputs over the four surfaces, with unique ids', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(150);
    expect(new Set(corpus.map((e) => e.id)).size).toBe(corpus.length);
    expect(new Set(corpus.map((e) => e.surface))).toEqual(new Set(['cookie', 'callback', 'path', 'sign-out']));
  });

  describe('the harness sees acceptance (controls, not counted)', () => {
    it.each([
      ['sealed', `${SESSION_COOKIE}={{whole}}`],
      ['sealed', `${SESSION_COOKIE}.0={{chunk0}}; ${SESSION_COOKIE}.1={{chunk1}}`],
      ['amplify', '{{ampSession}}'],
      // The material behind the seal entries is sound: sealed the same way, well-shaped and in date, it reads.
      ['sealed', `${SESSION_COOKIE}={{shapeValid}}`],
      ['sealed', `${SESSION_COOKIE}={{sealedDayAgo}}`],
    ] as const)('a valid %s session reads signed in: %s', async (runner, cookie) => {
      const f = new Findings();
      await runCookie({ id: 'control', surface: 'cookie', title: '', input: { runner, cookie }, expect: { session: 'signed-in', cleared: [] } }, f);
      expect(f.problems).toEqual([]);
    });

    it('a valid callback signs in', async () => {
      const f = new Findings();
      await runCallback({ id: 'control', surface: 'callback', title: '', input: { query: 'code={{code}}&state={{state}}&iss={{iss|enc}}', cookie: '{{tx}}' }, expect: { status: 303, signedIn: true, txCleared: true, tokenCalls: 1 } }, f);
      expect(f.problems).toEqual([]);
    });

    it('a transaction resealed by this app completes (so the forged, foreign and expired ones fail for their own reason)', async () => {
      const f = new Findings();
      await runCallback({ id: 'control', surface: 'callback', title: '', input: { query: 'code={{code}}&state={{state}}&iss={{iss|enc}}', cookie: '{{txName}}={{txResealed}}' }, expect: { status: 303, signedIn: true, txCleared: true, tokenCalls: 1 } }, f);
      expect(f.problems).toEqual([]);
    });

    it('a same-origin sign-out of a real session revokes, clears and redirects to the IdP', async () => {
      const f = new Findings();
      await runSignOut({ id: 'control', surface: 'sign-out', title: '', input: { method: 'POST', signedIn: true, headers: { origin: ORIGIN } }, expect: { status: 303, logout: true, cleared: ['@session'], revocations: 1 } }, f);
      expect(f.problems).toEqual([]);
    });

    it('the plain protected paths are denied and a public one passes', async () => {
      for (const [path, outcome] of [['/dashboard', 'signIn'], ['/api/me', 'unauthorized'], ['/reports/42', 'signIn'], ['/about', 'pass']] as const) {
        const f = new Findings();
        await runPath({ id: 'control', surface: 'path', title: '', input: { path }, expect: { outcome } }, f);
        expect(f.problems, path).toEqual([]);
      }
    });
  });

  for (const [surface, entries] of [['cookies', cookieEntries], ['callbacks', callbackEntries], ['paths (guard)', pathEntries], ['sign-out requests', signOutEntries]] as const) {
    describe(surface, () => {
      for (const entry of entries as readonly CorpusEntry[]) {
        it(`${entry.id}: ${entry.title}`, async () => {
          const result = await run(entry);
          results.set(entry.id, result);
          expect(result.problems, `${entry.id} (${result.verdict})`).toEqual([]);
        });
      }
    });
  }
});
