import { createAuthGuard } from './auth';

export const proxy = createAuthGuard({
  rules: [{ path: '/dashboard' }],
});
export const config = { matcher: ['/((?!_next/static|_next/image|favicon.ico).*)'] };
