// Renders bench/RESULTS.md from the raw results (bench/results.json).
import { median } from './lib/measure.mjs';

const us = (v) => (v < 10 ? v.toFixed(2) : v < 100 ? v.toFixed(1) : v.toFixed(0));
const x = (v) => `${v < 10 ? v.toFixed(2) : v.toFixed(1)}×`;
const pct = (v) => `${(v * 100).toFixed(1)} %`;
const verdict = (ok) => (ok ? '**met**' : '**missed**');

const CASES = [
  ['nsa.warm', 'next-server-auth, warm: `fetchAuthSession` in a `{ cookies }` context, cookie value seen before (cache hit); includes building Next’s `cookies()` object'],
  ['nsa.cold', 'next-server-auth, cold: same, first time this process sees the cookie value (format check + unseal + decode + claims check), `session.verifySignatures: \'never\'` (the seal alone, as before issue 8)'],
  ['nsa.warm.verifyOnce', 'warm, `session.verifySignatures: \'once\'` (the default): still a cache hit'],
  ['nsa.cold.verifyOnce', 'cold, `session.verifySignatures: \'once\'` (the default): + the 2 jose RS256 verifications (cached JWKS) before the value is cached'],
  ['nsa.warm.verifyOnRead', 'warm, `session.verifySignatures: \'always\'` (+ 2 jose RS256 verifications per read)'],
  ['nsa.cold.verifyOnRead', 'cold, `session.verifySignatures: \'always\'`'],
  ['nsa.warm.libraryOnly', 'warm, Next’s `cookies()` object built once: the library’s share of a warm read'],
  ['nsa.guard.warm', 'the guard (`createAuthGuard`, proxy.ts) letting a signed-in request through, warm; Next’s `NextRequest` prebuilt (Next builds it with or without the guard)'],
  ['nsa.cacheLookup', 'the session-cache lookup alone, part of every warm read (indexed by the seal’s last 48 chars, its HMAC; confirmed chunk by chunk)'],
  ['former.wholeValueLookup', 'for comparison, the lookup this replaced (commit 951e46b): a `Map` keyed by the whole value, the chunks joined into a new ~5.6 KB string that V8 flattens and hashes per request'],
  ['next.cookiesObject', 'Next.js alone: `RequestCookiesAdapter.seal(new RequestCookies(HeadersAdapter.from(nodeHeaders)))` + `getAll()`, what `cookies()` costs per request for this Cookie header (built as Next’s request store builds it)'],
  ['next.cookiesObject.webHeaders', 'the same over `new Headers({ cookie })` as the unit tests build it (a WHATWG `Headers` validates the value: dearer)'],
  ['iron.unsealData', 'baseline: iron-session `unsealData` alone, the same sealed values'],
  ['jose.jwtVerify', 'baseline: one jose `jwtVerify` (RS256, the ID token, key preloaded)'],
  ['amplify.perRequest', 'baseline: Amplify’s adapter per request: `cookie` parse + aws-jwt-verify `CognitoJwtVerifier` on the access and the ID token (JWKS via `cacheJwks`)'],
  ['authjs.decode', 'baseline: Auth.js `@auth/core/jwt` `decode` of a session JWT holding the same tokens'],
  ['authjs.decodeAndReencode', 'baseline: Auth.js `decode` + `encode` (a session read that re-issues the cookie)'],
];

function aggregatePart1(part1) {
  const { runs } = part1;
  const cases = {};
  for (const [name] of CASES) {
    const values = runs.map((r) => r.cases[name]?.medianUs).filter((v) => v !== undefined);
    if (values.length === 0) continue;
    cases[name] = { median: median(values), min: Math.min(...values), max: Math.max(...values) };
  }
  const ratio = (a, b) => median(runs.map((r) => r.cases[a].medianUs / r.cases[b].medianUs));
  return {
    cases,
    ratios: {
      coldOverUnseal: ratio('nsa.cold', 'iron.unsealData'),
      unsealOverJose: ratio('iron.unsealData', 'jose.jwtVerify'),
      authjsOverJose: ratio('authjs.decode', 'jose.jwtVerify'),
      authjsReencodeOverJose: ratio('authjs.decodeAndReencode', 'jose.jwtVerify'),
      amplifyOverJose: ratio('amplify.perRequest', 'jose.jwtVerify'),
      amplifyOverWarm: ratio('amplify.perRequest', 'nsa.warm'),
      coldOverAmplify: ratio('nsa.cold', 'amplify.perRequest'),
    },
    perJose: (name) => median(runs.map((r) => r.cases[name].medianUs / r.cases['jose.jwtVerify'].medianUs)),
    ratio,
  };
}

function renderPart1(part1) {
  const a = aggregatePart1(part1);
  const first = part1.runs[0];
  const c = a.cases;
  const t = first.tokenSizes;
  const ck = first.cookie;
  const warmFull = c['nsa.warm'].median;
  const warmLib = c['nsa.warm.libraryOnly'].median;
  const lookup = c['nsa.cacheLookup'].median;
  const former = c['former.wholeValueLookup']?.median;
  const lines = [];
  lines.push('## Part 1 — per-request session read (issue 2)', '');
  lines.push(
    `One process per run, ${part1.runs.length} runs (separate processes); in each run every case is measured in ` +
      `${first.settings.rounds} interleaved rounds of ~${first.settings.sampleMs} ms batches after a warm-up, and the case's ` +
      'result is the median of its rounds. The table gives the median of the runs’ medians and the range of the runs’ medians. ' +
      `Run at ${part1.date} (load average before ${part1.load.before.join(' / ')}, after ${part1.load.after.join(' / ')}).`,
    '',
  );
  lines.push(
    `**Tokens** (jose, RS256, 2048-bit key, Cognito claims): ID token ${t.idToken} B, access token ${t.accessToken} B, ` +
      `refresh token ${t.refreshToken} B (opaque 5-part JWE-shaped string); ${ck.rawTokenBytes} B raw.`,
    '',
  );
  lines.push('**Cookie size** (https origin, so the name is `__Host-nsa.session`):', '');
  lines.push('| | bytes |', '|---|---:|');
  lines.push(`| sealed value (iron-session) | ${ck.sealedBytes} |`);
  lines.push(`| Set-Cookie lines: ${ck.chunks} chunks (${ck.names.map((n) => `\`${n}\``).join(', ')}), sum of line lengths | ${ck.setCookieBytes} (${ck.setCookieLineBytes.join(' + ')}) |`);
  lines.push(`| Cookie request header the browser sends back | ${ck.cookieHeaderBytes} |`);
  lines.push(`| for comparison: Amplify’s plain token cookies, Cookie header | ${first.amplifyCookieHeaderBytes} |`);
  lines.push(`| for comparison: Auth.js session JWE holding the same tokens (before its own chunking) | ${first.authjsTokenBytes} |`);
  lines.push('');
  lines.push('| case | median µs | runs’ range µs | × one jose RS256 verify |', '|---|---:|---:|---:|');
  for (const [name, label] of CASES) {
    if (!c[name]) continue;
    lines.push(`| ${label} | **${us(c[name].median)}** | ${us(c[name].min)}–${us(c[name].max)} | ${x(a.perJose(name))} |`);
  }
  lines.push('');
  lines.push(
    `The verifying runtimes got their JWKS from a stubbed \`fetch\` before timing (${first.jwksFetches.beforeTiming} fetches, one per runtime); ` +
      `fetches during timing: ${first.jwksFetches.duringTiming} (the stub refuses them). Cold reads used ` +
      `${first.coldReadsUsed.cold} distinct sealed values per run (each seal differs: random IV and salt), so none hit the cache.`,
    '',
  );
  lines.push('### Targets', '');
  lines.push('| target | measured | |', '|---|---|---|');
  lines.push(`| warm read ≤ 10 µs, as Next does it (\`cookies()\` object built per request, ${us(c['next.cookiesObject'].median)} µs of it Next’s parse) | ${us(warmFull)} µs | ${verdict(warmFull <= 10)} |`);
  lines.push(`| warm read ≤ 10 µs, the library’s share (\`cookies()\` object prebuilt) | ${us(warmLib)} µs | ${verdict(warmLib <= 10)} |`);
  lines.push(`| cold read ≤ 1.2 × iron-session \`unsealData\` alone | ${x(a.ratios.coldOverUnseal)} (${us(c['nsa.cold'].median)} vs ${us(c['iron.unsealData'].median)} µs) | ${verdict(a.ratios.coldOverUnseal <= 1.2)} |`);
  lines.push('');
  lines.push('### What the numbers say', '');
  lines.push(
    `- **Cold.** A first read costs ${x(a.ratios.coldOverUnseal)} \`unsealData\`: the unseal is nearly all of it; Next’s cookie parsing, the cache lookup, decoding the two JWTs and the claims check make up the rest. ` +
      `It is ${x(a.ratios.coldOverAmplify)} Amplify’s per-request check, paid once per process per new cookie value (sign-in, refresh, a new server instance).`,
  );
  lines.push(
    `- **Warm.** The steady state of a signed-in user costs ${us(warmFull)} µs. Of that, ${us(c['next.cookiesObject'].median)} µs is Next.js parsing the ` +
      `${ck.cookieHeaderBytes}-byte Cookie header into its \`cookies()\` object (it splits the header and \`decodeURIComponent\`s every value): any reader ` +
      `of these cookies pays it, and it grows with the cookie. The library’s own share is ${us(warmLib)} µs: the context bookkeeping (handle, cookie store ` +
      `over \`cookies()\`, finding the chunks) and the cache lookup. The whole warm read is ${x(a.ratios.amplifyOverWarm)} cheaper than Amplify’s ` +
      'per-request verification of the same tokens.',
  );
  lines.push(
    `- **The cache lookup.** Indexed by the seal’s HMAC tail and confirmed chunk by chunk, it costs ${us(lookup)} µs` +
      (former === undefined
        ? '.'
        : `; keyed by the whole cookie value, as before commit 951e46b, it costs ${us(former)} µs in this same run, because each request’s joined ` +
          '~5.6 KB string is new and V8 flattens and hashes all of it.'),
  );
  if (c['nsa.cold.verifyOnce']) {
    const once = c['nsa.cold.verifyOnce'].median;
    const never = c['nsa.cold'].median;
    lines.push(
      `- **verifySignatures: 'once' (the default since issue 8)** checks both tokens' signatures (jose, cached JWKS) on the first read of a cookie value, before it is cached: ` +
        `a cold read costs ${us(once)} µs against ${us(never)} µs with the seal alone (+${us(once - never)} µs, about two jose verifications of ${us(c['jose.jwtVerify'].median)} µs; ` +
        `the runs' own ratios have a median of ${x(a.ratio('nsa.cold.verifyOnce', 'nsa.cold'))}), ` +
        `paid once per process per new cookie value (sign-in, refresh, a new instance); a warm read stays a cache hit (${us(c['nsa.warm.verifyOnce'].median)} µs vs ${us(warmFull)} µs). ` +
        'That buys a session that `AUTH_SECRET` alone cannot mint: forging one also takes the IdP\'s signing key. Hence the default. ' +
        'Expired but genuine tokens still read (their signature, `iss` and audience are checked, `exp` means "refresh me"); a JWKS that cannot be fetched ' +
        'signs nobody out: the seal authenticates that read and the value is checked again 30 s later.',
    );
  }
  lines.push(
    `- **verifySignatures: 'always'** (formerly \`verifyOnRead\`) adds two jose RS256 verifications to every read: ${us(c['nsa.warm.verifyOnRead'].median)} µs warm, ${us(c['nsa.cold.verifyOnRead'].median)} µs cold.`,
  );
  lines.push(
    `- **Baselines, relative to one jose RS256 verification (${us(c['jose.jwtVerify'].median)} µs):** iron-session \`unsealData\` ${x(a.ratios.unsealOverJose)}, ` +
      `Auth.js \`decode\` ${x(a.ratios.authjsOverJose)} (${x(a.ratios.authjsReencodeOverJose)} with the re-encode), Amplify’s per-request check ` +
      `${x(a.ratios.amplifyOverJose)} (aws-jwt-verify uses Node’s synchronous \`crypto.verify\`, jose 6 the asynchronous WebCrypto API, which costs more per call here).`,
  );
  lines.push('');
  return lines.join('\n');
}

