import { formatAppSetup, identityPoolLine } from './formatAppSetup.js';
import { CliUsageError, parseCliArgs, USAGE } from './parseCliArgs.js';
import { resolveOptions } from './resolveOptions.js';
import { startDevIdp } from './startDevIdp.js';
import type { DevIdp, DevIdpOptions } from './types.js';

/** Printed when the IdP runs with its default client (the example app). */
export const APP_ORIGIN_HINT = '  client next-server-auth-example (the example app). For your own app: --app-origin http://localhost:3000';

/** Where the CLI writes, and how it starts the IdP (seams for in-process tests). */
export interface CliIo {
  log(text: string): void;
  error(text: string): void;
  /** @default startDevIdp */
  start?: (options: DevIdpOptions) => Promise<DevIdp>;
}

/**
 * `next-server-auth-dev-idp` without the process around it: parses the
 * arguments, starts the IdP and, with `--app-origin`, prints the app's
 * `auth.ts` and `.env.local` lines. Resolves to the running IdP, or to the
 * exit code when nothing is left running (2: bad usage, 1: start failed,
 * 0: `--help`).
 *
 * @example
 * ```ts
 * const result = await runCli(process.argv.slice(2), process.env, console);
 * if (!('idp' in result)) process.exit(result.exitCode);
 * ```
 */
export async function runCli(argv: string[], env: Record<string, string | undefined>, io: CliIo): Promise<{ idp: DevIdp } | { exitCode: number }> {
  let parsed: ReturnType<typeof parseCliArgs>;
  try {
    parsed = parseCliArgs(argv, env);
    // Bad values (a non-loopback host, say) are usage errors too: exit 2 before starting.
    resolveOptions(parsed.options);
  } catch (error) {
    const message = error instanceof CliUsageError ? `${error.message}\n\n${USAGE}` : (error as Error).message;
    io.error(`next-server-auth-dev-idp: ${message}`);
    return { exitCode: 2 };
  }
  if (parsed.help) {
    io.log(USAGE);
    return { exitCode: 0 };
  }

  let idp: DevIdp;
  try {
    idp = await (io.start ?? startDevIdp)(parsed.options);
  } catch (error) {
    io.error(`next-server-auth-dev-idp: ${(error as Error).message}`);
    return { exitCode: 1 };
  }
  if (parsed.appOrigin !== undefined) {
    const { options } = parsed;
    io.log(
      formatAppSetup({
        issuer: idp.issuer,
        mode: options.mode ?? 'cognito',
        client: options.clients![0]!,
        appOrigin: parsed.appOrigin,
        ...(typeof options.users === 'string' ? { usersFile: options.users } : {}),
        ...(options.identityPool ? { identityPool: options.identityPool } : {}),
      }),
    );
    return { idp };
  }
  if (parsed.options.clients === undefined) io.log(APP_ORIGIN_HINT);
  if (parsed.options.identityPool) io.log(identityPoolLine(parsed.options.identityPool));
  return { idp };
}
