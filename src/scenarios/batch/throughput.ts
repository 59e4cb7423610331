/**
 * Upload and download throughput of the Files API, one sample per transfer: `upload_mb_per_second`
 * and `download_mb_per_second` (MB = 10⁶ bytes, over the request's whole duration, so a small
 * file's figure is mostly latency). The bytes moved add up in `upload_bytes` / `download_bytes`.
 */
import type { Recorder } from '../../metrics/types.js';

export const THROUGHPUT = {
  upload: { trend: 'upload_mb_per_second', bytes: 'upload_bytes' },
  download: { trend: 'download_mb_per_second', bytes: 'download_bytes' },
} as const;

export function recordThroughput(recorder: Recorder, way: keyof typeof THROUGHPUT, bytes: number, durationMs: number): void {
  recorder.count(THROUGHPUT[way].bytes, bytes);
  if (bytes > 0 && durationMs > 0) recorder.trend(THROUGHPUT[way].trend, bytes / 1e6 / (durationMs / 1000), 'rate');
}
