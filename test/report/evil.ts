/** Report text a server or a user could send that must never become markup or script. */
import { buildJsonReport, type JsonReport } from '../../src/report/json.js';
import { sampleSnapshot } from './fixture.js';

export const EVIL_ERROR = '</script><img src=x onerror="window.__pwned=1"><!--';
export const EVIL_NAME = 'POST /v1/x [<script>window.__pwned=2</script>]';

/** The sample run plus a request name and a failure carrying markup, as a server could send. */
export function evilReport(): JsonReport {
  const metrics = sampleSnapshot();
  metrics.requests[EVIL_NAME] = { ...metrics.requests['health check'], name: EVIL_NAME };
  metrics.failures.push({ method: 'POST', name: EVIL_NAME, error: EVIL_ERROR, occurrences: 1 });
  return buildJsonReport({ version: '0.1.0', runId: 'run-<b>1</b>', config: { target: { host: 'http://127.0.0.1:9' } }, metrics, thresholds: [], exitCode: 0 });
}

