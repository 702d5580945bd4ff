import type { DevIdpContext } from './DevIdpContext.js';

/** One client of an ended IdP session, with the `sid` its ID tokens carried. */
export interface EndedAuthorization {
  clientId: string;
  sid?: string;
}

/** Logout tokens accepted by the clients (200/204) and the ones that were not. */
export interface DeliveryCount {
  delivered: number;
  failed: number;
}

function reasonOf(error: unknown): string {
  if (!(error instanceof Error)) return 'unknown error';
  // fetch failures carry the socket error (ECONNREFUSED, …) as their cause.
  const code = (error.cause as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? `${error.message} (${code})` : error.message;
}

/**
 * Sends an OIDC Back-Channel Logout 1.0 logout token (oidc-provider's own:
 * `iss`, `aud`, `iat`, `exp`, `jti`, `events`, `sub`, `sid`, typ
 * `logout+jwt`) to every client of an ended session that registered a
 * `backchannel_logout_uri`. Never rejects: a client that is down, slow
 * (oidc-provider gives up after 2.5 s) or answers anything but 200/204 is
 * logged in one line, without the token, and counted as failed.
 *
 * @example
 * ```ts
 * await sendBackchannelLogout(idp, session.accountId, [{ clientId: 'local-app', sid }]);
 * ```
 */
export async function sendBackchannelLogout(idp: DevIdpContext, sub: string, authorizations: readonly EndedAuthorization[]): Promise<DeliveryCount> {
  const count: DeliveryCount = { delivered: 0, failed: 0 };
  await Promise.all(
    authorizations.map(async ({ clientId, sid }) => {
      const client = await idp.provider.Client.find(clientId).catch(() => undefined);
      const uri = client?.backchannelLogoutUri;
      if (!client || !uri) return;
      try {
        await client.backchannelLogout(sub, sid);
        count.delivered += 1;
        idp.stats.backchannelLogout(true);
      } catch (error) {
        count.failed += 1;
        idp.stats.backchannelLogout(false);
        console.warn(`dev IdP: back-channel logout to ${uri} failed: ${reasonOf(error)}`);
      }
    }),
  );
  return count;
}
