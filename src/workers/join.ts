/**
 * A worker joining its coordinator: an HTTP upgrade to the channel, retried (every second, until
 * the connect timeout) while the coordinator is not up yet (pods start in any order), then the
 * coordinator's proof of the token is checked before anything else: a coordinator that cannot
 * prove it is refused at once, never retried.
 */
import { request } from 'node:http';
import type { Socket } from 'node:net';
import { StartError } from '../config/errors.js';
import { sleep } from '../engine/sleep.js';
import { checkProof, isNonce, newNonce } from './auth.js';
import { CHANNEL_PATH, UPGRADE_PROTOCOL } from './protocol.js';

export interface Joined {
  socket: Socket;
  /** bytes that came with the 101 response */
  head: Buffer;
  workerNonce: string;
  coordinatorNonce: string;
}

/** A coordinator URL: http://host:port (no path). Throws a plain Error naming the problem. */
export function parseCoordinatorUrl(value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`'${value}' is not a URL such as http://coordinator:5557`);
  }
  if (url.protocol !== 'http:') throw new Error(`'${value}': the coordinator speaks http:// (its channel is authenticated by the token)`);
  if (url.pathname !== '/' || url.search || url.hash) throw new Error(`'${value}': give the coordinator's origin only, such as http://coordinator:5557`);
  return url;
}

class Refused extends Error {}

function attempt(url: URL, token: string): Promise<Joined> {
  return new Promise((resolve, reject) => {
    const workerNonce = newNonce();
    const req = request({
      hostname: url.hostname.replace(/^\[|\]$/g, ''),
      port: url.port || 80,
      path: CHANNEL_PATH,
      method: 'GET',
      agent: false,
      timeout: 10_000,
      headers: { connection: 'Upgrade', upgrade: UPGRADE_PROTOCOL, 'x-batch-load-nonce': workerNonce },
    });
    req.on('upgrade', (res, socket, head) => {
      const coordinatorNonce = res.headers['x-batch-load-nonce'];
      if (!isNonce(coordinatorNonce) || !checkProof(token, 'coordinator', workerNonce, coordinatorNonce, res.headers['x-batch-load-proof'])) {
        socket.destroy();
        reject(new Refused(`the coordinator at ${url.origin} could not prove the token (is --token the same on both sides?): refusing it`));
        return;
      }
      resolve({ socket, head, workerNonce, coordinatorNonce });
    });
    req.on('response', (res) => {
      res.resume();
      reject(new Refused(`${url.origin} is not a batch-load coordinator (HTTP ${res.statusCode} to the channel upgrade)`));
    });
    req.on('timeout', () => req.destroy(new Error('no answer within 10s')));
    req.on('error', (err: NodeJS.ErrnoException) => reject(new Error(err.code ?? err.message)));
    req.end();
  });
}

/**
 * Connects and checks the coordinator's proof, retrying connection failures until `timeoutMs`.
 * Throws a StartError (exit 3) naming the problem.
 */
export async function joinCoordinator(url: URL, token: string, timeoutMs: number, log: (line: string) => void, signal?: AbortSignal): Promise<Joined> {
  const deadline = Date.now() + timeoutMs;
  let said = false;
  for (;;) {
    try {
      return await attempt(url, token);
    } catch (err) {
      if (err instanceof Refused) throw new StartError(err.message);
      const why = (err as Error).message;
      if (signal?.aborted) throw new StartError('interrupted before joining the coordinator');
      if (Date.now() + 1000 > deadline) throw new StartError(`could not reach the coordinator at ${url.origin} within ${Math.round(timeoutMs / 1000)}s: ${why}`);
      if (!said) log(`waiting for the coordinator at ${url.origin} (${why}); retrying every second`);
      said = true;
      await sleep(1000, signal);
    }
  }
}
