/**
 * Our counts against the server's: for each route, the requests we recorded under names with
 * that `METHOD /path` prefix must equal what the server says it served. Only the embedded mock
 * (or any server exposing the same /__stats) can be reconciled.
 */
import type { MockStats } from '../mock/index.js';
import type { MetricsSnapshot } from '../metrics/types.js';

export interface Reconciliation {
  ok: boolean;
  rows: Array<{ route: string; ours: number; server: number }>;
  text: string;
}

/** `POST /v1/files [upload]` → `POST /v1/files` */
export function routeOf(requestName: string): string {
  return requestName.replace(/\s*\[[^\]]*\]\s*$/, '');
}

export function reconcileWithServer(snapshot: MetricsSnapshot, server: MockStats): Reconciliation {
  const ours = new Map<string, number>();
  for (const stats of Object.values(snapshot.requests)) {
    const route = routeOf(stats.name);
    ours.set(route, (ours.get(route) ?? 0) + stats.count);
  }
  const rows: Reconciliation['rows'] = [];
  for (const [route, count] of ours) {
    const byStatus = server.requests.byRoute[route] ?? {};
    rows.push({ route, ours: count, server: Object.values(byStatus).reduce((a, b) => a + b, 0) });
  }
  const ok = rows.every((r) => r.ours === r.server);
  const width = Math.max(5, ...rows.map((r) => r.route.length));
  const lines = [
    `Server reconciliation (embedded mock): ${ok ? 'every request we counted, the server counted' : 'MISMATCH'}`,
    ...rows.map((r) => `  ${r.route.padEnd(width)}  ours ${String(r.ours).padStart(7)}  server ${String(r.server).padStart(7)}${r.ours === r.server ? '' : '  <-- differs'}`),
  ];
  return { ok, rows, text: lines.join('\n') };
}
