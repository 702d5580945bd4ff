import type { DevIdpStats } from './types.js';

function emptyStats(): DevIdpStats {
  return {
    tokenCalls: { authorization_code: 0, refresh_token: 0, total: 0 },
    refreshCallsByGrant: {},
    revocations: 0,
    logouts: 0,
    jwksFetches: 0,
    backchannelLogouts: { delivered: 0, failed: 0 },
    identityCalls: { GetId: 0, GetCredentialsForIdentity: 0 },
  };
}

/**
 * Counts what clients did at the IdP, for tests (`stats()`, `GET /dev/stats`).
 *
 * @example
 * ```ts
 * const stats = new StatsRecorder();
 * stats.tokenCall('refresh_token', 'grant-1');
 * stats.snapshot().refreshCallsByGrant; // { 'grant-1': 1 }
 * ```
 */
export class StatsRecorder {
  #stats = emptyStats();

  tokenCall(grantType: string | undefined, grantId: string | undefined): void {
    const { tokenCalls, refreshCallsByGrant } = this.#stats;
    tokenCalls.total += 1;
    if (grantType === 'authorization_code' || grantType === 'refresh_token') tokenCalls[grantType] += 1;
    if (grantType === 'refresh_token' && grantId !== undefined) {
      refreshCallsByGrant[grantId] = (refreshCallsByGrant[grantId] ?? 0) + 1;
    }
  }

  revocation(): void {
    this.#stats.revocations += 1;
  }

  logout(): void {
    this.#stats.logouts += 1;
  }

  backchannelLogout(delivered: boolean): void {
    this.#stats.backchannelLogouts[delivered ? 'delivered' : 'failed'] += 1;
  }

  identityCall(operation: 'GetId' | 'GetCredentialsForIdentity'): void {
    this.#stats.identityCalls[operation] += 1;
  }

  jwksFetch(): void {
    this.#stats.jwksFetches += 1;
  }

  reset(): void {
    this.#stats = emptyStats();
  }

  /** A copy; later calls do not change it. */
  snapshot(): DevIdpStats {
    return structuredClone(this.#stats);
  }
}
