export { createServerRunner } from './createServerRunner.js';
export type { ServerRunner, ServerRunnerInput } from './createServerRunner.js';
export { AuthError, isAuthError } from './errors/AuthError.js';
export { safeReturnPath } from './oauth/safeReturnPath.js';
export type { AuthErrorCode } from './errors/AuthError.js';
export type { AmplifyOutputs, AmplifyAuthOutputs, OidcProviderConfig, AuthConfigInput, CognitoEndpointOptions } from './config/types.js';
export type { RuntimeOptions } from './config/runtimeOptions.js';
export type { NextServerContext } from './context/NextServerContext.js';
export type { ContextSpec } from './context/ContextSpec.js';
export type { RunWithServerContext, RunWithServerContextInput } from './context/createRunWithServerContext.js';
export type { JWT, JWTClaims } from './tokens/JWT.js';
export type { AccessTokenClaims, IdTokenClaims, NoCustomClaims, OtherClaims, RegisteredClaims, StandardClaims, UserInfoClaims } from './tokens/claims.js';
export type { ServerActions, SignInActionOptions } from './routes/createServerActions.js';
export type {
  CodeDelivery,
  CognitoActions,
  CognitoConfirmResetPasswordInput,
  CognitoConfirmSignUpInput,
  CognitoResetPasswordInput,
  CognitoSignInInput,
  CognitoSignUpInput,
} from './routes/cognito/createCognitoActions.js';
export type { AuthRouteHandlerOptions } from './routes/AuthRouteHandlerOptions.js';
export type { AuthRouteHandlers, AuthRouteContext } from './routes/createAuthRouteHandlers.js';
export type { AuthGuardOptions, GuardRule } from './guard/AuthGuardOptions.js';
export type { AuthGuard } from './guard/createAuthGuard.js';
export type { ApiProxyOptions, ApiProxyRoute } from './api-proxy/ApiProxyOptions.js';
export type { ApiProxy } from './api-proxy/ApiProxy.js';
export type { AuthEvents, AuthEventUser } from './config/AuthEvents.js';
export type { AuthStore } from './store/AuthStore.js';
export type { AuthUser } from './context/userOf.js';
export type { SessionInfo } from './context/SessionInfo.js';