function renderPart2(part2, part1, control) {
  const lines = [];
  const s = part2.settings;
  lines.push('## Part 2 — guard load test (issue 3)', '');
  lines.push(
    '`next start` of the example app (one production build; each copy started by `scripts/start.mjs` with its own dev IdP), ' +
      `load from autocannon in the bench process: ${s.connections} keep-alive connections, GET \`/dashboard\` (a server component that reads the session) ` +
      `with a valid session. For each of ${s.pairs} pairs of ${s.duration} s windows per session, ` +
      (part2.guardOff === 'copy' ? 'the two builds (guard on, guard off) are started side by side ' : 'two copies of the same build are started side by side ') +
      `on :${s.ports.join(' and :')}, one with the guard and one without, the ports swapped from pair to pair; only one copy is under load at a time, ` +
      `after ${s.warmup} s of warm-up per copy and session. The guard goes first in odd pairs and last in even ones (the sessions’ order alternates too). ` +
      'The table gives the median over the windows. ' +
      `Run at ${part2.date} (load average before ${part2.load.before.join(' / ')}, after ${part2.load.after.join(' / ')}).`,
    '',
  );
  lines.push(
    (part2.guardOff === 'copy'
      ? '"Guard off" is a bench-only copy of the example app (`.bench/guard-off/`, made by `bench/guard-load.mjs`; the example app itself has no ' +
        'switch that turns its guard off) whose `proxy.ts` returns `NextResponse.next()` for every request, with the same matcher. '
      : '"Guard off" is the same build started with `BENCH_DISABLE_GUARD=1` (a switch since removed from the example app): `example-app/proxy.ts` then returns ' +
        '`NextResponse.next()` for every request instead of running the guard. ') +
      'Next still invokes the proxy (its dispatch cost is in both variants) and the page still reads ' +
      'the session itself, so the difference is the guard’s own work: its session read (a cache hit in steady state), rule matching and the ' +
      'response that lets the request through.',
    '',
  );
  lines.push(
    '| session | Cookie header bytes | guard | req/s: median (each window) | p50 ms | p99 ms | app CPU µs per request: median (each window) |',
    '|---|---:|---|---:|---:|---:|---:|',
  );
  const list = (values, digits) => values.map((n) => (n === undefined ? '–' : n.toFixed(digits))).join(', ');
  for (const v of Object.values(part2.summary)) {
    for (const variant of ['on', 'off']) {
      const r = v[variant];
      const first = variant === 'on';
      const cpu = r.cpuUsPerRequest === undefined ? 'n/a' : `**${r.cpuUsPerRequest.toFixed(0)}** (${list(r.cpuRuns, 0)})`;
      lines.push(
        `| ${first ? v.label : ''} | ${first ? v.cookieBytes : ''} | ${variant} | **${r.rps.toFixed(0)}** (${list(r.runs, 0)}) | ${r.p50} | ${r.p99} | ${cpu} |`,
      );
    }
  }
  lines.push('');
  lines.push(
    '“App CPU” is the CPU time (user + system) of the app’s process tree (start.mjs, `next start`, next-server, the idle dev IdP) during the window, ' +
      'divided by the requests served: what a request costs the server, which other jobs on the machine disturb less than they disturb req/s ' +
      '(not entirely: see the A/A control). Latencies are whole milliseconds (autocannon’s resolution).',
    '',
  );
  lines.push('### Target', '');
  lines.push(
    '| target: the guard costs < 10 % of throughput | by req/s (medians) | by req/s (median of the pairs) | by app CPU per request | |',
    '|---|---:|---:|---:|---|',
  );
  for (const v of Object.values(part2.summary)) {
    const byCpu = v.cpuThroughputCost === undefined ? 'n/a' : pct(v.cpuThroughputCost);
    const decisive = v.throughputCost;
    // How far apart windows of the same variant are, relative to their median.
    const noise = Math.max(...['on', 'off'].map((k) => (Math.max(...v[k].runs) - Math.min(...v[k].runs)) / v[k].rps));
    const result = decisive < 0.1 ? verdict(true) : noise >= decisive ? `**inconclusive** (windows of one variant differ by ${pct(noise)})` : verdict(false);
    lines.push(`| ${v.label} | ${pct(v.throughputCost)} | ${pct(v.medianPairCost)} | ${byCpu} | ${result} |`);
  }
  lines.push('');
  lines.push(
    'The verdict is on req/s, as the target is stated; it says *inconclusive* when windows of one variant differ by more than the cost found. ' +
      'The CPU column is the same comparison made on CPU per request (cost = 1 − CPU(off) / CPU(on): the throughput of a CPU-bound server is ' +
      'inversely proportional to it), which other jobs on the machine disturb less. A negative cost means the guard-on windows happened to do better: noise.',
    '',
  );
  lines.push('### What the numbers say', '');
  const cognito = part2.summary.cognitoSized;
  const spread = (r) => (Math.max(...r.runs) - Math.min(...r.runs)) / r.rps;
  lines.push(
    `- Windows of the same variant differ by up to ${pct(Math.max(...Object.values(part2.summary).flatMap((v) => [spread(v.on), spread(v.off)])))} of their median, ` +
      'so differences of a few percent between the variants are within the noise of this (shared, 2-core) machine: the load generator, both servers and other jobs share the cores.',
  );
  if (control) {
    const floor = Math.max(...Object.values(control.summary).flatMap((v) => [v.throughputCost, v.medianPairCost, v.cpuThroughputCost ?? 0].map(Math.abs)));
    lines.push(
      `- The A/A control below (no guard in either copy) finds “costs” of up to ${pct(floor)}: that is the noise floor of this load test here, ` +
        'so the guard’s cost it measures is below 10 % only within that margin.',
    );
  }
  const guardValues = part1 ? part1.runs.map((r) => r.cases['nsa.guard.warm']?.medianUs).filter((v) => v !== undefined) : [];
  const guardUs = guardValues.length > 0 ? median(guardValues) : undefined;
  if (guardUs !== undefined && cognito) {
    const perRequestUs = 1e6 / cognito.off.rps;
    lines.push(
      `- Part 1 times the guard’s own work at ${us(guardUs)} µs per request (warm, Cognito-sized session). At ${cognito.off.rps.toFixed(0)} req/s without the guard, ` +
        `a request costs ~${us(perRequestUs)} µs of wall time on the server${cognito.off.cpuUsPerRequest === undefined ? '' : ` (${cognito.off.cpuUsPerRequest.toFixed(0)} µs of CPU)`}, ` +
        `so the guard’s work is about ${pct(guardUs / ((cognito.off.cpuUsPerRequest ?? perRequestUs) + guardUs))} of a request: far below the 10 % target, and below what this load test can resolve.`,
    );
  }
  lines.push('');
  return lines.join('\n');
}

