// One app instance of bench/server-sessions.mjs (Part 6, revocation
// propagation): a separate Node process with its own runtimes, session caches
// and Redis client, as a separate server has; all instances share one
// redis-server. Two runtimes with `session.codec: 'server'`, the same secret:
//   push — the normal store: revocations arrive on `sessions:revoked`;
//   down — the same store with `subscribe` refused: the push channel is down,
//          so cached sessions live at most `session.offlineMaxAge`.
// The bench drives it over IPC: sign sessions in, watch copied cookies until
// they read as signed out, sign out (POST /api/auth/sign-out) or revokeSession.
// Times are process.hrtime (CLOCK_MONOTONIC: one clock for every process of
// the machine), in ms.
import { createRequire } from 'node:module';
import { clearInterval, setInterval } from 'node:timers';
import { createCookieStoreFromFetchApi } from '../dist/cookies/createCookieStoreFromFetchApi.js';
import { createRunWithServerContext } from '../dist/context/createRunWithServerContext.js';
import { createAuthRuntime } from '../dist/createServerRunner.js';
import { createRedisStore } from '../dist/redis/index.js';
import { createAuthRouteHandlersFor } from '../dist/routes/createAuthRouteHandlers.js';
import { fetchAuthSession, revokeSession } from '../dist/server.js';

const require = createRequire(import.meta.url);
const { RequestCookies } = require('next/dist/compiled/@edge-runtime/cookies/index.js');
const { RequestCookiesAdapter } = require('next/dist/server/web/spec-extension/adapters/request-cookies.js');
const { HeadersAdapter } = require('next/dist/server/web/spec-extension/adapters/headers.js');

const { redisUrl, prefix, secret, origin, amplifyOutputs, jwks, jwksUrl, offlineMaxAge, userAgent } = JSON.parse(process.argv[2]);
const CHANNEL = 'sessions:revoked';
const nowMs = () => Number(process.hrtime.bigint()) / 1e6;

// The JWKS from memory; the IdP's token revocation (sign-out revokes the
// refresh token) answered 200 here, so no request leaves the machine.
const realFetch = globalThis.fetch;
let revocationCalls = 0;
globalThis.fetch = async (input, init) => {
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
  if (url === jwksUrl) return new Response(JSON.stringify(jwks), { status: 200, headers: { 'content-type': 'application/json' } });
  if (new URL(url).hostname.endsWith('.amazoncognito.com')) {
    revocationCalls++;
    return new Response('', { status: 200 });
  }
  return realFetch(input, init);
};

const store = createRedisStore({ url: redisUrl, prefix });
// Hooks run right after the codec's own listener has handled a revocation.
const hooks = new Set();
const hooked = new Proxy(store, {
  get(target, prop) {
    if (prop === 'subscribe') {
      return (channel, onMessage, options) =>
        target.subscribe(
          channel,
          (message) => {
            onMessage(message);
            if (channel === CHANNEL) for (const hook of hooks) hook();
          },
          options,
        );
    }
    const value = Reflect.get(target, prop);
    return typeof value === 'function' ? value.bind(target) : value;
  },
});
const pushDown = new Proxy(store, {
  get(target, prop) {
    if (prop === 'subscribe') return () => Promise.reject(new Error('bench: the push channel is down'));
    const value = Reflect.get(target, prop);
    return typeof value === 'function' ? value.bind(target) : value;
  },
});

function make(s) {
  const runtime = createAuthRuntime(amplifyOutputs, { secret, origin, store: s, session: { codec: 'server', offlineMaxAge } }, {});
  return { runtime, run: createRunWithServerContext(runtime), routes: createAuthRouteHandlersFor(runtime)() };
}
const modes = { push: make(hooked), down: make(pushDown) };
const live = await modes.push.runtime.serverCodec.ready();
if (!live) throw new Error('bench worker: could not subscribe to sessions:revoked');

const nextCookies = (header) => RequestCookiesAdapter.seal(new RequestCookies(HeadersAdapter.from({ cookie: header })));
/** A server component's read of `cookie`: signed in? */
async function signedIn(mode, cookie) {
  const session = await modes[mode].run({ nextServerContext: { cookies: async () => nextCookies(cookie) }, operation: (ctx) => fetchAuthSession(ctx) });
  return session.userSub !== undefined;
}

/** What the sign-in callback does: a new session in the store, its id cookie. */
async function signIn(mode, tokens) {
  const { runtime } = modes[mode];
  const response = new Response(null);
  await runtime.codec.write(createCookieStoreFromFetchApi(new Request(`${origin}/`), response), tokens, { userAgent });
  const cookie = response.headers.getSetCookie().map((l) => l.split(';')[0]).join('; ');
  const session = await runtime.codec.read(createCookieStoreFromFetchApi(new Request(`${origin}/`, { headers: { cookie } }), new Response(null)));
  return { cookie, id: session.serverId };
}

