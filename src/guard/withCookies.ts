/**
 * Carries the cookies written during the guard's check (a refresh, a cleared
 * session) onto `response`, which then must not be cached.
 */
export function withCookies(response: Response, written: Headers): Response {
  const lines = written.getSetCookie();
  for (const line of lines) response.headers.append('set-cookie', line);
  if (lines.length > 0) response.headers.set('cache-control', 'private, no-store');
  return response;
}