function renderControl(control) {
  const lines = ['### A/A control: the load test’s noise floor', ''];
  lines.push(
    `\`npm run bench -- --part 2 --control\` runs the same procedure with the guard off in **both** copies, so any “cost” it finds is noise. ` +
      `Run at ${control.date} (load average before ${control.load.before.join(' / ')}, after ${control.load.after.join(' / ')}).`,
    '',
  );
  lines.push('| session | “cost” by req/s (medians) | by req/s (median of the pairs) | by app CPU per request |', '|---|---:|---:|---:|');
  for (const v of Object.values(control.summary)) {
    lines.push(`| ${v.label} | ${pct(v.throughputCost)} | ${pct(v.medianPairCost)} | ${v.cpuThroughputCost === undefined ? 'n/a' : pct(v.cpuThroughputCost)} |`);
  }
  lines.push('');
  return lines.join('\n');
}

function renderPart3(part3) {
  const lines = [];
  lines.push('## Part 3 — refresh storm (issue 4)', '');
  lines.push(
    `N requests carrying the same expired session at once, in one process, through \`runWithServerContext\` with route-handler contexts ` +
      `(\`Request\`/\`Response\`: each request writes the refreshed cookie back), against the real dev IdP with refresh-token rotation on ` +
      `(reusing a rotated token revokes the whole grant). Access tokens live ${part3.ttlSeconds} s; each storm signs in afresh, waits for expiry, ` +
      `and uses a fresh runtime (no grace mapping carried over). ${part3.results[0]?.storms ?? 0} storms per size; latency is per request, from start to its session, ` +
      `over all storms of a size. Run at ${part3.date} (load average before ${part3.load.before.join(' / ')}, after ${part3.load.after.join(' / ')}).`,
    '',
  );
  lines.push('| concurrent requests | token-endpoint calls per storm | signed in after the storm | p50 ms | p99 ms | max ms |', '|---:|---|---|---:|---:|---:|');
  for (const r of part3.results) {
    lines.push(`| ${r.size} | ${r.tokenCalls.join(', ')} | ${r.signedIn.map((n) => `${n}/${r.size}`).join(', ')} | ${r.p50Ms} | ${r.p99Ms} | ${r.maxMs} |`);
  }
  const allOne = part3.results.every((r) => r.tokenCalls.every((n) => n === 1));
  lines.push('', '### Target', '', '| target | measured | |', '|---|---|---|');
  lines.push(`| one token-endpoint call per storm, at every size | ${allOne ? 'one in every storm' : 'more than one in some storm'} | ${allOne ? '**met**' : '**missed**'} |`);
  lines.push(
    '',
    'The latency is the one IdP round trip (refresh + verification of the new tokens) plus, per request, a context, the claims check and writing the cookie; ' +
      'the refreshed token set is sealed once and the first unseal of the incoming cookie is shared, so a larger storm adds little per request. ' +
      'The e2e suite runs the same storm (50 requests) against `next start` and asserts one call.',
    '',
  );
  return lines.join('\n');
}

function renderPart4(part4) {
  const mib = (b) => `${(b / 2 ** 20).toFixed(2)} MiB`;
  const { after, before } = part4;
  const lines = ['## Part 4 — session-cache inflation (issue 8)', ''];
  lines.push(
    `One process (\`node --expose-gc bench/cache-inflation.mjs\`). ${after.others} other users' sessions are read once (so cached); then one attacker holding ` +
      `ONE valid session cookie sends ${after.variants} distinct hostile variants of it (average Cookie header ${after.averageVariantCookieHeaderBytes} B), ` +
      'each read by the sealed codec as a request would be: trailing data after the seal (`…~2~junk`), junk glued to the version (`…~2x…`, which ' +
      '`parseInt` reads as 2), an extra chunk, and the same bytes re-split at other chunk boundaries. Heap is `heapUsed` after forced GCs, before and after the attack. ' +
      `The cache runs with the runner's defaults (${after.cacheOptions.entries} entries${after.cacheOptions.bytes ? `, ${mib(after.cacheOptions.bytes)}` : ''}). Run at ${part4.date}.`,
    '',
  );
  lines.push('| | read as signed in | cache entries before → after | other users still cached | heap retained by the attack |', '|---|---:|---:|---:|---:|');
  const row = (label, r) =>
    `| ${label} | ${r.readAsSignedIn}/${r.variants} | ${r.cacheEntries.before} → ${r.cacheEntries.after} | ${r.othersStillCached}/${r.others} | ${mib(r.heapUsed.retained)} |`;
  if (before) lines.push(row('before the fix (session code of 8e7d130: seals split on `~`, cache indexed by the last 48 characters)', before));
  lines.push(row('this build (exact seal format and chunk layout checked before unsealing; cache keyed by the whole HMAC, bounded by bytes)', after));
  lines.push('');
  lines.push('| by kind of variant | sent | read as signed in' + (before ? ' (before the fix)' : '') + ' |', '|---|---:|---:|');
  for (const k of after.kinds) {
    const b = before?.kinds.find((x) => x.label === k.label);
    lines.push(`| ${k.label} | ${k.sent} | ${k.readAsSignedIn}${b ? ` (${b.readAsSignedIn})` : ''} |`);
  }
  lines.push('', '### Target', '', '| target | measured | |', '|---|---|---|');
  lines.push(
    `| ${after.variants} hostile variants from one account retain < ${mib(after.heapBoundBytes)} of heap, and other users' entries survive | ` +
      `${mib(after.heapUsed.retained)}; ${after.othersStillCached}/${after.others} still cached | ${verdict(after.withinBound && after.othersStillCached === after.others)} |`,
  );
  lines.push('');
  if (after.bytesPerCachedSession) {
    lines.push(
      `One cached Cognito-sized session costs ${after.bytesPerCachedSession.measured} B of heap here (its cookie strings are slices of the request header, which ` +
        `this bench keeps anyway); the cache counts a conservative ${after.bytesPerCachedSession.estimated} B against \`session.cacheBytes\`.`,
      '',
    );
  }
  return lines.join('\n');
}

