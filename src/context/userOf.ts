import { groupsFromClaims } from './groupsOf.js';

/** The signed-in user. */
export interface AuthUser {
  /** Cognito's `username` (access token), else `cognito:username` / `preferred_username` (ID token), else `sub`. */
  username: string;
  /** The `sub` claim: stable and unique per user. */
  userId: string;
  /**
   * The user's groups: the `groupsClaim` of the config (`cognito:groups` by
   * default), from the ID token, else the access token; `[]` when neither has it.
   */
  groups: string[];
  signInDetails?: { loginId?: string };
}

function firstString(...values: unknown[]): string | undefined {
  return values.find((v): v is string => typeof v === 'string' && v !== '');
}

/** Derives the user from token claims; `undefined` when there is no subject. */
export function userOf(id: Record<string, unknown>, access: Record<string, unknown>, groupsClaim = 'cognito:groups'): AuthUser | undefined {
  const userId = firstString(id.sub, access.sub);
  if (userId === undefined) return undefined;
  const username = firstString(access.username, id['cognito:username'], id.preferred_username, userId) as string;
  const loginId = firstString(id.email, id.phone_number, id.preferred_username);
  return { username, userId, groups: groupsFromClaims(id, access, groupsClaim), ...(loginId ? { signInDetails: { loginId } } : {}) };
}
