// Next 15: middleware.ts runs on the edge runtime (the default; no `runtime`
// export). This file is what proves the guard and everything it imports run
// on the edge.
import { createAuthGuard } from './auth';

export default createAuthGuard({
  rules: [{ path: '/dashboard' }, { path: '/admin', groups: ['ADMINS'] }, { path: '/api/me' }],
});

export const config = {
  matcher: ['/((?!_next/static|_next/image|favicon.ico).*)'],
};
