import type { AmplifyOutputs, AuthConfigInput, CognitoEndpointOptions, OidcProviderConfig, ResolvedAuthConfig } from './types.js';
import { cognitoSignInOf } from './cognitoSignInOf.js';
import { invalidConfig } from './invalidConfig.js';
import { parseAmplifyOutputs } from './parseAmplifyOutputs.js';
import { parseOidcConfig } from './parseOidcConfig.js';

/**
 * Validates the config once, at start-up. Throws `AuthError('InvalidConfig')`
 * naming the first bad field.
 *
 * @example
 * ```ts
 * import outputs from './amplify_outputs.json';
 * const config = parseAuthConfig(outputs, 'https://app.example.com');
 * config.issuer; // 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_abc123'
 * ```
 */
export function parseAuthConfig(input: AuthConfigInput, origin: string, cognito?: CognitoEndpointOptions): ResolvedAuthConfig {
  if (typeof input !== 'object' || input === null) throw invalidConfig('config', 'must be amplify_outputs.json contents or { oidc: {...} }');
  if (cognito !== undefined && (typeof cognito !== 'object' || cognito === null)) throw invalidConfig('runtimeOptions.cognito', 'must be an object');
  if ('oidc' in input && input.oidc !== undefined) {
    if (cognito?.userPoolEndpoint !== undefined) {
      throw invalidConfig('runtimeOptions.cognito.userPoolEndpoint', 'applies to amplify_outputs.json configs only (an { oidc } config names its issuer)');
    }
    const config = parseOidcConfig(input as OidcProviderConfig, origin);
    return { ...config, ...cognitoSignInOf(config, cognito, undefined) };
  }
  if ('auth' in input) {
    const config = parseAmplifyOutputs(input as AmplifyOutputs, origin, cognito);
    return { ...config, ...cognitoSignInOf(config, cognito, (input as AmplifyOutputs).auth.user_pool_id) };
  }
  throw invalidConfig('config', 'must have an "auth" section (amplify_outputs.json) or an "oidc" section');
}
