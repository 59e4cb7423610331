/**
 * The `--json FILE` document. It carries the full MetricsSnapshot with encoded histograms, so
 * reports of shards of one run (several processes or hosts) merge exactly: `mergeReports`
 * re-adds the histograms and re-evaluates the thresholds on the merged metrics.
 * Optional sections: `timeseries` (report/timeseries.ts), `batches` (report/batch-timeline.ts),
 * `sweep` (report/sweep.ts) and `burst` (report/burst.ts); older reports lack them and every
 * reader (HTML, compare, JUnit) treats them as absent.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ConfigError } from '../config/errors.js';
import { MetricsRecorder } from '../metrics/recorder.js';
import type { MetricsSnapshot } from '../metrics/types.js';
import { evaluateThresholds, type DerivedMetrics } from '../thresholds/evaluate.js';
import type { ThresholdResult, ThresholdSpec } from '../thresholds/types.js';
import type { BatchTimeline } from './batch-timeline.js';
import type { BurstSection } from './burst.js';
import type { CompareOnlineSection } from '../scenarios/batch/compare-online.js';
import type { SweepSection } from './sweep.js';
import type { ScheduleReport } from '../engine/executors/types.js';
import type { TimeSeriesPoint } from './timeseries.js';
import { writeFileAtomic } from './write-file.js';

export const REPORT_TOOL = 'batch-load';
export const REDACTED = '***';

export interface JsonReport {
  tool: typeof REPORT_TOOL;
  version: string;
  runId: string;
  startedAt: string;
  endedAt: string;
  /** the run configuration as given, secrets removed */
  config: unknown;
  metrics: MetricsSnapshot;
  thresholds: ThresholdResult[];
  passed: boolean;
  exitCode: number;
  interrupted: boolean;
  /** derived metric values the thresholds could name (e.g. proxy overhead), when any */
  derived?: DerivedMetrics;
  /** the embedded mock's own counts (embedded runs), for reconciliation */
  serverStats?: unknown;
  /** one point per progress interval, bounded (TimeSeries.toJSON()) */
  timeseries?: TimeSeriesPoint[];
  /** the last batches' lifecycles (BatchTimelineLog.toJSON()) */
  batches?: BatchTimeline[];
  /** a rate sweep's steps */
  sweep?: SweepSection;
  /** burst mode's own figures (buildBurstJsonReport) */
  burst?: BurstSection;
  /** the load shape that ran: closed, open, ramping-users, ramping-arrival-rate, sweep */
  executor?: string;
  /** open model: requested vs achieved start rate, starts due, started and dropped */
  schedule?: ScheduleReport;
  /** --compare-online: the batch and online figures side by side (scenarios/batch/compare-online.ts) */
  compareOnline?: CompareOnlineSection;
}

/** The optional sections, passed through as given. */
export type JsonReportSections = Pick<JsonReport, 'timeseries' | 'batches' | 'sweep' | 'burst'>;

export interface JsonReportInput extends JsonReportSections {
  version: string;
  runId: string;
  /** default: metrics.startedAt / metrics.endedAt */
  startedAt?: string;
  endedAt?: string;
  config: unknown;
  /** strings removed from anywhere in `config` (API key, passwords ...) */
  secrets?: string[];
  metrics: MetricsSnapshot;
  thresholds: ThresholdResult[];
  /** default: every threshold passed */
  passed?: boolean;
  exitCode: number;
  interrupted?: boolean;
  derived?: DerivedMetrics;
  serverStats?: unknown;
}

export function buildJsonReport(input: JsonReportInput): JsonReport {
  return {
    tool: REPORT_TOOL,
    version: input.version,
    runId: input.runId,
    startedAt: input.startedAt ?? input.metrics.startedAt,
    endedAt: input.endedAt ?? input.metrics.endedAt,
    config: scrubSecrets(input.config, input.secrets ?? []),
    metrics: input.metrics,
    thresholds: input.thresholds,
    passed: input.passed ?? input.thresholds.every((t) => t.passed),
    exitCode: input.exitCode,
    interrupted: input.interrupted ?? false,
    ...(input.derived ? { derived: input.derived } : {}),
    ...(input.serverStats !== undefined ? { serverStats: input.serverStats } : {}),
    ...(input.timeseries ? { timeseries: input.timeseries } : {}),
    ...(input.batches ? { batches: input.batches } : {}),
    ...(input.sweep ? { sweep: input.sweep } : {}),
    ...(input.burst ? { burst: input.burst } : {}),
  };
}

