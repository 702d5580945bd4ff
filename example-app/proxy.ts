import { NextResponse } from 'next/server';
import { createAuthGuard } from './auth';

const guard = createAuthGuard({
  rules: [
    { path: '/dashboard' },
    { path: '/admin', groups: ['ADMINS'] },
    { path: '/api/me' },
  ],
});

// Benchmark-only switch, set by `npm run bench` (bench/guard-load.mjs) to
// measure what the guard costs: BENCH_DISABLE_GUARD=1 lets every request
// through unchecked. Never set it outside the benchmark.
export const proxy = process.env.BENCH_DISABLE_GUARD === '1' ? () => NextResponse.next() : guard;

export const config = {
  // /team is left out to show server components reading the session on their own.
  matcher: ['/((?!_next/static|_next/image|favicon.ico|team).*)'],
};
