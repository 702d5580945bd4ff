// The stacks the specs in this folder run against, one per Playwright project
// (playwright.config.ts starts them): where each listens, the app folder it
// builds and runs, and the file its server log (next build + next start) goes
// to. Both run the same app, e2e/apps/create-next-app: `create-next-app`
// against the dev IdP in its default cognito mode, `create-next-app-oidc`
// against the dev IdP as a standard OIDC provider (DEV_IDP_MODE=oidc, which
// the app's auth.ts turns into `flavor: 'generic'`), built from a copy in a
// gitignored folder so the two builds do not share a .next.
export const CNA_APP_DIR = 'e2e/apps/create-next-app';

export interface CnaStack {
  /** The Playwright project that runs against this stack. */
  project: string;
  /** The dev IdP's mode (DEV_IDP_MODE), and with it the app's flavor. */
  idpMode: 'cognito' | 'oidc';
  appPort: number;
  idpPort: number;
  appUrl: string;
  idpUrl: string;
  /** The folder that is built and run (a copy of CNA_APP_DIR for the oidc stack). */
  appDir: string;
  log: string;
}

function stack(project: string, idpMode: CnaStack['idpMode'], appPort: number, idpPort: number, appDir: string, log: string): CnaStack {
  return { project, idpMode, appPort, idpPort, appUrl: `http://localhost:${appPort}`, idpUrl: `http://127.0.0.1:${idpPort}`, appDir, log };
}

export const CNA_STACKS: readonly CnaStack[] = [
  stack('create-next-app', 'cognito', Number(process.env.E2E_CNA_APP_PORT ?? 3140), Number(process.env.E2E_CNA_IDP_PORT ?? 3340), CNA_APP_DIR, '.e2e/create-next-app.log'),
  stack(
    'create-next-app-oidc',
    'oidc',
    Number(process.env.E2E_CNA_OIDC_APP_PORT ?? 3150),
    Number(process.env.E2E_CNA_OIDC_IDP_PORT ?? 3350),
    '.e2e/create-next-app-oidc',
    '.e2e/create-next-app-oidc.log',
  ),
];

/** The stack of a Playwright project (in a test: `cnaStack(test.info().project.name)`). */
export function cnaStack(project: string): CnaStack {
  const found = CNA_STACKS.find((s) => s.project === project);
  if (!found) throw new Error(`no create-next-app stack for the Playwright project ${JSON.stringify(project)}`);
  return found;
}
