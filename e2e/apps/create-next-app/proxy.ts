import { createAuthGuard } from './auth';

export const proxy = createAuthGuard({
  rules: [{ path: '/dashboard' }, { path: '/admin', groups: ['ADMINS'] }],
});
export const config = { matcher: ['/((?!_next/static|_next/image|favicon.ico).*)'] };
