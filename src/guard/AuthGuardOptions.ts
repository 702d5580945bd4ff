/** One path rule of the guard. The first rule that matches a path decides. */
export interface GuardRule {
  /**
   * `'/dashboard'` matches `/dashboard` and everything under it
   * (`/dashboard/settings`), never `/dashboards`. A RegExp is tested against
   * the pathname (its `g`/`y` flags are ignored).
   *
   * Rules see the path Next routes: percent-decoded segment by segment, with
   * duplicate and trailing slashes dropped (`/reports/%34%32` is
   * `/reports/42`). A path that can be read more than one way (malformed
   * escapes, encoded `/` or `\`, an encoded `%`, NUL, encoded dot segments,
   * `;`) is refused when any reading falls under a protected rule.
   */
  path: string | RegExp;
  /** The user must be in at least one of these groups (`cognito:groups` or the configured claim). */
  groups?: string[];
  /** Explicitly public: stops rule matching, nothing is checked. */
  public?: boolean;
  /**
   * Step-up (RFC 9470): the user must have authenticated at the IdP at most
   * this many seconds ago (the ID token's `auth_time`, with
   * `tokens.clockSkew` of tolerance). A page request whose session is older
   * is sent through sign-in with `max_age` and comes back; an API request or
   * server action gets `401` with `WWW-Authenticate: Bearer
   * error="insufficient_user_authentication", …, max_age=…`. A whole number
   * from 0 to 31536000.
   * @default undefined (any age)
   * @example
   * ```ts
   * { path: '/account/security', maxAge: 300 }
   * ```
   */
  maxAge?: number;
  /**
   * Step-up (RFC 9470): the ID token's `acr` must be this value, or one of
   * these (any of). Otherwise pages go through sign-in with `acr_values`,
   * API requests get the `401` challenge with `acr_values="…"`. Values are
   * your IdP's (`mfa` for the dev IdP's second factor; a URN or a level
   * elsewhere). Not available with Cognito user pools (no `acr` claim):
   * `createAuthGuard` throws `InvalidConfig`.
   * @default undefined (any acr, or none)
   * @example
   * ```ts
   * { path: '/admin/billing', maxAge: 300, acr: 'mfa' }
   * ```
   */
  acr?: string | string[];
}

/** Options of `createAuthGuard`. */
export interface AuthGuardOptions {
  rules: GuardRule[];
  /**
   * The sign-in route; signed-out page requests are redirected here with
   * `returnTo`. Prefer setting `runtimeOptions.signInPath` once: `requireUser`
   * and the `signIn` server action use that one.
   * @default runtimeOptions.signInPath ('/api/auth/sign-in')
   */
  signInPath?: string;
  /** Path prefixes answered with 401/403 JSON instead of a redirect. @default ['/api/'] */
  apiPrefixes?: string[];
  /**
   * Renders the page a signed-in user gets when they lack a required group;
   * the response is always sent with status 403. (A rewrite to an app page
   * cannot carry a 403: Next drops the status of middleware rewrites.)
   * @default a small built-in 403 page
   */
  forbidden?: (request: Request) => Response | Promise<Response>;
}
