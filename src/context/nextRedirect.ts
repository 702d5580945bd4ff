/**
 * Next's `redirect()` (from `next/navigation`; it throws Next's redirect
 * error), loaded when first needed.
 *
 * Not a static import: `next/navigation` pulls in the App Router context
 * that Next provides to pages but not to route handlers, so a route handler
 * whose bundle evaluates it (through `createServerRunner` or
 * `next-server-auth/server`) fails `next build` with "Could not parse module
 * …/app-route/vendored/contexts/app-router-context.js, file not found".
 *
 * @internal
 * @example
 * ```ts
 * return nextRedirect('/api/auth/sign-in?returnTo=%2Fdashboard');
 * ```
 */
export async function nextRedirect(url: string): Promise<never> {
  const { redirect } = await import('next/navigation.js');
  return redirect(url);
}
