// One app instance of bench/store-storm.mjs: a separate Node process (its own
// session cache and refresher memory, as a separate server has) running
// createServerRunner twice from the built dist: once store-less, once with the
// shared Redis store. The bench sends it storms over IPC; it answers each
// request of a storm through runWithServerContext with a route-handler
// context ({ request, response }) and reports per-request latency and outcome.
import { performance } from 'node:perf_hooks';
import { createServerRunner } from '../dist/index.js';
import { fetchAuthSession } from '../dist/server.js';
import { createRedisStore } from '../dist/redis/index.js';

const { issuer, clientId, secret, origin, redisUrl, prefix } = JSON.parse(process.argv[2]);
let unavailable = 0;
const store = createRedisStore({ url: redisUrl, prefix });
const make = (withStore) =>
  createServerRunner({
    config: { oidc: { issuer, clientId, flavor: 'cognito' } },
    runtimeOptions: {
      secret,
      origin,
      ...(withStore ? { store, events: { storeUnavailable: () => void unavailable++ } } : {}),
    },
  });
const runners = { none: make(false), store: make(true) };

async function request(mode, cookie) {
  const response = new Response(null);
  const t0 = performance.now();
  try {
    const session = await runners[mode].runWithServerContext({
      nextServerContext: { request: new Request(`${origin}/api/me`, { headers: { cookie } }), response },
      operation: (ctx) => fetchAuthSession(ctx),
    });
    const ms = performance.now() - t0;
    const ok = session.tokens?.idToken.payload.email === 'alice@example.com' && session.tokens.accessToken.payload.exp * 1000 > Date.now();
    const lines = response.headers.getSetCookie().filter((l) => /^nsa\.session(\.\d+)?=[^;]/.test(l) && !/Max-Age=0/.test(l));
    return { ms, ok, cookie: ok ? lines.map((l) => l.split(';')[0]).join('; ') : undefined };
  } catch (err) {
    return { ms: performance.now() - t0, ok: false, threw: String(err?.code ?? err?.name ?? err) };
  }
}

let pending;
process.on('message', async (msg) => {
  if (msg.type === 'prepare') {
    // Discovery and JWKS once per runner, before timing, as a warm server has them; the store connected.
    await runners[msg.mode].runWithServerContext({
      nextServerContext: { request: new Request(`${origin}/`), response: new Response(null) },
      operation: (ctx) => fetchAuthSession(ctx),
    });
    if (msg.mode === 'store') await store.get('bench-warm-up').catch(() => {});
    pending = msg;
    process.send({ type: 'ready' });
  } else if (msg.type === 'go') {
    const { mode, cookie, count } = pending;
    unavailable = 0;
    const results = await Promise.all(Array.from({ length: count }, () => request(mode, cookie)));
    process.send({
      type: 'done',
      latencies: results.map((r) => r.ms),
      ok: results.filter((r) => r.ok).length,
      threw: results.filter((r) => r.threw).map((r) => r.threw),
      newCookie: results.find((r) => r.cookie)?.cookie,
      storeUnavailable: unavailable,
    });
  } else if (msg.type === 'exit') {
    await store.close().catch(() => {});
    process.exit(0);
  }
});
process.send({ type: 'up' });
