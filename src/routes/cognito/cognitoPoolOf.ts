import { AuthError } from '../../errors/AuthError.js';
import type { ResolvedAuthConfig } from '../../config/types.js';

const AWS_ISSUER = /^https:\/\/cognito-idp\.([a-z0-9-]+)\.amazonaws\.com\/[A-Za-z0-9-]+_[A-Za-z0-9]+$/;

/** Where the Cognito user-pool JSON API of a config is. */
export interface CognitoPool {
  region: string;
  /** Absent for a real pool (the SDK's regional endpoint); the local server's URL otherwise. */
  endpoint?: string;
}

/**
 * The pool behind a Cognito config: a real pool's region from its issuer,
 * or `runtimeOptions.cognito.userPoolEndpoint` (which becomes the issuer) for
 * a local server such as the dev IdP. A generic OIDC config has no such API:
 * `InvalidConfig` naming why.
 *
 * @example
 * ```ts
 * cognitoPoolOf(runtime.config); // { region: 'eu-west-1' }
 * ```
 */
export function cognitoPoolOf(config: ResolvedAuthConfig): CognitoPool {
  if (config.flavor !== 'cognito') {
    throw new AuthError(
      'InvalidConfig',
      'cognito.* server actions need a Cognito user pool (amplify_outputs.json, or an { oidc } config with flavor "cognito"): a generic OIDC provider has no Cognito user-pool API; use signIn() (the hosted sign-in redirect) instead',
    );
  }
  const aws = AWS_ISSUER.exec(config.issuer);
  if (aws) return { region: aws[1]! };
  // userPoolEndpoint: the issuer is the local server's URL, and so is its JSON API.
  return { region: 'us-east-1', endpoint: config.issuer };
}
