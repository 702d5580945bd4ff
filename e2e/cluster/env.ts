// Where the `cluster` project's stack listens (playwright.config.ts starts it
// with scripts/start-cluster.mjs in server-session mode; the specs in this
// folder use it). Ports differ from every other stack and from
// scripts/check-cluster.mjs (3560-3570).
export const CLUSTER_PORT = Number(process.env.E2E_CLUSTER_PORT ?? 3600);
/** The three `next start` instances, reached directly (bypassing the round-robin proxy). */
export const CLUSTER_INSTANCE_PORTS = [CLUSTER_PORT + 1, CLUSTER_PORT + 2, CLUSTER_PORT + 3] as const;
/** The redis-server start-cluster.mjs starts (CLUSTER_REDIS_PORT): the specs pause it. */
export const CLUSTER_REDIS_PORT = CLUSTER_PORT + 9;
export const CLUSTER_IDP_PORT = CLUSTER_PORT + 10;
export const CLUSTER_URL = `http://localhost:${CLUSTER_PORT}`;
export const CLUSTER_IDP_URL = `http://127.0.0.1:${CLUSTER_IDP_PORT}`;
/** Users of this stack's dev IdP: one per test, so a test's session list holds only its own sessions. */
export const CLUSTER_USERS_FILE = 'e2e/cluster/users.json';
