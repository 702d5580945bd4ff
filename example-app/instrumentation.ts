// Checks auth.ts (config, AUTH_SECRET, AUTH_ORIGIN) when the server starts: a
// production start with a bad setup stops with one clear line instead of
// answering 500 everywhere. Node.js runtime only.
export async function register() {
  if (process.env.NEXT_RUNTIME === 'nodejs') {
    const { assertAuthReady } = await import('next-server-auth/instrumentation');
    // `npm start` starts the dev IdP beside the app: it may not answer yet.
    await assertAuthReady(() => import('./auth'), { discovery: 'skip' });
  }
}
