import type * as OidcProvider from 'oidc-provider';

type OidcProviderModule = typeof OidcProvider;

let loading: Promise<OidcProviderModule> | undefined;

/**
 * Imports oidc-provider once, lazily (it is an optional peer dependency),
 * hiding its "Unsupported runtime" notice: it works on Node 20, and the dev
 * IdP is not a production server.
 *
 * @example
 * ```ts
 * const { Provider, interactionPolicy } = await loadOidcProvider();
 * ```
 */
export function loadOidcProvider(): Promise<OidcProviderModule> {
  loading ??= (async () => {
    const warn = console.warn;
    console.warn = (...args: unknown[]) => {
      if (typeof args[0] === 'string' && args[0].includes('Unsupported runtime')) return;
      warn.apply(console, args);
    };
    try {
      return await import('oidc-provider');
    } catch (cause) {
      loading = undefined;
      throw new Error('The next-server-auth dev IdP needs the "oidc-provider" package: npm install --save-dev oidc-provider', {
        cause,
      });
    } finally {
      console.warn = warn;
    }
  })();
  return loading;
}
