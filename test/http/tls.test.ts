/**
 * HTTPS through the transport, end to end: the CLI (a child process, as a user runs it) against a
 * loopback TLS server with a self-signed certificate for localhost (test/fixtures/tls, valid
 * 2000–2100). Trusted through NODE_EXTRA_CA_CERTS, as a private CA is in production; refused
 * without it, the failure named by the certificate error's code.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const FIXTURES = join(__dirname, '..', 'fixtures', 'tls');
const CERT = join(FIXTURES, 'localhost.crt');

let server: Server;
let port: number;
let handshakes = 0;
let requests = 0;
const dir = mkdtempSync(join(tmpdir(), 'batch-load-tls-'));

beforeAll(async () => {
  server = createServer({ key: readFileSync(join(FIXTURES, 'localhost.key')), cert: readFileSync(CERT) }, (req, res) => {
    requests++;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'ok' }));
  });
  server.on('secureConnection', () => handshakes++);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  rmSync(dir, { recursive: true, force: true });
});

async function run(env: Record<string, string>, json: string): Promise<{ code: number; report: { metrics: { aggregated: { count: number; failures: number }; counters: Record<string, number>; failures: { error: string }[] } } }> {
  const args = ['--host', `https://localhost:${port}`, '--scenario', 'health', '--iterations', '3', '--wait-min', '0', '--wait-max', '0', '--json', json, '--only-summary'];
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/bin.ts', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'ignore'] });
  const [code] = (await once(child, 'exit')) as [number];
  return { code, report: JSON.parse(readFileSync(json, 'utf8')) };
}

describe('HTTPS', () => {
  it('a trusted server: one TLS connection for the user, every request on it (SNI localhost)', async () => {
    handshakes = 0;
    requests = 0;
    const { code, report } = await run({ NODE_EXTRA_CA_CERTS: CERT }, join(dir, 'ok.json'));
    expect(code).toBe(0);
    expect(report.metrics.aggregated).toMatchObject({ count: 3, failures: 0 });
    expect(requests).toBe(3);
    expect(handshakes).toBe(1);
    expect(report.metrics.counters.connections_opened).toBe(1);
  });

  it('an untrusted certificate: each request fails, named by the certificate error', async () => {
    const { code, report } = await run({ NODE_EXTRA_CA_CERTS: '' }, join(dir, 'refused.json'));
    expect(code).toBe(1);
    expect(report.metrics.aggregated.failures).toBe(3);
    expect(report.metrics.failures.map((f) => f.error)).toEqual(['DEPTH_ZERO_SELF_SIGNED_CERT']);
  });
});
