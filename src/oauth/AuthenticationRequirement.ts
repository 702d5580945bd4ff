/**
 * What a page, an API or a server action asks of the user's authentication
 * (RFC 9470 step-up; OIDC Core `max_age` / `acr_values`), normalised and
 * checked (see `toAuthenticationRequirement`). At least one field is set.
 */
export interface AuthenticationRequirement {
  /** Seconds since the ID token's `auth_time`; checked with the clock skew (`tokens.clockSkew`). */
  readonly maxAge?: number;
  /** The ID token's `acr` must be one of these (any of), in the order given. */
  readonly acrValues?: readonly string[];
}

/** Largest `maxAge` accepted: one year, in seconds. */
export const MAX_AGE_LIMIT = 31_536_000;

/** Most `acr` values one requirement may list. */
export const MAX_ACR_VALUES = 10;

/**
 * One `acr` value: 1 to 128 printable ASCII characters, no space (the
 * separator of `acr_values`), no `"` or `\` (so it can be quoted in a
 * `WWW-Authenticate` header without escaping).
 */
export const ACR_VALUE = /^[\x21\x23-\x5b\x5d-\x7e]{1,128}$/;
