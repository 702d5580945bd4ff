// The example app's resource server (example-app/resource-server.mjs) as the
// config's chromium stack runs it: its port and its test counters.

/** The port playwright.config.ts gives the chromium stack's resource server. */
export const RESOURCE_PORT = Number(process.env.E2E_RESOURCE_PORT ?? 3450);
export const RESOURCE_URL = `http://127.0.0.1:${RESOURCE_PORT}`;

/** What the resource server counted since its last reset (never a token: a hash of the last one). */
export interface ResourceStats {
  requests: number;
  byPath: Record<string, number>;
  authorized: number;
  rejected: number;
  distinctTokens: number;
  lastTokenSha256: string | null;
}

export async function resourceStats(url = RESOURCE_URL): Promise<ResourceStats> {
  return (await (await fetch(`${url}/stats`)).json()) as ResourceStats;
}

export async function resetResourceStats(url = RESOURCE_URL): Promise<void> {
  const res = await fetch(`${url}/stats/reset`, { method: 'POST' });
  if (res.status !== 204) throw new Error(`resource server: stats reset answered ${res.status}`);
}
