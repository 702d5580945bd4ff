import type { KoaContext } from 'oidc-provider';

/**
 * In oidc mode the dev IdP issues refresh tokens only for `offline_access`,
 * and, like Auth0 or Okta for a first-party app (OpenID Connect Core §11's
 * "other conditions"), without a consent screen. oidc-provider keeps
 * `offline_access` only when the request carries `prompt=consent`, so an
 * authorization request asking for it gets `consent` added to its prompt
 * (the consent prompt never shows a screen here: `loadExistingGrant`
 * grants what was asked). `prompt=none` and repeated parameters are left
 * for oidc-provider to judge; the caller applies it to GET requests only.
 *
 * @example
 * ```ts
 * if (mode === 'oidc' && ctx.method === 'GET' && ctx.path === ROUTES.authorization) addConsentForOfflineAccess(ctx);
 * ```
 */
export function addConsentForOfflineAccess(ctx: Pick<KoaContext, 'querystring'>): void {
  const params = new URLSearchParams(ctx.querystring);
  const scopes = params.getAll('scope');
  const prompts = params.getAll('prompt');
  if (scopes.length !== 1 || prompts.length > 1 || !scopes[0]!.split(' ').includes('offline_access')) return;
  const prompt = (prompts[0] ?? '').split(' ').filter(Boolean);
  if (prompt.includes('consent') || prompt.includes('none')) return;
  params.set('prompt', [...prompt, 'consent'].join(' '));
  ctx.querystring = params.toString();
}
