export { fetchAuthSession } from './context/fetchAuthSession.js';
export type { AuthSession, FetchAuthSessionOptions } from './context/fetchAuthSession.js';
export type { AwsCredentials } from './context/createIdentityCredentials.js';
export { getAccessToken } from './context/getAccessToken.js';
export type { AccessTokenResult, GetAccessTokenOptions } from './context/getAccessToken.js';
export { getCurrentUser } from './context/getCurrentUser.js';
export type { AuthUser } from './context/getCurrentUser.js';
export { requireUser } from './context/requireUser.js';
export type { RequireUserOptions } from './context/requireUser.js';
export { requireAuth } from './context/requireAuth.js';
export type { RequireAuthOptions } from './context/requireAuth.js';
export { getClientSession } from './context/getClientSession.js';
export type { ClientSession, ClientUser } from './context/getClientSession.js';
export { fetchUserAttributes } from './context/fetchUserAttributes.js';
export type { UserAttributes } from './context/fetchUserAttributes.js';
export { listSessions } from './context/listSessions.js';
export { revokeSession } from './context/revokeSession.js';
export { signOutEverywhere } from './context/signOutEverywhere.js';
export type { SessionInfo } from './context/SessionInfo.js';
export { AuthError, isAuthError } from './errors/AuthError.js';
export type { ContextSpec } from './context/ContextSpec.js';
export type { JWT, JWTClaims } from './tokens/JWT.js';
export type {
  AccessTokenClaims,
  IdTokenClaims,
  NoCustomClaims,
  OtherClaims,
  RegisteredClaims,
  StandardClaims,
  UserInfoClaims,
} from './tokens/claims.js';
