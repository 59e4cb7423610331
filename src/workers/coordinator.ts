/**
 * A scale-out run: this process coordinates, N workers generate the load. The coordinator is the
 * one engine (runLoadTest) with its load run remotely: it starts the embedded mock when there is
 * no --host (on an address the workers can reach), checks the target, creates the shared API key
 * once, hands each worker its share over the authenticated channel, starts them together, merges
 * their figures exactly, and judges the merged run. Locally (`--workers N`) it also starts the N
 * worker processes itself.
 *
 * Exit code: the merged verdict (0/1), 5 when interrupted, 6 when a worker was lost (or stopped
 * early on its own): the run did not get its whole load, whatever the thresholds say.
 */
import { randomBytes } from 'node:crypto';
import { EXIT } from '../cli/exit-codes.js';
import type { RunConfig } from '../config/types.js';
import { runLoadTest, type RunHooks, type RunResult } from '../engine/runner.js';
import { Hub } from './hub.js';
import { spawnLocalWorkers, type LocalWorkers } from './local.js';

export interface ScaleOptions {
  expected: number;
  /** address the coordinator (and the embedded mock) listen on */
  bind: string;
  port: number;
  /** the embedded mock's port (0: a free one); used when there is no --host */
  mockPort: number;
  token: string;
  readyTimeoutMs: number;
  /** start the N workers as child processes of this one */
  local: boolean;
  version: string;
  /** called once the hub listens (the CLI's crash report reads the merged figures from it) */
  onHub?: (hub: Hub) => void;
}

/** Extra time the coordinator gives workers past their own stop timeout to send their figures. */
const FINAL_MARGIN_MS = 5000;

/** A token for local workers: they are started by this process, so nobody needs to type it. */
export function localToken(): string {
  return randomBytes(32).toString('base64url');
}

export async function runCoordinated(config: RunConfig, scale: ScaleOptions, hooks: RunHooks): Promise<RunResult> {
  const log = (line: string) => hooks.log?.(line);
  const hub = await Hub.listen({ host: scale.bind, port: scale.port, token: scale.token, expected: scale.expected, version: scale.version, progressIntervalMs: config.output.progressIntervalMs, log });
  log(`Coordinator listening on ${scale.local ? hub.url : `${scale.bind}:${hub.port}`} for ${scale.expected} worker${scale.expected === 1 ? '' : 's'} (GET /metrics for the merged run)`);
  scale.onHub?.(hub);
  let local: LocalWorkers | undefined;
  try {
    if (scale.local) {
      local = spawnLocalWorkers(
        scale.expected,
        hub.url,
        scale.token,
        (index, line) => log(`worker ${index}: ${line}`),
        (index, how) => hub.processExited(index, how),
      );
      log(`Started ${scale.expected} worker process${scale.expected === 1 ? '' : 'es'} (pids ${local.pids.join(', ')})`);
    }
    const result = await runLoadTest(
      // the coordinator waits a little longer than its workers: their final figures must arrive
      { ...config, stopTimeoutMs: config.stopTimeoutMs + FINAL_MARGIN_MS },
      {
        ...hooks,
        embeddedListen: { host: scale.bind, port: scale.mockPort },
        beforeLoad: async (started, key) => {
          await hooks.beforeLoad?.(started, key);
          // the workers' stop timeout is the run's (the margin above is the coordinator's alone)
          await hub.prepare({ ...started, stopTimeoutMs: config.stopTimeoutMs }, key, scale.readyTimeoutMs, hooks.signal);
        },
        remote: hub,
      },
    );
    const workers = hub.reports();
    const lost = !result.interrupted && hub.incomplete.length > 0;
    const batches = hub.batches();
    return {
      ...result,
      ...hub.shape(),
      ...(batches ? { batches } : {}),
      workers,
      ...(lost ? { exitCode: EXIT.WORKER_LOST, passed: false } : {}),
      coordinator: { cpuSeconds: hub.cpuSecondsSinceStart() },
    };
  } finally {
    await hub.close();
    await local?.stop(3000);
  }
}