function renderPart5(part5) {
  const signed = (v) => `${v >= 0 ? '+' : '−'}${Math.abs(v).toFixed(2)}`;
  const lines = ['## Part 5 — refresh storm across instances, with and without a Redis store (issue 10)', ''];
  const sizes = [...new Set(part5.storms.map((r) => r.size))];
  const storms = part5.storms[0]?.storms ?? 0;
  lines.push(
    'One browser’s expired session hits the app’s instances at once. Each instance is a separate Node process (`bench/store-storm-worker.mjs`: ' +
      '`createServerRunner` from `dist/`, its own session cache and refresher memory, as a separate server has) answering route-handler requests ' +
      '(`Request`/`Response`) through `runWithServerContext`; the requests of a storm are split evenly over the instances. “Redis store” is ' +
      `\`runtimeOptions.store: createRedisStore({ url })\` on one Debian \`redis-server\` ${part5.redis ?? ''} started by the bench on a free loopback port. ` +
      `The dev IdP rotates refresh tokens strictly: reusing a rotated-out token revokes the whole grant. Access tokens live ${part5.ttlSeconds} s; ` +
      `each storm signs in afresh and waits for expiry; ${storms} storms per configuration and size, the configurations interleaved storm by storm. ` +
      'A session is **lost** when any request of its storm ended signed out, or its grant is revoked afterwards (checked by a forced refresh of a cookie ' +
      'the storm handed out, after the storm’s calls were counted). Each configuration first runs one uncounted storm (JIT, connections). Latency is per request, in its instance, from start to its session, over all storms. ' +
      `Run at ${part5.date} (load average before ${part5.load.before.join(' / ')}, after ${part5.load.after.join(' / ')}).`,
    '',
  );
  lines.push(
    '| requests | configuration | token-endpoint calls per storm | signed in after each storm | grant alive after | sessions lost | p50 ms | p99 ms | max ms |',
    '|---:|---|---|---|---|---:|---:|---:|---:|',
  );
  for (const r of part5.storms) {
    lines.push(
      `| ${r.size} | ${r.label} | ${r.tokenCalls.join(', ')} | ${r.signedIn.map((n) => `${n}/${r.size}`).join(', ')} | ` +
        `${r.grantAlive.filter(Boolean).length}/${r.grantAlive.length} | **${r.sessionsLost}/${r.storms}** | ${r.p50Ms} | ${r.p99Ms} | ${r.maxMs} |`,
    );
  }
  const extra = part5.storms.filter((r) => r.threw || r.storeUnavailable);
  lines.push('');
  lines.push(
    extra.length === 0
      ? 'No request threw (no 500) in any configuration; no `storeUnavailable` event.'
      : extra.map((r) => `${r.size} requests, ${r.label}: ${r.threw} request(s) threw, ${r.storeUnavailable} storeUnavailable event(s).`).join(' '),
    '',
  );
  const w = part5.warm;
  lines.push('### Warm read with a store configured', '');
  lines.push(
    'This process, one signed-in cookie (not expired), two runtimes that differ only in `runtimeOptions.store` (the same Redis, through a proxy that ' +
      'counts every call); `fetchAuthSession` in a `{ cookies }` context with Next’s `cookies()` object built per request (as Part 1’s warm case). ' +
      `The two cases are interleaved in ${w.rounds} rounds of ~40 ms batches after a warm-up; each case's result is the median of its rounds.`,
    '',
  );
  lines.push('| case | median µs | p25–p75 µs |', '|---|---:|---:|');
  lines.push(`| warm read, no store | **${us(w.noStoreUs.medianUs)}** | ${us(w.noStoreUs.p25Us)}–${us(w.noStoreUs.p75Us)} |`);
  lines.push(`| warm read, Redis store configured | **${us(w.storeUs.medianUs)}** | ${us(w.storeUs.p25Us)}–${us(w.storeUs.p75Us)} |`);
  lines.push('', `Store calls during the timed warm reads: **${w.storeCalls}**.`, '');
  const by = (pred) => part5.storms.filter(pred);
  const three = by((r) => r.instances === 3 && r.mode === 'store');
  const threeNone = by((r) => r.instances === 3 && r.mode === 'none');
  const oneCall = three.every((r) => r.tokenCalls.every((n) => n === 1));
  const noneLost = three.every((r) => r.sessionsLost === 0);
  const raceShown = threeNone.some((r) => r.sessionsLost > 0 && r.tokenCalls.some((n) => n > 1));
  lines.push('### Targets', '');
  lines.push('| target | measured | |', '|---|---|---|');
  lines.push(
    `| 3 instances with one store: one token-endpoint call per storm, no session lost | ${three.map((r) => `${r.size} requests: calls ${r.tokenCalls.join(', ')}; lost ${r.sessionsLost}/${r.storms}`).join('; ')} | ${verdict(oneCall && noneLost)} |`,
  );
  lines.push(
    `| the store-less baseline shows the race (3 instances: > 1 call, sessions lost) | ${threeNone.map((r) => `${r.size} requests: calls ${r.tokenCalls.join(', ')}; lost ${r.sessionsLost}/${r.storms}`).join('; ')} | ${raceShown ? '**shown**' : '**not shown**'} |`,
  );
  lines.push(
    `| warm read with a store ≤ 1.10 × the store-less warm read, no store round trip | ${w.ratio.toFixed(3)}× (${us(w.storeUs.medianUs)} vs ${us(w.noStoreUs.medianUs)} µs); ${w.storeCalls} store calls | ${verdict(w.ratio <= 1.1 && w.storeCalls === 0)} |`,
  );
  lines.push('');
  lines.push('### What the numbers say', '');
  for (const size of sizes) {
    const get = (mode, n) => part5.storms.find((r) => r.size === size && r.mode === mode && r.instances === n);
    const base = get('none', 1);
    const coord = get('store', 3);
    const one = get('store', 1);
    const race = get('none', 3);
    if (!base || !coord) continue;
    lines.push(
      `- **${size} requests.** Without a store, 3 instances each refresh with the same refresh token (${race ? race.tokenCalls.join(', ') : '?'} IdP calls per storm): ` +
        `the first rotates it, the others present the rotated-out token and the IdP revokes the grant, so ${race ? `${race.sessionsLost}/${race.storms}` : '?'} sessions are lost. ` +
        `With one Redis store the same storm makes ${coord.tokenCalls.join(', ')} call(s) and loses ${coord.sessionsLost}. ` +
        `Coordinated latency across 3 instances: p50 ${coord.p50Ms} ms, p99 ${coord.p99Ms} ms, against p50 ${base.p50Ms} ms, p99 ${base.p99Ms} ms for one instance without a store ` +
        `(${signed(coord.p50Ms - base.p50Ms)} ms p50, ${signed(coord.p99Ms - base.p99Ms)} ms p99)` +
        (one ? `; one instance with the store: p50 ${one.p50Ms} ms, p99 ${one.p99Ms} ms (the lock, the sealed result written and published, the waiters' read).` : '.'),
    );
  }
  lines.push(
    '- **Reading the latencies.** A waiter on another instance subscribes to the token\'s channel and polls the result every 50 ms until it is there ' +
      '(a message only shortens the wait), then unseals it: that is the coordinated refresh\'s extra cost over one process\'s in-memory single-flight. ' +
      'With many requests per storm, CPU dominates: one instance does all of a storm\'s contexts, cookie writes and claims checks itself, three instances ' +
      'share them over the machine\'s cores, so at the larger size 3 instances can answer sooner than 1 despite the coordination. The smaller storm isolates the coordination cost best.',
  );
  lines.push(
    `- **Warm read.** A session that needs no refresh never touches the store (${w.storeCalls} calls): the warm read with a store configured costs ${w.ratio.toFixed(3)}× the store-less one in this run (the same code path: a store only changes what happens once a refresh is due).`,
  );
  lines.push('');
  return lines.join('\n');
}

const PART6_CASES = [
  ['server.warm', 'server mode, warm: `fetchAuthSession` in a `{ cookies }` context, Next’s `cookies()` object built per request (as Part 1’s warm case), cookie value seen before (cache hit)'],
  ['sealed.warm', 'sealed cookie (the default), warm: the same'],
  ['server.warm.libraryOnly', 'server mode, warm, `cookies()` object prebuilt: the library’s share'],
  ['sealed.warm.libraryOnly', 'sealed cookie, warm, `cookies()` object prebuilt: the library’s share'],
  ['next.cookiesObject.server', 'Next.js alone: building `cookies()` + `getAll()` for the server-mode Cookie header'],
  ['next.cookiesObject.sealed', 'Next.js alone: the same for the sealed cookie’s Cookie header'],
  ['server.cold', 'server mode, cold (first read of this cookie value in this process), `verifySignatures: \'never\'`: id HMAC check + SHA-256 + one Redis `GET` + unseal of the record + decode + claims check'],
  ['server.cold.noLastSeen', 'for comparison: the same server-mode cold read with the last-seen write (`seen:<hash>`, sent without waiting on every cold read) dropped by a store wrapper'],
  ['sealed.cold', 'sealed cookie, cold, `verifySignatures: \'never\'`: unseal of the cookie + decode + claims check'],
  ['server.cold.verifyOnce', 'server mode, cold, `verifySignatures: \'once\'` (the default): + the 2 jose RS256 verifications'],
  ['sealed.cold.verifyOnce', 'sealed cookie, cold, `verifySignatures: \'once\'` (the default)'],
  ['sealed.cold.verifyOnce.store', 'sealed cookie with the Redis store configured, cold, `\'once\'`: + the revocation cut-off check in the store (sign out everywhere / back-channel logout for cookie sessions)'],
  ['server.idCheck', 'the session-id cookie alone: HMAC-SHA-256 verify (WebCrypto) + SHA-256 of the id (the store key)'],
  ['redis.get', 'one `GET` of a session record (≈ record size) through the store, loopback Redis: the round trip'],
  ['iron.unseal.record', 'iron-session `unsealData` of a session record alone'],
  ['iron.unseal.cookie', 'iron-session `unsealData` of a sealed cookie value alone (Part 1’s `iron.unsealData`)'],
];

