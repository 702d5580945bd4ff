import type { JWTPayload } from 'jose';

/** The signed-in user. */
export interface AuthUser {
  /** Cognito's `username` (access token), else `cognito:username` / `preferred_username` (ID token), else `sub`. */
  username: string;
  /** The `sub` claim: stable and unique per user. */
  userId: string;
  signInDetails?: { loginId?: string };
}

function firstString(...values: unknown[]): string | undefined {
  return values.find((v): v is string => typeof v === 'string' && v !== '');
}

/** Derives the user from token claims; `undefined` when there is no subject. */
export function userOf(id: JWTPayload & Record<string, unknown>, access: JWTPayload & Record<string, unknown>): AuthUser | undefined {
  const userId = firstString(id.sub, access.sub);
  if (userId === undefined) return undefined;
  const username = firstString(access.username, id['cognito:username'], id.preferred_username, userId) as string;
  const loginId = firstString(id.email, id.phone_number, id.preferred_username);
  return { username, userId, ...(loginId ? { signInDetails: { loginId } } : {}) };
}
