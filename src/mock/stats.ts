import { type CapacityStats, NO_CAPACITY_STATS } from './capacity.js';

/**
 * Server-side counters, so a test can reconcile a run's counts with what the server saw.
 * Only counters and gauges: memory does not grow with traffic (route keys are a fixed set).
 */
export interface MockStats {
  requests: {
    total: number;
    /** routeKey ("POST /v1/files", "unknown") → HTTP status ("200") or fault outcome ("reset", "hang", "truncated", "malformed", "aborted") → count. */
    byRoute: Record<string, Record<string, number>>;
  };
  batches: {
    created: number;
    /** Batches in each status: the current one, or for an evicted batch its final one. */
    byStatus: Record<string, number>;
    /** Batches held now (not yet evicted). */
    stored: number;
    /** Terminal batches evicted past the retention limits (with their files). */
    evicted: number;
    /** Prompt tokens of the batches not yet terminal (what --max-enqueued-tokens limits, per model). */
    enqueuedTokens: number;
  };
  /** Batch lines run internally (never counted in `requests`): status code or `batch_expired` / `batch_cancelled` / `request_timeout`. */
  batchLines: { total: number; byStatus: Record<string, number> };
  apiKeys: { created: number };
  files: {
    created: number;
    deleted: number;
    uploadedBytes: number;
    /** Files held now. */
    stored: number;
    /** Files evicted: with their batch, or unbatched uploads past the retention limits. */
    evicted: number;
  };
  /** The capacity model (--max-concurrency): limits, current and peak concurrency and queue depth. */
  capacity: CapacityStats;
}

export class StatsCollector {
  private total = 0;
  private readonly byRoute = new Map<string, Map<string, number>>();
  private readonly batchesByStatus = new Map<string, number>();
  private readonly linesByStatus = new Map<string, number>();
  private linesTotal = 0;
  batchesCreated = 0;
  apiKeysCreated = 0;
  filesCreated = 0;
  filesDeleted = 0;
  uploadedBytes = 0;
  batchesEvicted = 0;
  filesEvicted = 0;
  /** What the stores hold now (set by the server once they exist). */
  gauges: () => { batches: number; files: number; enqueuedTokens: number } = () => ({ batches: 0, files: 0, enqueuedTokens: 0 });
  capacity: () => CapacityStats = () => NO_CAPACITY_STATS;

  recordRequest(routeKey: string, outcome: string): void {
    this.total++;
    let outcomes = this.byRoute.get(routeKey);
    if (outcomes === undefined) {
      outcomes = new Map();
      this.byRoute.set(routeKey, outcomes);
    }
    outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
  }

  recordBatchLine(outcome: string): void {
    this.linesTotal++;
    this.linesByStatus.set(outcome, (this.linesByStatus.get(outcome) ?? 0) + 1);
  }

  batchStatusChanged(from: string | null, to: string): void {
    if (from !== null) this.batchesByStatus.set(from, (this.batchesByStatus.get(from) ?? 1) - 1);
    this.batchesByStatus.set(to, (this.batchesByStatus.get(to) ?? 0) + 1);
  }

  snapshot(): MockStats {
    const byRoute: Record<string, Record<string, number>> = {};
    for (const [route, outcomes] of this.byRoute) byRoute[route] = Object.fromEntries(outcomes);
    const stored = this.gauges();
    return {
      requests: { total: this.total, byRoute },
      batches: {
        created: this.batchesCreated,
        byStatus: Object.fromEntries(this.batchesByStatus),
        stored: stored.batches,
        evicted: this.batchesEvicted,
        enqueuedTokens: stored.enqueuedTokens,
      },
      batchLines: { total: this.linesTotal, byStatus: Object.fromEntries(this.linesByStatus) },
      apiKeys: { created: this.apiKeysCreated },
      files: {
        created: this.filesCreated,
        deleted: this.filesDeleted,
        uploadedBytes: this.uploadedBytes,
        stored: stored.files,
        evicted: this.filesEvicted,
      },
      capacity: { ...this.capacity() },
    };
  }
}