function renderPart6(part6) {
  const c = part6.micro.cases;
  const m = (name) => c[name]?.medianUs;
  const ck = part6.cookies;
  const p = part6.propagation;
  const off = p.offline;
  const lines = ['## Part 6 — server-side sessions (issue 11)', ''];
  lines.push(
    '`session.codec: \'server\'` (the browser holds one `__Host-nsa.sid` cookie, a random id with its HMAC; the tokens live in Redis, sealed) beside the ' +
      'stateless sealed cookie and Amplify’s plain token cookies, on Part 1’s Cognito-sized tokens ' +
      `(ID ${part6.tokenSizes.idToken} B, access ${part6.tokenSizes.accessToken} B, refresh ${part6.tokenSizes.refreshToken} B), an https origin and the same ` +
      `amplify_outputs.json configuration. One Debian \`redis-server\` ${part6.redis ?? ''} started by the bench on a free loopback port. ` +
      `Run at ${part6.date} (load average before ${part6.load.before.join(' / ')}, after ${part6.load.after.join(' / ')}).`,
    '',
  );
  lines.push('### Cookie bytes per request', '');
  lines.push(
    'What each codec writes at sign-in (`codec.write`, as the sign-in callback does), and the Cookie header the browser then sends with every request. ' +
      '“Amplify” is the library’s `session.codec: \'amplify\'`, which writes Amplify’s own cookie names (`CognitoIdentityServiceProvider.<client id>.…`, shortened to `….` below) and values; ' +
      'Amplify’s browser library adds two small ones (`clockDrift`, `signInDetails`, in Part 1’s Amplify header), not counted here.',
    '',
  );
  lines.push('| session | cookies | Cookie request header bytes | Set-Cookie bytes at sign-in (each line) |', '|---|---:|---:|---|');
  const row = (label, v) => `| ${label} | ${v.cookies} (${v.names.map((n) => `\`${n.replace(/^CognitoIdentityServiceProvider\.[^.]+\./, '….')}\``).join(', ')}) | **${v.cookieHeaderBytes}** | ${v.setCookieBytes} (${v.setCookieLineBytes.join(' + ')}) |`;
  lines.push(row('server mode', ck.server));
  lines.push(row('sealed cookie (the default)', ck.sealed));
  lines.push(row('Amplify’s plain token cookies', ck.amplify));
  lines.push('');
  lines.push(
    `In server mode the tokens are in Redis instead: one record of ${part6.recordBytes} B per session (sealed with the app secret: tokens, \`sub\`, created-at, user agent), ` +
      'plus small index and last-seen keys. A refresh rewrites the record under the same id, so the cookie does not change: no Set-Cookie on refresh (not measured here; src/context/serverSessions.test.ts checks it).',
    '',
  );
  lines.push('### Reads', '');
  const s = part6.micro.settings;
  lines.push(
    `One process; every case measured in ${s.rounds} interleaved rounds of ~${s.sampleMs} ms batches after a warm-up, as Part 1; the result is the median of the rounds. ` +
      'Every server-mode runtime has its own Redis client (through a proxy that counts calls) and is subscribed to the revocation push before anything is read. ' +
      `Cold cases run with \`session.cacheSize: 0\` (nothing cached, so every read is a first read) over ${s.coldPool} distinct sessions each. ` +
      `JWKS from a stubbed \`fetch\` before timing (${part6.jwksFetches.beforeTiming} fetches; during timing: ${part6.jwksFetches.duringTiming}).`,
    '',
  );
  lines.push('| case | median µs | p25–p75 µs |', '|---|---:|---:|');
  for (const [name, label] of PART6_CASES) {
    if (!c[name]) continue;
    lines.push(`| ${label} | **${us(c[name].medianUs)}** | ${us(c[name].p25Us)}–${us(c[name].p75Us)} |`);
  }
  const sc = part6.micro.storeCalls;
  lines.push('');
  lines.push(
    `Store calls during the timed warm reads: **${sc.warmReads}**. Store \`GET\`s per cold read: server mode **${sc.serverColdGetsPerRead}** ` +
      `(plus the last-seen write, never awaited); sealed cookie with a store: ${sc.sealedStoreGetsPerRead} (the cut-off keys).`,
    '',
  );
  lines.push('### Revocation propagation across 3 instances', '');
  lines.push(
    'Three instances, each a separate Node process (`bench/server-sessions-worker.mjs`: `createAuthRuntime` from `dist/` with `session.codec: \'server\'`, its own ' +
      'Redis client, session cache and subscription), one redis-server. Each revocation: instance 1 signs a new session in; instances 2 and 3 read a copy of its cookie ' +
      '(cold, then cached: a warm hit from then on) and keep reading it; instance 1 ends it, alternately by **sign-out** (`POST /api/auth/sign-out` through the route ' +
      'handlers) and by **`revokeSession`** (another session of the same user, as the “your devices” page does). The delay is from the start of that call on instance 1 ' +
      'until a read of the copy on instance 2 (or 3) returns signed out, as a request arriving then would see it. The watching instances read the copy whenever a ' +
      'message arrives on their subscription (right after the library’s own listener) and every 1 ms besides. Times are `process.hrtime` (CLOCK_MONOTONIC, one clock for ' +
      `all processes). The IdP’s token revocation (sign-out revokes the refresh token) is answered locally. ${p.perKind} revocations of each kind, after 20 uncounted ones.`,
    '',
  );
  lines.push(
    '| revoked by | revocations | signed out on instances 2 and 3 | p50 ms | p99 ms | max ms | the revoking call itself, p50 / p99 ms | signed out elsewhere after the call returned, p50 / p99 ms |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
  );
  const kindLabel = { signOut: 'sign-out (`POST /api/auth/sign-out`)', revokeSession: '`revokeSession(ctx, id)`' };
  for (const [kind, v] of Object.entries(p.kinds)) {
    lines.push(
      `| ${kindLabel[kind] ?? kind} | ${v.revocations} | ${v.signedOutEverywhere}/${v.revocations} | **${v.delay.p50Ms.toFixed(2)}** | **${v.delay.p99Ms.toFixed(2)}** | ${v.delay.maxMs.toFixed(2)} | ${v.call.p50Ms.toFixed(2)} / ${v.call.p99Ms.toFixed(2)} | ${v.afterCall.p50Ms.toFixed(2)} / ${v.afterCall.p99Ms.toFixed(2)} |`,
    );
  }
  lines.push(`| all | ${p.kinds.signOut.revocations + p.kinds.revokeSession.revocations} | | **${p.all.p50Ms.toFixed(2)}** | **${p.all.p99Ms.toFixed(2)}** | ${p.all.maxMs.toFixed(2)} | | |`);
  lines.push('', 'A negative “after the call returned” means the other instance saw the session ended before the call had returned on instance 1 (the record is deleted and the push sent before the call revokes the refresh token at the IdP and returns).');
  lines.push('');
  lines.push(
    `**Push channel down.** The same 3 instances, runtimes whose store refuses \`subscribe\` (the revocation push is down; reads and writes work), ` +
      `\`session.offlineMaxAge\` ${off.offlineMaxAgeSeconds} s (the default). Instance 1 signs ${off.sessions} sessions in; instances 2 and 3 first read session i ` +
      `at C + i·Δ (spread over ${off.offlineMaxAgeSeconds} s, so entries expire one at a time, as with real traffic) and then read every copy every ${off.pollMs} ms; ` +
      `instance 1 signs session i out at C + ${off.offlineMaxAgeSeconds} s + i·Δ + φᵢ, with φᵢ spread evenly over [0, ${off.offlineMaxAgeSeconds} s) (a golden-ratio sequence), ` +
      'so revocations fall at every point of an entry’s offline lifetime.',
    '',
  );
  lines.push('| push channel | revocations | signed out on instances 2 and 3 | p50 ms | p99 ms | max ms |', '|---|---:|---:|---:|---:|---:|');
  lines.push(`| down, offlineMaxAge ${off.offlineMaxAgeSeconds} s | ${off.sessions} | ${off.signedOutEverywhere}/${off.sessions} | ${off.delay.p50Ms.toFixed(0)} | ${off.delay.p99Ms.toFixed(0)} | **${off.delay.maxMs.toFixed(0)}** |`);
  lines.push('');

  const warmRatio = m('server.warm') / m('sealed.warm');
  const libRatio = m('server.warm.libraryOnly') / m('sealed.warm.libraryOnly');
  const coldBound = m('sealed.cold') + m('redis.get') + m('server.idCheck');
  const coldRatio = m('server.cold') / coldBound;
  const allOut = Object.values(p.kinds).every((v) => v.signedOutEverywhere === v.revocations && v.revokerSignedOut === v.revocations && v.callSucceeded === v.revocations);
  const boundMs = off.offlineMaxAgeSeconds * 1000 + 100;
  lines.push('### Targets', '');
  lines.push('| target | measured | |', '|---|---|---|');
  lines.push(`| server mode: one cookie, never chunked, under 200 bytes (the whole Set-Cookie line) | ${ck.server.cookies} cookie, ${ck.server.setCookieBytes} B Set-Cookie, ${ck.server.cookieHeaderBytes} B in the Cookie header | ${verdict(ck.server.cookies === 1 && ck.server.setCookieBytes < 200)} |`);
  lines.push(`| warm read in server mode no slower than the sealed warm read (Next’s \`cookies()\` built per request) | ${x(warmRatio)} (${us(m('server.warm'))} vs ${us(m('sealed.warm'))} µs) | ${verdict(warmRatio <= 1)} |`);
  lines.push(`| the library’s share no slower than the sealed codec’s (≤ 1.10×, the noise margin of Part 5) | ${x(libRatio)} (${us(m('server.warm.libraryOnly'))} vs ${us(m('sealed.warm.libraryOnly'))} µs) | ${verdict(libRatio <= 1.1)} |`);
  lines.push(`| no store call on a warm read | ${sc.warmReads} calls | ${verdict(sc.warmReads === 0)} |`);
  lines.push(
    `| cold read = one store round trip + unseal: 1 \`GET\`, and ≤ 1.2 × (sealed cold read + one \`GET\` + the id check) | ${sc.serverColdGetsPerRead} \`GET\`; ${x(coldRatio)} (${us(m('server.cold'))} vs ${us(m('sealed.cold'))} + ${us(m('redis.get'))} + ${us(m('server.idCheck'))} µs) | ${verdict(sc.serverColdGetsPerRead === 1 && coldRatio <= 1.2)} |`,
  );
  lines.push(
    `| every revoked copy signed out on the 2 other instances, p99 ≤ 100 ms | ${Object.values(p.kinds).reduce((n, v) => n + v.signedOutEverywhere, 0)}/${p.kinds.signOut.revocations + p.kinds.revokeSession.revocations}; p99 ${p.all.p99Ms.toFixed(1)} ms | ${verdict(allOut && p.missed === 0 && p.all.p99Ms <= 100)} |`,
  );
  lines.push(
    `| push channel down: every copy signed out within offlineMaxAge (${off.offlineMaxAgeSeconds} s) + 100 ms | ${off.signedOutEverywhere}/${off.sessions}; max ${off.delay.maxMs.toFixed(0)} ms | ${verdict(off.signedOutEverywhere === off.sessions && off.missed === 0 && off.delay.maxMs <= boundMs)} |`,
  );
  lines.push('');
  lines.push('### What the numbers say', '');
  lines.push(
    `- **Bytes.** Server mode sends a ${ck.server.cookieHeaderBytes}-byte Cookie header with every request, against ${ck.sealed.cookieHeaderBytes} B for the sealed cookie ` +
      `(${ck.sealed.cookies} chunks) and ${ck.amplify.cookieHeaderBytes} B for Amplify’s plain cookies (${ck.amplify.cookies} cookies): ` +
      `${(ck.sealed.cookieHeaderBytes / ck.server.cookieHeaderBytes).toFixed(0)}× and ${(ck.amplify.cookieHeaderBytes / ck.server.cookieHeaderBytes).toFixed(0)}× less. ` +
      'The tokens moved to Redis, where they cost memory instead of upload bandwidth on every request.',
  );
  lines.push(
    `- **Warm.** A warm read in server mode costs ${us(m('server.warm'))} µs against ${us(m('sealed.warm'))} µs for the sealed cookie (${x(warmRatio)}). ` +
      `Most of the difference is Next.js: building \`cookies()\` costs ${us(m('next.cookiesObject.server'))} µs for the small header against ${us(m('next.cookiesObject.sealed'))} µs ` +
      `for the sealed one, which it splits and \`decodeURIComponent\`s on every request. The library’s own share is ${us(m('server.warm.libraryOnly'))} µs vs ` +
      `${us(m('sealed.warm.libraryOnly'))} µs: one \`Map\` lookup keyed by the ~90-character cookie value, against the sealed cache’s lookup confirmed chunk by chunk. ` +
      `No store call, no crypto (${sc.warmReads} store calls while timing).`,
  );
  lines.push(
    `- **Cold.** A first read in server mode costs ${us(m('server.cold'))} µs: the id’s HMAC and SHA-256 (${us(m('server.idCheck'))} µs), one Redis round trip ` +
      `(${us(m('redis.get'))} µs for the ~${(part6.recordBytes / 1024).toFixed(1)} KB record) and the record’s unseal (${us(m('iron.unseal.record'))} µs alone), then the same decode and claims ` +
      `check as the sealed codec, whose cold read costs ${us(m('sealed.cold'))} µs (its unseal alone ${us(m('iron.unseal.cookie'))} µs). ` +
      (m('server.cold.noLastSeen') === undefined
        ? ''
        : `The last-seen write a cold read sends without waiting is not free: with it dropped the same read costs ${us(m('server.cold.noLastSeen'))} µs. `) +
      'With signatures checked once ' +
      `(the default): ${us(m('server.cold.verifyOnce'))} µs vs ${us(m('sealed.cold.verifyOnce'))} µs; the sealed cookie with a store configured pays a store ` +
      `round trip too (the revocation cut-offs): ${us(m('sealed.cold.verifyOnce.store'))} µs. A forged or garbage id costs the HMAC check only: no store call. ` +
      'A cold read happens once per process per session (sign-in, a new instance, a revocation of that session), and after `offlineMaxAge` while the push is down.' +
      (coldRatio <= 1.2
        ? ''
        : m('server.cold.noLastSeen') !== undefined && m('server.cold.noLastSeen') / coldBound <= 1.2
          ? ` The cold-read target is missed because of that last-seen write: without it the read is ${x(m('server.cold.noLastSeen') / coldBound)} the bound.`
          : ` The cold-read target is missed: the read costs more than its parts measured alone (${x(coldRatio)} their sum).`),
  );
  lines.push(
    `- **Revocation, push up.** A revoked session’s copied cookie read as signed out on both other instances ${p.all.p50Ms.toFixed(1)} ms (p50) and ` +
      `${p.all.p99Ms.toFixed(1)} ms (p99) after the revoking call started; the call itself took ${p.kinds.signOut.call.p50Ms.toFixed(1)} ms (sign-out, p50) and ` +
      `${p.kinds.revokeSession.call.p50Ms.toFixed(1)} ms (\`revokeSession\`). The delay is the record’s deletion, the publish on \`sessions:revoked\`, its delivery, the ` +
      'cache drop and the cold read that finds no record. ' +
      `The tail follows the revoking call’s own duration (its p99: ${p.kinds.signOut.call.p99Ms.toFixed(1)} ms for sign-out, ${p.kinds.revokeSession.call.p99Ms.toFixed(1)} ms for \`revokeSession\`, on this busy machine): ` +
      `counted from the moment the call returned, the other instances saw the session ended within ${p.kinds.signOut.afterCall.p50Ms.toFixed(1)} / ${p.kinds.signOut.afterCall.p99Ms.toFixed(1)} ms (sign-out, p50 / p99) ` +
      `and ${p.kinds.revokeSession.afterCall.p50Ms.toFixed(1)} / ${p.kinds.revokeSession.afterCall.p99Ms.toFixed(1)} ms (\`revokeSession\`). ` +
      'On instance 1 the session reads as signed out as soon as the call returns ' +
      `(${p.kinds.signOut.revokerSignedOut + p.kinds.revokeSession.revokerSignedOut}/${p.kinds.signOut.revocations + p.kinds.revokeSession.revocations}).`,
  );
  lines.push(
    `- **Revocation, push down.** With the subscription down the other instances serve a cached session for at most \`offlineMaxAge\`: delays spread from ` +
      `${off.delay.minMs.toFixed(0)} ms to ${off.delay.maxMs.toFixed(0)} ms (p50 ${off.delay.p50Ms.toFixed(0)} ms), bounded by the ${off.offlineMaxAgeSeconds} s setting ` +
      `plus one poll (${off.pollMs} ms) and one cold read. Every copy was signed out (${off.signedOutEverywhere}/${off.sessions}). A gap in the subscription ` +
      '(reconnect) flushes the cache at once, so messages missed during it cannot leave a session alive longer than this bound.',
  );
  lines.push(
    '- **On a busy machine.** This 2-core machine ran other jobs during the run (see the load averages); the four processes (bench, 3 instances) and redis-server ' +
      'share its cores, so the propagation times include scheduling delays that separate servers would not have.',
  );
  lines.push('');
  return lines.join('\n');
}

