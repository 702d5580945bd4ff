import type * as OidcProvider from 'oidc-provider';

type OidcProviderModule = typeof OidcProvider;

let loading: Promise<OidcProviderModule> | undefined;

/** What to run when oidc-provider cannot be imported (the CLI prints it as is). */
export const MISSING_OIDC_PROVIDER =
  'The next-server-auth dev IdP needs the "oidc-provider" package. Install it as a devDependency of your app: npm i -D oidc-provider';

/** "Install it" only when it is not installed; any other failure keeps its own message. */
function loadError(cause: unknown): Error {
  const code = (cause as { code?: unknown } | null)?.code;
  if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') return new Error(MISSING_OIDC_PROVIDER, { cause });
  return new Error(`The next-server-auth dev IdP could not load "oidc-provider": ${(cause as Error | null)?.message ?? String(cause)}`, { cause });
}

/**
 * Imports oidc-provider once, lazily (it is an optional peer dependency),
 * hiding its "Unsupported runtime" notice: it works on Node 20, and the dev
 * IdP is not a production server. When it is missing, rejects with
 * {@link MISSING_OIDC_PROVIDER} (`npm i -D oidc-provider`). `importModule`
 * replaces the import (tests).
 *
 * @example
 * ```ts
 * const { Provider, interactionPolicy } = await loadOidcProvider();
 * ```
 */
export function loadOidcProvider(importModule?: () => Promise<OidcProviderModule>): Promise<OidcProviderModule> {
  // A given importer (tests) is neither cached nor stored.
  if (importModule) return importModule().catch((cause: unknown) => Promise.reject(loadError(cause)));
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
      throw loadError(cause);
    } finally {
      console.warn = warn;
    }
  })();
  return loading;
}
