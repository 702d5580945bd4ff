// Cognito's `identity_provider` values for the social providers it has built in.
const BUILT_IN: Record<string, string> = {
  google: 'Google',
  facebook: 'Facebook',
  amazon: 'LoginWithAmazon',
  apple: 'SignInWithApple',
  cognito: 'COGNITO',
};

/**
 * Maps `?provider=` to Cognito's `identity_provider` name: `google` →
 * `Google`, `apple` → `SignInWithApple`, …; other names (SAML / OIDC
 * federations) pass through when they are plausible identifiers.
 *
 * @example
 * ```ts
 * cognitoIdentityProvider('amazon'); // 'LoginWithAmazon'
 * cognitoIdentityProvider('AcmeSAML'); // 'AcmeSAML'
 * ```
 */
export function cognitoIdentityProvider(provider: string): string | undefined {
  const builtIn = BUILT_IN[provider.toLowerCase()];
  if (builtIn) return builtIn;
  return /^[\w.-]{1,64}$/.test(provider) ? provider : undefined;
}