async function signOut(mode, cookie) {
  const t0 = nowMs();
  const response = await modes[mode].routes.POST(new Request(`${origin}/api/auth/sign-out`, { method: 'POST', headers: { cookie, origin } }), {
    params: Promise.resolve({ slug: 'sign-out' }),
  });
  const t1 = nowMs();
  const cleared = response.headers.getSetCookie().some((l) => /^__Host-nsa\.sid=;/.test(l) || /^__Host-nsa\.sid=[^;]*;.*Max-Age=0/i.test(l));
  return { t0, t1, status: response.status, cleared, localSignedIn: await signedIn(mode, cookie) };
}

let actor;
async function revoke(mode, id, cookie) {
  const t0 = nowMs();
  const ended = await modes[mode].run({
    nextServerContext: { request: new Request(`${origin}/sessions`, { headers: { cookie: actor.cookie } }), response: new Response(null) },
    operation: (ctx) => revokeSession(ctx, id),
  });
  const t1 = nowMs();
  return { t0, t1, ended, localSignedIn: await signedIn(mode, cookie) };
}

const sleepUntil = (at) => {
  const wait = at - nowMs();
  return wait > 0 ? new Promise((resolve) => setTimeout(resolve, wait)) : Promise.resolve();
};

/**
 * Reads each cookie once (cold: cached then; at `primeAt[i]`, an hrtime in
 * ms, when given), then reads it again on every revocation message (push
 * mode) and every `pollMs`, until it reads as signed out. `watching` resolves
 * once every cookie is primed; `done` with the times each was seen signed out.
 */
async function watch(mode, cookies, pollMs, timeoutMs, primeAt) {
  const seen = new Array(cookies.length).fill(null);
  const primed = new Array(cookies.length).fill(false);
  let left = cookies.length;
  let checking = false;
  let again = false;
  let resolveDone;
  const done = new Promise((resolve) => (resolveDone = resolve));
  async function check() {
    if (checking) {
      again = true;
      return;
    }
    checking = true;
    do {
      again = false;
      for (let i = 0; i < cookies.length; i++) {
        if (!primed[i] || seen[i] !== null) continue;
        if (!(await signedIn(mode, cookies[i]))) {
          seen[i] = nowMs();
          left--;
        }
      }
    } while (again && left > 0);
    checking = false;
    if (left === 0) resolveDone();
  }
  const hook = () => void check();
  let timer;
  for (let i = 0; i < cookies.length; i++) {
    if (primeAt) await sleepUntil(primeAt[i]);
    if (!(await signedIn(mode, cookies[i]))) throw new Error('bench worker: a watched session read as signed out before its revocation');
    primed[i] = true;
    timer ??= setInterval(hook, pollMs);
  }
  if (mode === 'push') hooks.add(hook);
  const timeout = setTimeout(resolveDone, timeoutMs);
  return {
    done: done.then(() => {
      clearInterval(timer);
      clearTimeout(timeout);
      hooks.delete(hook);
      return seen;
    }),
  };
}

process.on('message', async (msg) => {
  try {
    if (msg.type === 'signIn') {
      const out = [];
      for (const tokens of msg.tokens) out.push(await signIn(msg.mode, tokens));
      process.send({ type: 'signedIn', sessions: out });
    } else if (msg.type === 'actor') {
      actor = await signIn(msg.mode, msg.tokens);
      process.send({ type: 'actorReady' });
    } else if (msg.type === 'watch') {
      const w = await watch(msg.mode, msg.cookies, msg.pollMs, msg.timeoutMs, msg.primeAt);
      process.send({ type: 'watching' });
      process.send({ type: 'seen', seen: await w.done });
    } else if (msg.type === 'signOut') {
      process.send({ type: 'revoked', ...(await signOut(msg.mode, msg.cookie)) });
    } else if (msg.type === 'revoke') {
      process.send({ type: 'revoked', ...(await revoke(msg.mode, msg.id, msg.cookie)) });
    } else if (msg.type === 'signOutAt') {
      // Each sign-out at its own time (hrtime ms), in time order.
      const items = msg.items.map((item, i) => ({ ...item, i })).sort((a, b) => a.at - b.at);
      const results = new Array(items.length);
      for (const item of items) {
        await sleepUntil(item.at);
        results[item.i] = await signOut(msg.mode, item.cookie);
      }
      process.send({ type: 'revokedAll', results });
    } else if (msg.type === 'stats') {
      process.send({ type: 'stats', revocationCalls, push: modes.push.runtime.serverCodec.stats(), down: modes.down.runtime.serverCodec.stats() });
    } else if (msg.type === 'exit') {
      await Promise.all(Object.values(modes).map((m) => m.runtime.serverCodec.close()));
      await store.close().catch(() => {});
      process.exit(0);
    }
  } catch (err) {
    process.send({ type: 'error', message: String(err?.stack ?? err) });
  }
});
// The bench went away (crashed): so does this instance.
process.on('disconnect', () => process.exit(0));
process.send({ type: 'up' });