function renderPart7(part7) {
  const sz = part7.size;
  const l = part7.latency;
  const c = l.cases;
  const kb = (b) => `${(b / 1024).toFixed(2)} KB`;
  const ms = (v) => v.toFixed(2);
  const lines = ['## Part 7 — client components (issue 12)', ''];
  lines.push(
    `Run at ${part7.date} (load average before ${part7.load.before.join(' / ')}, after ${part7.load.after.join(' / ')}).`,
    '',
  );
  lines.push('### `next-server-auth/react`: what the browser downloads', '');
  lines.push(
    `Every file \`${sz.entry}\` loads (its relative imports, followed), as \`npm run build\` emits them (tsc output; the build drops comments from \`dist/react/\`; not minified: ` +
      `an app's bundler minifies further). Peer imports, not counted: ${sz.bareImports.map((m) => `\`${m}\``).join(', ') || 'none'}. ` +
      `Files outside \`dist/react/\`: ${sz.outsideReact.length === 0 ? 'none (it imports nothing from the server layers)' : sz.outsideReact.map((f) => `\`${f}\``).join(', ')}. ` +
      `\`'use client'\` at the top of the entry: ${sz.useClient ? 'yes' : '**no**'}.`,
    '',
  );
  lines.push('| measure | bytes |', '|---|---:|');
  lines.push(`| ${sz.files.length} files, raw | ${sz.totalBytes} |`);
  lines.push(`| gzip -9, each file on its own, summed | **${sz.sumGzipBytes}** (${kb(sz.sumGzipBytes)}) |`);
  lines.push(`| gzip -9 of the files concatenated (closer to one bundled chunk) | ${sz.concatenatedGzipBytes} (${kb(sz.concatenatedGzipBytes)}) |`);
  lines.push('');
  lines.push(`Target ≤ 5 KB gzip (${sz.targetGzipBytes} B), counted the stricter way (each file gzipped on its own): ${verdict(sz.sumGzipBytes <= sz.targetGzipBytes)}.`, '');
  lines.push('<details><summary>Per file</summary>', '', '| file | raw | gzip |', '|---|---:|---:|');
  for (const f of sz.files) lines.push(`| \`${f.file}\` | ${f.bytes} | ${f.gzipBytes} |`);
  lines.push('', '</details>', '');
  lines.push('### The API proxy’s added latency', '');
  lines.push(
    'The example app (`next start`, one production build) with its dev IdP and its resource server (`example-app/resource-server.mjs`: verifies the access token with jose ' +
      'against the IdP’s JWKS, answers a small JSON body), started by `scripts/start.mjs` on their own loopback ports; alice signed in over HTTP; hour-long tokens. ' +
      'One client (Node `fetch`, keep-alive), one request at a time, timed from send to the last body byte. The cases alternate in ' +
      `${l.rounds} rounds of ${l.batch} requests each (order rotated every round) after 200 uncounted requests each, so drift on the machine hits them alike. ` +
      '**direct**: `GET /notes` on the resource server with `Authorization: Bearer <the same access token>`. ' +
      '**proxy**: `GET /api/proxy/notes` on the app with the session cookie: the guard in proxy.ts, Next’s routing, the session read, the proxy, then the same upstream call. ' +
      '**/api/me**: a route handler of the same app reading the session, no upstream: what Next and a session read cost without the proxy.',
    '',
  );
  lines.push('| case | requests | p50 ms | p90 ms | p99 ms | mean ms |', '|---|---:|---:|---:|---:|---:|');
  const row = (label, v) => `| ${label} | ${v.samples} | **${ms(v.p50Ms)}** | ${ms(v.p90Ms)} | **${ms(v.p99Ms)}** | ${ms(v.meanMs)} |`;
  lines.push(row('direct to the resource server', c.direct));
  lines.push(row('through `/api/proxy/notes`', c.proxy));
  lines.push(row('`/api/me` (no upstream)', c.me));
  lines.push('');
  lines.push(
    `**Added by going through the proxy: p50 ${ms(l.added.p50Ms)} ms, p99 ${ms(l.added.p99Ms)} ms** (proxy − direct, same run). ` +
      `Of that, a route handler of this app that reads the session and calls nothing costs p50 ${ms(c.me.p50Ms)} ms on its own; ` +
      `the rest (p50 ${ms(c.proxy.p50Ms - c.me.p50Ms - c.direct.p50Ms)} ms) is the proxy's own work and its second HTTP hop. ` +
      `Every direct and proxied request reached the resource server with a valid token (${l.resourceRequests} requests, ${l.distinctTokens} distinct token); ` +
      `refreshes at the IdP during the timed part: ${l.refreshes}.`,
    '',
  );
  lines.push(
    '- **On a busy machine.** The bench client, `next start`, the resource server and the dev IdP share the machine’s cores with whatever else runs ' +
      '(see the load averages), so the tails (p99) carry scheduling delays; the cases are interleaved, so they carry them alike.',
    '',
  );
  return lines.join('\n');
}

