/** The tokens of one signed-in user, as compact strings. */
export interface TokenSet {
  idToken: string;
  accessToken: string;
  refreshToken?: string;
}
