/** One sign-in in flight: what the callback needs to finish it safely. */
export interface AuthTransaction {
  state: string;
  nonce: string;
  codeVerifier: string;
  /** Same-origin relative path to land on afterwards. */
  returnTo: string;
  redirectUri: string;
  /** Epoch milliseconds. */
  createdAt: number;
}
