// A small harness for async micro-benchmarks: each case runs in batches of
// sequential awaited operations; a sample is one batch's time divided by its
// size. Cases are interleaved round by round (order rotated) so drift and GC
// hit them alike; the result per case is the median of its samples.
import { performance } from 'node:perf_hooks';

export function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

export function quantile(values, q) {
  const s = [...values].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo] + (s[hi] - s[lo]) * (pos - lo);
}

async function timeBatch(run, n) {
  const t0 = performance.now();
  await run(n);
  return (performance.now() - t0) / n;
}

/**
 * @param {Array<{ name: string, run: (n: number) => Promise<void>, maxBatch?: number }>} cases
 *   `run(n)` performs n operations (sequentially awaited).
 * @param {{ rounds: number, sampleMs: number, warmupMs: number, log?: (s: string) => void }} options
 * @returns {Promise<Record<string, { medianUs: number, p25Us: number, p75Us: number, batch: number, samples: number }>>}
 */
export async function measure(cases, { rounds, sampleMs, warmupMs, log = () => {} }) {
  const batches = new Map();
  for (const c of cases) {
    // Warm up (JIT, caches) and size the batch so one sample takes ~sampleMs.
    let n = 1;
    let perOp = await timeBatch(c.run, n);
    const until = performance.now() + warmupMs;
    while (performance.now() < until) {
      n = Math.min(n * 2, c.maxBatch ?? 1 << 16);
      perOp = await timeBatch(c.run, n);
    }
    const batch = Math.max(1, Math.min(c.maxBatch ?? Infinity, Math.round(sampleMs / perOp)));
    batches.set(c.name, batch);
    log(`  warm: ${c.name}: ~${(perOp * 1000).toFixed(2)} µs/op, batch ${batch}`);
  }
  const samples = new Map(cases.map((c) => [c.name, []]));
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < cases.length; i++) {
      const c = cases[(i + r) % cases.length];
      samples.get(c.name).push(await timeBatch(c.run, batches.get(c.name)));
    }
  }
  const out = {};
  for (const c of cases) {
    const s = samples.get(c.name).map((ms) => ms * 1000);
    out[c.name] = { medianUs: median(s), p25Us: quantile(s, 0.25), p75Us: quantile(s, 0.75), batch: batches.get(c.name), samples: s.length };
  }
  return out;
}
