// Part 8's dev IdP in its own process, so the bench process's CPU time is the
// library's alone. Options: JSON in argv[2] (startDevIdp's, port 0). Prints
// `READY <issuer>` on stdout; stops on SIGTERM.
import { startDevIdp } from '../dist/dev-idp/index.js';

const idp = await startDevIdp({ ...JSON.parse(process.argv[2] ?? '{}'), port: 0, quiet: true });
process.stdout.write(`READY ${idp.issuer}\n`);
process.on('SIGTERM', () => void idp.close().finally(() => process.exit(0)));
