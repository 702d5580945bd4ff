#!/usr/bin/env node
// next-server-auth-dev-idp: starts the development IdP until SIGINT/SIGTERM.
import { runCli } from './runCli.js';

async function main(): Promise<void> {
  const result = await runCli(process.argv.slice(2), process.env, { log: console.log, error: console.error });
  if (!('idp' in result)) {
    if (result.exitCode !== 0) process.exit(result.exitCode);
    return;
  }
  const { idp } = result;

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