/** Keys whose string values are always masked, whatever the secrets list says ... */
const SECRET_KEY = /(api[-_]?key|password|passwd|secret|token|authorization|credential)/i;
/** ... unless they name where a secret comes from rather than the secret (apiKeyEndpoint). */
const NOT_SECRET_KEY = /(endpoint|url|path|header|file|env)$/i;
const isSecretKey = (key: string) => SECRET_KEY.test(key) && !NOT_SECRET_KEY.test(key);

/**
 * A deep copy of `value` with every occurrence of each secret (non-empty) replaced by `***`
 * inside strings and object keys, and string values of secret-looking keys (apiKey, password,
 * token ...) masked.
 * Only strings change; the caller's object is not modified.
 */
export function scrubSecrets<T>(value: T, secrets: string[]): T {
  const list = secrets.filter((s) => typeof s === 'string' && s.length > 0).sort((a, b) => b.length - a.length);
  const scrubString = (s: string) => list.reduce((acc, secret) => acc.split(secret).join(REDACTED), s);
  const walk = (v: unknown, key?: string): unknown => {
    if (typeof v === 'string') return key !== undefined && isSecretKey(key) && v.length > 0 ? REDACTED : scrubString(v);
    if (Array.isArray(v)) return v.map((x) => walk(x));
    if (v && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
        // keys too: a record keyed by server text (failure reasons) can carry a secret
        if (x !== undefined) out[scrubString(k)] = walk(x, k);
      }
      return out;
    }
    return v;
  };
  return walk(value) as T;
}

/** Writes `doc` as pretty JSON: parent directories created, tmp file + rename (atomic). */
export async function writeJsonReport(path: string, doc: JsonReport): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFileAtomic(path, `${JSON.stringify(doc, null, 2)}\n`);
}

/** Reads and checks a saved report; a missing or malformed file is a ConfigError (one line, exit 2). */
export async function readJsonReport(path: string): Promise<JsonReport> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ConfigError(`${path}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (err as Error).message}`);
  }
  return parseJsonReport(text, path);
}

/** Parses and checks the shape of a report; errors name the source and what is wrong. */
export function parseJsonReport(text: string, source = 'report'): JsonReport {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`${source}: not JSON (${(err as Error).message})`);
  }
  const d = doc as Partial<JsonReport> | null;
  if (!d || typeof d !== 'object' || d.tool !== REPORT_TOOL) throw new ConfigError(`${source}: not a ${REPORT_TOOL} report`);
  const m = d.metrics;
  if (!m || typeof m !== 'object' || !m.aggregated || typeof m.requests !== 'object' || typeof m.trends !== 'object') {
    throw new ConfigError(`${source}: metrics missing or malformed`);
  }
  if (!Array.isArray(d.thresholds)) throw new ConfigError(`${source}: thresholds missing`);
  return d as JsonReport;
}

export interface MergeOptions {
  /** run id of the merged report; default `merged-<first runId>` */
  runId?: string;
  /** version to stamp; default the first report's */
  version?: string;
  /** derived metric values for the merged run (they can't be merged from the reports) */
  derived?: DerivedMetrics;
}

/**
 * Merges reports of concurrent shards of one run: metrics exactly (MetricsRecorder.merge), the
 * union of their threshold specs re-evaluated on the merged metrics. Thresholds on derived
 * metrics fail (no samples) unless `derived` is given (shards' derived values and serverStats
 * can't be combined and are dropped, and so are the shards' time series, batch timelines and
 * sweeps). config lists each shard's config.
 * exitCode: 1 when a merged threshold failed, else the highest shard exit code.
 */
export function mergeReports(docs: JsonReport[], opts: MergeOptions = {}): JsonReport {
  if (docs.length === 0) throw new Error('no reports to merge');
  const metrics = MetricsRecorder.merge(docs.map((d) => d.metrics));
  const specs = new Map<string, ThresholdSpec>();
  for (const d of docs) {
    for (const t of d.thresholds) {
      const spec: ThresholdSpec = { source: t.source, metric: t.metric, aggregation: t.aggregation, op: t.op, value: t.threshold };
      specs.set(JSON.stringify(spec), spec);
    }
  }
  const thresholds = evaluateThresholds([...specs.values()], metrics, opts.derived);
  const passed = thresholds.every((t) => t.passed);
  const shardExit = Math.max(...docs.map((d) => d.exitCode));
  return {
    tool: REPORT_TOOL,
    version: opts.version ?? docs[0].version,
    runId: opts.runId ?? `merged-${docs[0].runId}`,
    startedAt: metrics.startedAt,
    endedAt: metrics.endedAt,
    config: { mergedFrom: docs.map((d) => ({ runId: d.runId, config: d.config })) },
    metrics,
    thresholds,
    passed,
    exitCode: passed ? (shardExit === 1 ? 0 : shardExit) : 1,
    interrupted: docs.some((d) => d.interrupted),
  };
}
