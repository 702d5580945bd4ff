#!/usr/bin/env node
// next-server-auth-dev-idp: starts the development IdP until SIGINT/SIGTERM.
import { CliUsageError, parseCliArgs, USAGE } from './parseCliArgs.js';
import { resolveOptions } from './resolveOptions.js';
import { startDevIdp } from './startDevIdp.js';
import type { DevIdp } from './types.js';

async function main(): Promise<void> {
  let parsed: ReturnType<typeof parseCliArgs>;
  try {
    parsed = parseCliArgs(process.argv.slice(2), process.env);
    // Bad values (a non-loopback host, say) are usage errors too: exit 2 before starting.
    resolveOptions(parsed.options);
  } catch (error) {
    const message = error instanceof CliUsageError ? `${error.message}\n\n${USAGE}` : (error as Error).message;
    console.error(`next-server-auth-dev-idp: ${message}`);
    process.exit(2);
  }
  if (parsed.help) {
    console.log(USAGE);
    return;
  }

  let idp: DevIdp;
  try {
    idp = await startDevIdp(parsed.options);
  } catch (error) {
    console.error(`next-server-auth-dev-idp: ${(error as Error).message}`);
    process.exit(1);
  }

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    idp.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(`next-server-auth-dev-idp: error while stopping on ${signal}`, error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

await main();
