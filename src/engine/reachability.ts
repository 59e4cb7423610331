import { connect } from 'node:net';
import { StartError } from '../config/errors.js';

/**
 * A TCP connect to each origin before any load: an unreachable target is exit 3 with one line,
 * and no HTTP request is sent (so server-side counts stay equal to ours).
 */
export async function assertReachable(urls: string[], timeoutMs = 5000): Promise<void> {
  const origins = [...new Set(urls.map((u) => new URL(u).origin))];
  await Promise.all(origins.map((origin) => probe(origin, timeoutMs)));
}

function probe(origin: string, timeoutMs: number): Promise<void> {
  const url = new URL(origin);
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    const fail = (why: string) => {
      socket.destroy();
      reject(new StartError(`cannot reach ${origin}: ${why}`));
    };
    socket.setTimeout(timeoutMs, () => fail(`no answer within ${timeoutMs / 1000}s`));
    socket.once('error', (err: NodeJS.ErrnoException) => fail(err.code === 'ECONNREFUSED' ? 'connection refused' : err.code ?? err.message));
    socket.once('connect', () => {
      socket.end();
      socket.destroy();
      resolve();
    });
  });
}
