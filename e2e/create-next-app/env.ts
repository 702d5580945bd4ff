// Where the create-next-app project's stack listens (playwright.config.ts
// starts it; the specs in this folder use it), and the file its server log
// (next build + next start) goes to.
export const CNA_APP_PORT = Number(process.env.E2E_CNA_APP_PORT ?? 3140);
export const CNA_IDP_PORT = Number(process.env.E2E_CNA_IDP_PORT ?? 3340);
export const CNA_APP_URL = `http://localhost:${CNA_APP_PORT}`;
export const CNA_IDP_URL = `http://127.0.0.1:${CNA_IDP_PORT}`;
export const CNA_APP_DIR = 'e2e/apps/create-next-app';
export const CNA_LOG = '.e2e/create-next-app.log';