function renderPart8(part8) {
  const ms = (v) => (v < 10 ? v.toFixed(2) : v < 100 ? v.toFixed(1) : v.toFixed(0));
  const lines = ['## Part 8 — Cognito server actions and strict OAuth (issues 13, 14)', ''];
  lines.push(
    `Run at ${part8.date} (load average before ${part8.load.before.join(' / ')}, after ${part8.load.after.join(' / ')}); ${part8.seconds.toFixed(0)} s. ` +
      '`bench/strict-oauth.mjs`: the library from `dist/` in the bench process, driven as the Next.js adapters drive it (Web `Request`/`Response` contexts, the auth route handlers, ' +
      'the guard with `NextRequest`, `createApiProxy`, the `cognito.*` server action with injected `cookies()`); real dev IdPs over loopback, **each in its own process** ' +
      '(`bench/strict-oauth-idp.mjs`), so the "library CPU" column is this process alone; "IdP CPU" is the IdP process’s user+system time from `/proc` over the case’s operations, ' +
      'divided by their number (10 ms ticks: a rough average, not a percentile). ' +
      `Network cases run in rounds (${part8.rounds} unless the table says otherwise), one operation per case per round, the order rotated each round, each operation timed alone ` +
      '(wall time to its awaited result; CPU from `process.cpuUsage`). Micro cases (µs) use the batched, interleaved harness of Part 1 (median of the rounds’ per-operation times).',
    '',
  );
  lines.push(
    '> **A busy 2-core machine.** The bench process, the IdP processes and whatever else ran here share two cores (see the load averages): p99 carries scheduling delays, ' +
      'and absolute numbers are higher than on a quiet server. Each case sits beside its baseline in the same rounds, so the differences hold better than the absolute values.',
    '',
  );
  const head = ['| case | N | p50 ms | p99 ms | library CPU p50 ms | IdP CPU ms/op |', '|---|---:|---:|---:|---:|---:|'];
  const row = (v) => `| ${v.label} | ${v.wallMs.n} | **${ms(v.wallMs.p50)}** | ${ms(v.wallMs.p99)} | ${ms(v.cpuMs.p50)} | ${v.idpCpuMsPerOp === undefined ? '—' : v.idpCpuMsPerOp.toFixed(1)} |`;
  const table = (cases, order) => [...head, ...order.map((k) => row(cases[k])), ''];

  if (part8.signIn) {
    const c = part8.signIn;
    lines.push('### 1. `cognito.signIn`: USER_SRP_AUTH vs USER_PASSWORD_AUTH', '');
    lines.push('alice signs in through the server action against the cognito-mode dev IdP’s JSON API (an app client allowing both flows); each call writes the sealed session cookie.', '');
    lines.push(...table(c, ['srp', 'password']));
    lines.push(
      `- **Library side**, what carries over to a real user pool: SRP costs ${ms(c.srp.cpuMs.p50)} ms CPU per sign-in against ${ms(c.password.cpuMs.p50)} ms for USER_PASSWORD_AUTH ` +
        `(+${ms(c.srp.cpuMs.p50 - c.password.cpuMs.p50)} ms: the client’s SRP big-integer work, A = g^a and the session key, and the HMAC of the PASSWORD_VERIFIER answer; one extra round trip).`,
      `- **Wall time** here is the dev IdP’s, not Cognito’s: its USER_PASSWORD_AUTH checks a slow password hash (${c.password.idpCpuMsPerOp.toFixed(0)} ms IdP CPU per sign-in) ` +
        `while its SRP path checks a stored verifier (${c.srp.idpCpuMsPerOp.toFixed(0)} ms), so SRP is the faster flow here (p50 ${ms(c.srp.wallMs.p50)} vs ${ms(c.password.wallMs.p50)} ms). ` +
        'Against Amazon Cognito, both are dominated by the network round trips (one for USER_PASSWORD_AUTH, two for SRP); SRP keeps the password off the wire.',
      '',
    );
  }
  if (part8.identity) {
    const c = part8.identity.cases;
    lines.push('### 2. `fetchAuthSession` with identity-pool credentials', '');
    lines.push(
      'A route-handler context reading alice’s session (cognito-mode dev IdP, its Cognito Identity API on the same port). Each round builds new runners (the credentials cache is per runner), ' +
        'so "first call" pays GetId + GetCredentialsForIdentity through `@aws-sdk/client-cognito-identity` (client created per runner; the SDK module itself imported once per process before timing).',
      '',
    );
    lines.push(...table(c, ['noPoolFirst', 'poolFirst', 'poolCached', 'noPoolWarm']));
    lines.push(
      `- First call with a pool: +${ms(c.poolFirst.wallMs.p50 - c.noPoolFirst.wallMs.p50)} ms p50 (+${ms(c.poolFirst.cpuMs.p50 - c.noPoolFirst.cpuMs.p50)} ms library CPU: the AWS SDK client’s two requests, built and parsed in this process) over the same first read without one; ` +
        `the IdP counted ${part8.identity.identityCalls.GetId} GetId and ${part8.identity.identityCalls.GetCredentialsForIdentity} GetCredentialsForIdentity calls for ${c.poolFirst.wallMs.n} first calls (and none for the cached ones).`,
      `- Cached: ${ms(c.poolCached.wallMs.p50)} ms against ${ms(c.noPoolWarm.wallMs.p50)} ms without a pool, timed one call at a time. Batched (the harness of Part 1, 21 interleaved rounds): ` +
        (part8.identity.micro
          ? `**${us(part8.identity.micro.poolCached.medianUs)} µs** vs **${us(part8.identity.micro.noPoolWarm.medianUs)} µs** (p25–p75 ${us(part8.identity.micro.poolCached.p25Us)}–${us(part8.identity.micro.poolCached.p75Us)} vs ${us(part8.identity.micro.noPoolWarm.p25Us)}–${us(part8.identity.micro.noPoolWarm.p75Us)}), ` +
            `+${us(part8.identity.micro.poolCached.medianUs - part8.identity.micro.noPoolWarm.medianUs)} µs per read. About half of it is the cache key: an async WebCrypto SHA-256 of the \`sub\` on every call ` +
            (part8.identity.micro.sha256 ? `(that digest alone, batched the same way: **${us(part8.identity.micro.sha256.medianUs)} µs**, p25–p75 ${us(part8.identity.micro.sha256.p25Us)}–${us(part8.identity.micro.sha256.p75Us)}; ` : '(') +
            'Node runs `crypto.subtle.digest` as a thread-pool job, so a 40-byte hash costs a round trip through libuv). A cached credentials read thus costs several times a warm session read.'
          : 'not measured.'),
      '',
    );
  }
  if (part8.refresh) {
    const c = part8.refresh.cases;
    lines.push('### 3. A refresh through the library’s refresher: client authentication and DPoP', '');
    lines.push(
      '`fetchAuthSession(ctx, { forceRefresh: true })` in a route-handler context: unseal the cookie, one `refresh_token` grant at the oidc-mode dev IdP (rotating refresh tokens), ' +
        'verify the new ID token (cached JWKS), seal and write the new cookie, which the next round sends. The same IdP configuration for all; the DPoP client has an IdP process of its own ' +
        '(same options plus `dpop: true`; see "surprises" below). ' +
        `IdP refresh calls counted: ${part8.refresh.refreshCalls} (one per operation).`,
      '',
    );
    lines.push(...table(c, ['basic', 'pkjwtEs256', 'pkjwtRs256', 'csjwt', 'dpop']));
    const d = (k) => `${ms(c[k].cpuMs.p50 - c.basic.cpuMs.p50)} ms`;
    lines.push(
      `- Library CPU over \`client_secret_basic\`: private_key_jwt ES256 ${d('pkjwtEs256')}, RS256 ${d('pkjwtRs256')}, client_secret_jwt ${d('csjwt')}, DPoP ${d('dpop')} ` +
        '(one signed assertion or proof per grant; differences under a few tenths of a millisecond are within this machine’s noise).',
      `- DPoP’s wall time (p50 ${ms(c.dpop.wallMs.p50)} vs ${ms(c.basic.wallMs.p50)} ms) is mostly the IdP’s: it verifies the proof, checks \`jti\` replay and binds the tokens ` +
        `(IdP CPU ${c.dpop.idpCpuMsPerOp.toFixed(1)} vs ${c.basic.idpCpuMsPerOp.toFixed(1)} ms/op). No \`use_dpop_nonce\` retry happened (the IdP does not require nonces here).`,
      '',
    );
  }
  if (part8.signInStart) {
    const c = part8.signInStart.cases;
    lines.push('### 4. Sign-in start (`GET /api/auth/sign-in`) with and without PAR', '');
    lines.push('The route handler building the authorization request (PKCE, state, nonce, the sealed transaction cookie) and answering 302; client_secret_basic; with PAR (RFC 9126) it first POSTs the request to the IdP.', '');
    lines.push(...table(c, ['plain', 'par']));
    lines.push(`- PAR adds one back-channel round trip: +${ms(c.par.wallMs.p50 - c.plain.wallMs.p50)} ms p50, +${ms(c.par.cpuMs.p50 - c.plain.cpuMs.p50)} ms library CPU (the HTTP client and the response checks).`, '');
  }
  if (part8.proxy) {
    const c = part8.proxy.cases;
    const p = part8.proxy.proof;
    lines.push('### 5. `createApiProxy` per request: Bearer vs DPoP', '');
    lines.push(
      'The proxy’s `GET` handler called directly with the session cookie (warm session cache, valid token: no refresh), forwarding to a loopback upstream that only checks the ' +
        'Authorization scheme (and the presence of a `DPoP` header) and answers a small JSON body.',
      '',
    );
    lines.push(...table(c, ['direct', 'bearer', 'dpop']));
    lines.push('| micro case | median µs | p25–p75 µs |', '|---|---:|---:|');
    lines.push(`| the proxy’s proof alone: \`createDPoPSigner(session key)\` (import cached) + \`authorize()\` (ES256 proof with htm/htu/ath, new jti) | **${us(p.signer.medianUs)}** | ${us(p.signer.p25Us)}–${us(p.signer.p75Us)} |`);
    lines.push(`| baseline: one WebCrypto ECDSA P-256 signature (400 B) | **${us(p.es256Sign.medianUs)}** | ${us(p.es256Sign.p25Us)}–${us(p.es256Sign.p75Us)} |`);
    lines.push('');
    lines.push(
      `- DPoP costs +${ms(c.dpop.wallMs.p50 - c.bearer.wallMs.p50)} ms p50 per proxied request (+${ms(c.dpop.cpuMs.p50 - c.bearer.cpuMs.p50)} ms CPU) over Bearer; the proof itself is ${us(p.signer.medianUs)} µs ` +
        `(${(p.signer.medianUs / p.es256Sign.medianUs).toFixed(1)}× a bare ES256 signature: SHA-256 of the token for \`ath\`, the JWT encoding, a new handle per request). ` +
        `The Bearer proxy adds ${ms(c.bearer.wallMs.p50 - c.direct.wallMs.p50)} ms over calling the upstream directly.`,
      '',
    );
  }
  if (part8.cookieBytes) {
    const b = part8.cookieBytes;
    lines.push('### 6. Sealed cookie bytes with and without the DPoP key', '');
    lines.push('A fresh sign-in each (same user, IdP settings and scopes); the sealed value unsealed with the app’s secret to show where the bytes go (field lengths in characters: `id` ID token, `at` access token, `rt` refresh token, `dk` DPoP private key).', '');
    lines.push('| session | Cookie header bytes | sealed bytes | chunks | fields |', '|---|---:|---:|---:|---|');
    const fields = (f) => Object.entries(f).map(([k, v]) => `${k} ${v}`).join(', ');
    lines.push(`| Bearer | ${b.bearer.cookieHeaderBytes} | ${b.bearer.sealedBytes} | ${b.bearer.chunks} | ${fields(b.bearer.fields)} |`);
    lines.push(`| DPoP | ${b.dpop.cookieHeaderBytes} | ${b.dpop.sealedBytes} | ${b.dpop.chunks} | ${fields(b.dpop.fields)} |`);
    lines.push('');
    lines.push(
      `- DPoP adds ${b.dpop.cookieHeaderBytes - b.bearer.cookieHeaderBytes} bytes to every request’s Cookie header: the key (${b.dpop.fields.dk} characters, compact P-256 \`x.y.d\`) ` +
        `and the access token’s \`cnf.jkt\` claim (${b.dpop.fields.at - b.bearer.fields.at} characters), then the seal’s base64 overhead. (The dev IdP’s tokens are smaller than Cognito’s: compare Part 1.)`,
      '',
    );
  }
  if (part8.resourceToken) {
    const c = part8.resourceToken.cases;
    lines.push('### 7. `getAccessToken(ctx, { resource })`: cached vs a fresh grant', '');
    lines.push(
      `Route-handler contexts, client_secret_basic, one named resource (RFC 8707). Separate sessions for the cached and the fresh case, so the fresh grants’ rotations never touch the cached one. IdP grants counted: ${part8.resourceToken.grants} for ${c.fresh.wallMs.n} fresh calls.`,
      '',
    );
    lines.push(...table(c, ['own', 'cached', 'fresh']));
    lines.push(
      `- Cached: +${ms((c.cached.wallMs.p50 - c.own.wallMs.p50) * 1000)} µs p50 over the session’s own token. A fresh grant: ${ms(c.fresh.wallMs.p50)} ms p50 — a refresh_token round trip with \`resource=\`, ` +
        'the aud check, and (the IdP rotates) the session sealed and written back, so the next read unseals a new cookie value.',
      '',
    );
  }
  if (part8.guard) {
    const g = part8.guard.cases;
    lines.push('### 8. Guard per request: a step-up rule vs a plain rule', '');
    lines.push(
      '`createAuthGuard` letting a signed-in request through (warm session cache), `NextRequest` built per request in both cases; ' +
        'plain `{ path: \'/secure\' }` vs step-up `{ path: \'/secure\', maxAge: 3600, acr: \'pwd\' }` (the dev IdP’s ID token carries `acr: pwd` and `auth_time`).',
      '',
    );
    lines.push('| rule | median µs | p25–p75 µs | samples × batch |', '|---|---:|---:|---:|');
    lines.push(`| plain | **${us(g.plain.medianUs)}** | ${us(g.plain.p25Us)}–${us(g.plain.p75Us)} | ${g.plain.samples} × ${g.plain.batch} |`);
    lines.push(`| step-up (maxAge + acr) | **${us(g.stepUp.medianUs)}** | ${us(g.stepUp.p25Us)}–${us(g.stepUp.p75Us)} | ${g.stepUp.samples} × ${g.stepUp.batch} |`);
    lines.push('');
    lines.push(
      `- Difference ${us(g.stepUp.medianUs - g.plain.medianUs)} µs: reading \`auth_time\` and \`acr\` from the already decoded ID token is a few comparisons; ` +
        'the spread between samples (p25–p75) on this machine is larger than the difference.',
      '',
    );
  }
  lines.push('### Surprises', '');
  lines.push(
    '- **Dev IdP: `dpopBoundAccessTokens: false` is ignored.** `resolveOptions`’ `checkClient` does not copy the field, so with `dpop: true` every client is DPoP-bound and a Bearer client’s ' +
      'code exchange is refused (`invalid_grant`, "DPoP proof JWT not provided" in oidc-provider). The documented option has no test. This bench runs a second IdP process for the DPoP client instead.',
    '- **A cached identity-pool read is not free.** `fetchAuthSession` with `identity_pool_id` hashes the `sub` with WebCrypto on every call to find the cached credentials (section 2): ' +
      'a thread-pool round trip per read. Memoising the key per `sub` in the process (or a synchronous hash: this code is Node-only) would bring a cached read close to a plain warm read.',
    '- **SRP looks faster than USER_PASSWORD_AUTH** only because of the dev IdP’s slow password hash (section 1); on the library’s side SRP is the dearer flow.',
    '',
  );
  return lines.join('\n');
}

