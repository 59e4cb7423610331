/**
 * A server that echoes the caller's key back in its error code (`{"error":{"code":"<key>"}}`)
 * must not get the key into any output: failure names are masked where they enter the recorder,
 * and a key the run created stays masked until the process exits.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redactor } from '../../src/http/redact.js';
import { runCli } from '../helpers/cli.js';

const CREATED_KEY = 'sk-created-echo-key-0002';
const EXPLICIT_KEY = 'sk-explicit-echo-key-0001';
let server: Server;
let host: string;
let keysCreated = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.method === 'POST' && req.url === '/admin/api/v1/users/current/api-keys') {
        keysCreated++;
        res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ key: CREATED_KEY }));
        return;
      }
      const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? 'none';
      const body = { error: { message: `key ${bearer} is not allowed`, type: 'invalid_request_error', code: bearer } };
      res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  host = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((r) => server.close(r)));

async function runAgainstEcho(extra: string[]) {
  const out = mkdtempSync(join(tmpdir(), 'bl-echo-'));
  const run = await runCli([
    '--host', host, '--scenario', 'chat', '-u', '2', '-r', '2', '-t', '600ms', '--wait-min', '0', '--wait-max', '50ms',
    '--progress-interval', '200ms', '--json', join(out, 'r.json'), '--csv', join(out, 'run'), ...extra,
  ]);
  const files = readdirSync(out).map((f) => readFileSync(join(out, f), 'utf8'));
  return { run, files, everything: [run.stdout, run.stderr, ...files].join('\n') };
}

describe('a server echoing the key in its error code', () => {
  it('an explicit --api-key appears in none of stdout, stderr, the JSON and the CSV files', async () => {
    const { run, files, everything } = await runAgainstEcho(['--api-key', EXPLICIT_KEY]);
    expect(run.code).toBe(1);
    expect(files).toHaveLength(4); // r.json, run_stats.csv, run_failures.csv, run_stats_history.csv
    expect(run.stdout).toMatch(/POST\s+\/v1\/chat\/completions \[chat\]\s+HTTP 401 \*\*\*/);
    expect(everything).not.toContain(EXPLICIT_KEY);
  });

  it('a key the run created stays masked through the summary and every report', async () => {
    const before = keysCreated;
    const { run, everything } = await runAgainstEcho([]);
    expect(keysCreated).toBe(before + 1);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('HTTP 401 ***');
    expect(everything).not.toContain(CREATED_KEY);
    // and whatever prints after the run (serve's response body, a later log line) masks it too
    expect(redactor.redact(`echo ${CREATED_KEY}`)).toBe('echo ***');
  });
});
