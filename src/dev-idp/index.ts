/**
 * `next-server-auth/dev-idp`: a local, Cognito-shaped OpenID provider for
 * development and tests. Node-only; imports nothing from the adapter.
 *
 * @packageDocumentation
 */
export { startDevIdp } from './startDevIdp.js';
export { signInWithPassword } from './signInWithPassword.js';
export { hashPassword } from './password.js';
export { DEFAULT_CLIENT, DEFAULT_USERS } from './defaults.js';
export { DEFAULT_IDENTITY_POOL_ID } from './cognitoIdentityApi.js';
export type { DevIdpIdentityPoolOptions } from './cognitoIdentityApi.js';
export { DEV_IDP_USER_POOL_ID } from './srpVerifiers.js';
export type {
  DevIdp,
  DevIdpAuthFlow,
  DevIdpClient,
  DevIdpLogoutResult,
  DevIdpMode,
  DevIdpOptions,
  DevIdpSigningAlg,
  DevIdpStats,
  DevIdpUserInput,
  SignInResult,
  SignInWithPasswordOptions,
} from './types.js';
