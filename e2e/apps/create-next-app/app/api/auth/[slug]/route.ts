import { createAuthRouteHandlers } from '@/auth';
export const { GET, POST } = createAuthRouteHandlers({
  redirectOnSignInComplete: '/dashboard',
  redirectOnSignOutComplete: '/',
});
