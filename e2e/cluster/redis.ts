// Controls the cluster's redis-server from the specs over a raw RESP
// connection (no client library: the specs send a handful of commands).
import { connect } from 'node:net';

type Reply = string | number | null | Error | Reply[];

/** Parses one RESP reply at `at`; undefined while the buffer holds only part of it. */
function parse(buf: string, at: number): [Reply, number] | undefined {
  const end = buf.indexOf('\r\n', at);
  if (end < 0) return undefined;
  const type = buf[at];
  const line = buf.slice(at + 1, end);
  const next = end + 2;
  if (type === '+') return [line, next];
  if (type === '-') return [new Error(line), next];
  if (type === ':') return [Number(line), next];
  if (type === '$') {
    const length = Number(line);
    if (length < 0) return [null, next];
    // Replies here are ASCII (INFO, OK): characters are bytes.
    if (buf.length < next + length + 2) return undefined;
    return [buf.slice(next, next + length), next + length + 2];
  }
  if (type === '*') {
    const count = Number(line);
    if (count < 0) return [null, next];
    const items: Reply[] = [];
    let pos = next;
    for (let i = 0; i < count; i++) {
      const item = parse(buf, pos);
      if (!item) return undefined;
      items.push(item[0]);
      pos = item[1];
    }
    return [items, pos];
  }
  throw new Error(`unexpected RESP reply: ${JSON.stringify(buf.slice(at, end))}`);
}

/** Sends `commands` on one connection and resolves with their replies (5 s at most). */
export function redisCommands(port: number, commands: string[][]): Promise<Reply[]> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let buf = '';
    const replies: Reply[] = [];
    let pos = 0;
    socket.setTimeout(5000, () => socket.destroy(new Error(`redis on ${port} did not answer ${JSON.stringify(commands)}`)));
    socket.once('error', reject);
    socket.once('connect', () => {
      socket.write(commands.map((args) => `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`).join(''));
    });
    socket.on('data', (chunk) => {
      buf += chunk.toString('latin1');
      for (let item = parse(buf, pos); item; item = parse(buf, pos)) {
        replies.push(item[0]);
        pos = item[1];
      }
      if (replies.length === commands.length) {
        socket.end();
        resolve(replies);
      }
    });
  });
}

/**
 * Makes Redis unreachable as an outage would, until the returned `resume` is
 * called: drops every client connection (the instances' store and pub/sub
 * connections, so each instance sees its subscription go down) while a short
 * CLIENT PAUSE holds their reconnects, then freezes the process (SIGSTOP)
 * before that pause ends. Connections then hang and time out; nothing stored is
 * lost. `resume` (SIGCONT) lets everything reconnect.
 */
export async function freezeRedis(port: number, { dropConnections = true } = {}): Promise<{ resume: () => void }> {
  const [info] = await redisCommands(port, [['INFO', 'server']]);
  const pid = Number(/process_id:(\d+)/.exec(String(info))?.[1]);
  if (!Number.isInteger(pid) || pid <= 0) throw new Error(`no process_id in INFO server of redis on ${port}`);
  // One transaction: the kills and the pause take effect together, so no
  // client gets back in between. 3 s is far longer than the SIGSTOP below takes.
  const replies = !dropConnections ? [[]] : await redisCommands(port, [
    ['MULTI'],
    ['CLIENT', 'PAUSE', '3000', 'ALL'],
    ['CLIENT', 'KILL', 'TYPE', 'pubsub'],
    ['CLIENT', 'KILL', 'TYPE', 'normal', 'SKIPME', 'yes'],
    ['EXEC'],
  ]);
  const exec = replies.at(-1);
  if (!Array.isArray(exec) || exec.some((r) => r instanceof Error)) throw new Error(`freezing redis failed: ${JSON.stringify(replies)}`);
  process.kill(pid, 'SIGSTOP');
  let resumed = false;
  return {
    resume: () => {
      if (resumed) return;
      resumed = true;
      process.kill(pid, 'SIGCONT');
    },
  };
}