/** The whole RESULTS.md. */
export function renderResults(results) {
  const m = results.machine;
  const out = [];
  out.push('# Benchmarks', '');
  out.push('Generated by `npm run bench` (scripts/bench.mjs; the code is in bench/). Do not edit by hand: rerun it.', '');
  out.push(
    `Machine: ${m.cores} cores (${m.cpu}), ${m.memoryGiB} GiB, ${m.platform}, Node ${m.node}, Next.js ${m.next}. ` +
      `Generated ${results.generated}.`,
    '',
  );
  out.push(
    '**Reproduce:** `npm ci && npm run bench` (about 12 minutes on this busy 2-core machine, Part 8 about 35 s of it: builds the library and the example app; ' +
      '`-- --part 1` … `-- --part 8` runs one part, `-- --skip-build` reuses the builds, `-- --part 2 --control` runs the A/A control ' +
      'of the load test, `-- --render` rewrites this file from `bench/results.json`, the raw numbers).',
    '',
  );
  out.push(
    '> The machine is shared: other jobs ran during some runs (see the load averages). Micro-benchmark cases are interleaved round by round, ' +
      'so they see the same interference and their ratios hold better than their absolute values; the load test alternates its variants for the same reason.',
    '',
  );
  if (results.part1) out.push(renderPart1(results.part1));
  if (results.part2) out.push(renderPart2(results.part2, results.part1, results.part2Control));
  if (results.part2Control) out.push(renderControl(results.part2Control));
  if (results.part3) out.push(renderPart3(results.part3));
  if (results.part4) out.push(renderPart4(results.part4));
  if (results.part5) out.push(renderPart5(results.part5));
  if (results.part6) out.push(renderPart6(results.part6));
  if (results.part7) out.push(renderPart7(results.part7));
  if (results.part8) out.push(renderPart8(results.part8));
  return `${out.join('\n').trimEnd()}\n`;
}
