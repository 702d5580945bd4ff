// A stand-in for an app's back-channel logout route: a loopback HTTP server
// that records every POSTed logout_token and answers with `status`.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedLogout {
  contentType: string | undefined;
  logoutToken: string | undefined;
}

export interface LogoutReceiver {
  /** `http://127.0.0.1:<port>/api/auth/backchannel-logout` */
  readonly url: string;
  readonly received: ReceivedLogout[];
  /** What the receiver answers; default 200. */
  status: number;
  close(): Promise<void>;
}

export async function startLogoutReceiver(): Promise<LogoutReceiver> {
  const received: ReceivedLogout[] = [];
  const receiver = { status: 200 };
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      if (req.method === 'POST') {
        received.push({ contentType: req.headers['content-type'], logoutToken: new URLSearchParams(body).get('logout_token') ?? undefined });
      }
      res.writeHead(receiver.status, { 'cache-control': 'no-store' }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(receiver, {
    url: `http://127.0.0.1:${port}/api/auth/backchannel-logout`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  });
}
