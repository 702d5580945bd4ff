/**
 * Cognito's `AuthenticationResult` answer (InitiateAuth, RespondToAuthChallenge):
 * the shape Amplify and the AWS SDK read. Without a refresh token (a refresh
 * without rotation) the field is left out, as Cognito does.
 *
 * @example
 * ```ts
 * return cognitoAuthResult({ idToken, accessToken, refreshToken, expiresIn: 3600 });
 * ```
 */
export function cognitoAuthResult(tokens: { idToken: string; accessToken: string; refreshToken?: string | undefined; expiresIn: number }): Record<string, unknown> {
  return {
    ChallengeParameters: {},
    AuthenticationResult: {
      AccessToken: tokens.accessToken,
      ExpiresIn: tokens.expiresIn,
      TokenType: 'Bearer',
      IdToken: tokens.idToken,
      ...(tokens.refreshToken === undefined ? {} : { RefreshToken: tokens.refreshToken }),
    },
  };
}
