import type { ResolvedIdentityPool } from './cognitoIdentityApi.js';
import type { createLocalJWKSet } from 'jose';
import type { Provider } from 'oidc-provider';

import type { AdapterStore } from './AdapterStore.js';
import type { ClaimsShape } from './claims.js';
import type { SecondFactorCodes } from './SecondFactorCodes.js';
import type { StatsRecorder } from './StatsRecorder.js';
import type { DevIdpClient, DevIdpUserInput } from './types.js';
import type { UserRecord } from './userRecord.js';
import type { UserStore } from './UserStore.js';

/** What the dev IdP's own routes share with each other. */
export interface DevIdpContext {
  readonly provider: Provider;
  readonly issuer: string;
  readonly shape: ClaimsShape;
  readonly clients: readonly DevIdpClient[];
  readonly users: UserStore;
  /** Creates, stores and persists a user; throws if the username exists. */
  readonly addUser: (input: DevIdpUserInput) => Promise<UserRecord>;
  readonly store: AdapterStore;
  readonly stats: StatsRecorder;
  /** Refresh token value → grant id for every refresh token issued by this process (bounded). */
  readonly refreshTokenGrants: Map<string, string>;
  /** The published (public) signing keys, to verify our own tokens; changes on key rotation. */
  readonly keySet: ReturnType<typeof createLocalJWKSet>;
  /** Algorithms of the published keys. */
  readonly algorithms: string[];
  /** `secondFactor: true` (oidc mode): the one-time codes of sign-ins that asked for `acr_values=mfa`. */
  readonly secondFactor?: SecondFactorCodes;
  /** `dpop` (oidc mode, RFC 9449): userinfo checks proofs for bound tokens; nonces from the provider's secret. */
  readonly dpop?: { readonly requireNonce: boolean; readonly nonceSecret: Buffer };
  /** The identity pool of Cognito Identity (GetId, GetCredentialsForIdentity). */
  readonly identityPool?: ResolvedIdentityPool;
}
