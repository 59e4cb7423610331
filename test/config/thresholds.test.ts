import { describe, expect, it } from 'vitest';
import { parseThresholdList, requestKinds } from '../../src/config/thresholds.js';

const metrics = (...args: Parameters<typeof parseThresholdList>) => parseThresholdList(...args).map((t) => t.source);

describe('default thresholds', () => {
  it('which requests a run sends: streamed when chat or responses stream, non-streamed otherwise', () => {
    expect(requestKinds([{ name: 'batch', weight: 1 }], 1)).toEqual({ streamed: false, nonStreamed: true });
    expect(requestKinds([{ name: 'chat', weight: 1 }], 0)).toEqual({ streamed: false, nonStreamed: true });
    expect(requestKinds([{ name: 'chat', weight: 1 }], 1)).toEqual({ streamed: true, nonStreamed: false });
    expect(requestKinds([{ name: 'responses', weight: 1 }], 0.5)).toEqual({ streamed: true, nonStreamed: true });
    expect(requestKinds([{ name: 'chat', weight: 1 }, { name: 'embeddings', weight: 1 }], 1)).toEqual({ streamed: true, nonStreamed: true });
    expect(requestKinds([{ name: 'embeddings', weight: 1 }], 1)).toEqual({ streamed: false, nonStreamed: true });
  });

  it('streams are judged by time to first token; whole-request p95 by non-streamed requests only', () => {
    expect(metrics(undefined, true, 1000, 0.01, false, { streamed: false, nonStreamed: true })).toEqual(['http_req_duration: p(95)<=1000', 'errors: rate<=0.01', 'scenario_errors: count==0']);
    expect(metrics(undefined, true, 800, 0.01, false, { streamed: true, nonStreamed: false })).toEqual(['ttft: p(95)<=800', 'errors: rate<=0.01', 'scenario_errors: count==0']);
    expect(metrics(undefined, true, 800, 0.02, true, { streamed: true, nonStreamed: true })).toEqual([
      'http_req_duration_nonstream: p(95)<=800',
      'ttft: p(95)<=800',
      'errors: rate<=0.02',
      'scenario_errors: count==0',
      'integrity: count==0',
      'workflows_failed: count==0',
    ]);
    // an explicit whole-stream threshold is still yours to set
    expect(metrics(['http_req_duration: p(95)<5000', 'e2e: p(95)<3000'], false, 1000, 0.01, false, { streamed: true, nonStreamed: false })).toEqual([
      'http_req_duration: p(95)<5000',
      'e2e: p(95)<3000',
    ]);
  });
});
