import type { JWTPayload } from 'jose';

/** A decoded JSON Web Token: its claims, and its compact form via `toString()`. */
export interface JWT {
  readonly payload: JWTPayload & Record<string, unknown>;
  toString(): string;
}
