export { fetchAuthSession } from './context/fetchAuthSession.js';
export type { AuthSession, FetchAuthSessionOptions } from './context/fetchAuthSession.js';
export { getCurrentUser } from './context/getCurrentUser.js';
export type { AuthUser } from './context/getCurrentUser.js';
export { fetchUserAttributes } from './context/fetchUserAttributes.js';
export type { UserAttributes } from './context/fetchUserAttributes.js';
export { AuthError, isAuthError } from './errors/AuthError.js';
export type { ContextSpec } from './context/ContextSpec.js';
export type { JWT } from './tokens/JWT.js';
