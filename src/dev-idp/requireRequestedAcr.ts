import type { Policy, interactionPolicy as InteractionPolicy } from 'oidc-provider';

/**
 * Makes oidc-provider's `login` prompt honour `acr_values` (which it treats
 * as voluntary: only an essential `acr` in the `claims` parameter prompts by
 * default): an authorization request asking for `acr_values` that include
 * one of `supported` gets the login prompt when the IdP session's `acr` is
 * none of them, as Keycloak, Okta and Auth0 do for step-up. Requests naming
 * only unsupported values are answered with the session as it is (the
 * client then sees an `acr` it did not ask for).
 *
 * @example
 * ```ts
 * requireRequestedAcr(policy, interactionPolicy, ['pwd', 'mfa']);
 * ```
 */
export function requireRequestedAcr(policy: Policy, api: typeof InteractionPolicy, supported: readonly string[]): void {
  const { Check } = api;
  policy.get('login')?.checks.add(
    new Check('acr_values', 'the requested authentication context class is not met by the session', (ctx) => {
      const requested = ctx.oidc?.params?.acr_values;
      if (typeof requested !== 'string') return Check.NO_NEED_TO_PROMPT;
      const values = requested.split(' ').filter((v) => supported.includes(v));
      if (values.length === 0) return Check.NO_NEED_TO_PROMPT;
      const acr = ctx.oidc?.session?.acr;
      return acr !== undefined && values.includes(acr) ? Check.NO_NEED_TO_PROMPT : Check.REQUEST_PROMPT;
    }),
  );
}
