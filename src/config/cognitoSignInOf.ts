import { invalidConfig } from './invalidConfig.js';
import type { CognitoAuthFlow, CognitoEndpointOptions, ResolvedAuthConfig } from './types.js';

const POOL_ID = /^[a-z]{2}(?:-[a-z]+)+-\d_[0-9A-Za-z]+$/;
const COGNITO_ISSUER = /^https:\/\/cognito-idp\.[a-z0-9-]+\.amazonaws\.com\/([\w-]+)$/;

/**
 * `cognito.signIn`'s settings of a Cognito config: the auth flow
 * (`runtimeOptions.cognito.authFlow`, default USER_SRP_AUTH) and the user
 * pool id SRP hashes with (from the outputs, the Cognito issuer, or
 * `runtimeOptions.cognito.userPoolId`). Nothing for generic OIDC configs.
 *
 * @example
 * ```ts
 * cognitoSignInOf(config, { authFlow: 'USER_PASSWORD_AUTH' }, 'us-east-1_abc'); // { authFlow: 'USER_PASSWORD_AUTH', userPoolId: 'us-east-1_abc' }
 * ```
 */
export function cognitoSignInOf(
  config: ResolvedAuthConfig,
  cognito: CognitoEndpointOptions | undefined,
  outputsPoolId: string | undefined,
): Pick<ResolvedAuthConfig, 'authFlow' | 'userPoolId'> {
  const flow: unknown = cognito?.authFlow;
  if (flow !== undefined && flow !== 'USER_SRP_AUTH' && flow !== 'USER_PASSWORD_AUTH') {
    throw invalidConfig('runtimeOptions.cognito.authFlow', 'must be "USER_SRP_AUTH" or "USER_PASSWORD_AUTH"');
  }
  const given: unknown = cognito?.userPoolId;
  if (given !== undefined && (typeof given !== 'string' || !POOL_ID.test(given))) {
    throw invalidConfig('runtimeOptions.cognito.userPoolId', `must look like "us-east-1_AbC123xYz" (got ${JSON.stringify(given)})`);
  }
  if (config.flavor !== 'cognito') return {};
  const known = outputsPoolId ?? COGNITO_ISSUER.exec(config.issuer)?.[1];
  if (given !== undefined && known !== undefined && given !== known) {
    throw invalidConfig('runtimeOptions.cognito.userPoolId', `is ${JSON.stringify(given)} but the config names the pool ${JSON.stringify(known)}: leave it out`);
  }
  const userPoolId = known ?? (given as string | undefined);
  return { authFlow: (flow as CognitoAuthFlow | undefined) ?? 'USER_SRP_AUTH', ...(userPoolId === undefined ? {} : { userPoolId }) };
}
