/**
 * Warm start: before the run's clock starts, warm the request path (once per process, against a
 * loopback server of our own: http/warm-up.ts) and open the connections the first second will
 * use, so the first requests measure the server, not our JIT and our connects.
 *   - closed model: the connections of the users spawned in the first second (all of them when
 *     they start at once), one per user and origin. Users spawned later connect on their first
 *     request, as a real client does: opened earlier, their sockets would idle past the
 *     server's keep-alive timeout before use.
 *   - open model: the shared pool, `--connections` per origin.
 * At most WARM_CONNECTIONS sockets, for at most WARM_BUDGET_MS; the rest open on first use.
 */
import { needsDataFile } from '../config/scenario-mix.js';
import type { RunConfig } from '../config/types.js';
import type { HttpClient, PreconnectPlan } from '../http/client.js';
import { warmUpRequestPath } from '../http/warm-up.js';
import { MetricsRecorder } from '../metrics/recorder.js';
import { isOpenModel } from './executors/index.js';
import { Profile } from './executors/profile.js';
import { baselineHost, baselineShare, scenarioHost } from '../scenarios/online/hosts.js';

export const WARM_CONNECTIONS = 10_000;
export const WARM_BUDGET_MS = 5_000;
/** The request path's warm-up (http/warm-up.ts): once per process, JIT warmth lasts. */
const WARM_UP = { requests: 1_000, concurrency: 8, budgetMs: 1_000 };
let warmedUp = false;

/** The origins the run's scenarios talk to (the baseline host too when it takes a share). */
function runOrigins(config: RunConfig): string[] {
  // the batch-file scenarios talk to the main host; each online one to its own host when given
  const hosts = config.scenarios.map((s) => (needsDataFile(s.name) ? config.target.host : scenarioHost(config, s.name)));
  const baseline = baselineHost(config);
  if (baseline && baselineShare(config) > 0) hosts.push(baseline);
  return [...new Set(hosts.map((h) => new URL(h).origin))];
}

export function warmPlan(config: RunConfig, signal?: AbortSignal): PreconnectPlan {
  const open = isOpenModel(config);
  return {
    origins: runOrigins(config),
    users: open ? 0 : usersInFirstSecond(config),
    pool: open ? config.connections : 0,
    limit: WARM_CONNECTIONS,
    budgetMs: WARM_BUDGET_MS,
    signal,
  };
}

/** The closed model's users that start within the first second (the spawn ramp or the stages). */
function usersInFirstSecond(config: RunConfig): number {
  if (config.stages?.of === 'users') {
    const p = new Profile(0, config.stages.stages);
    let most = 0;
    for (let t = 0; t <= 1000; t += 50) most = Math.max(most, p.levelAt(t));
    return most;
  }
  return config.spawnRate >= config.users ? config.users : Math.min(config.users, Math.ceil(config.spawnRate));
}

/** Opens the connections of `warmPlan`; a line for the run log says what it did. */
export async function warmStart(http: HttpClient, config: RunConfig, log: (line: string) => void, signal?: AbortSignal): Promise<void> {
  if (!warmedUp) {
    warmedUp = true;
    await warmUpRequestPath({ ...WARM_UP, recorder: new MetricsRecorder(), signal });
  }
  const plan = warmPlan(config, signal);
  const { opened, failed } = await http.preconnect(plan);
  if (failed > 0) log(`warm start: ${failed} of ${opened + failed} connection(s) could not be opened ahead; they open on first use`);
}
