import type { KoaContext } from 'oidc-provider';

import type { DevIdpContext } from './DevIdpContext.js';
import { sendJson } from './respond.js';

const ROUTE = /^\/dev\/users\/([^/]+)\/second-factor-code$/;

/**
 * `GET /dev/users/<username>/second-factor-code`: the one-time code the
 * user's latest step-up sign-in waits for (`{ code }`), for tests and
 * scripts; 404 when there is none or the second factor is off. The code is a
 * secret: it is never logged.
 *
 * @example
 * ```ts
 * if (handleSecondFactorCodeRoute(ctx, idp)) return;
 * ```
 */
export function handleSecondFactorCodeRoute(ctx: KoaContext, idp: DevIdpContext): boolean {
  const match = ctx.method === 'GET' ? ROUTE.exec(ctx.path) : null;
  if (!match) return false;
  let username = '';
  try {
    username = decodeURIComponent(match[1]!);
  } catch {
    // stays '' → 404
  }
  const code = username === '' ? undefined : idp.secondFactor?.latestFor(username);
  sendJson(ctx, code === undefined ? 404 : 200, code === undefined ? { error: 'no_pending_second_factor' } : { code });
  return true;
}
