/**
 * Downloads a result file (output or errors) and feeds it to the integrity check line by line
 * as it streams: memory holds one unfinished line, never the file. The socket is paused while
 * the check falls behind (ResponseBody's backpressure).
 */
import type { ScenarioContext } from '../types.js';
import type { IntegrityCheck } from './integrity.js';
import { LineSplitter } from './stream-lines.js';
import { recordThroughput } from './throughput.js';

export async function downloadInto(
  ctx: ScenarioContext,
  apiBase: string,
  fileId: string | null | undefined,
  name: string,
  check: IntegrityCheck,
  isErrorFile: boolean,
): Promise<{ ok: true } | { ok: false; error: string }> {
  if (!fileId) return { ok: true };
  const res = await ctx.http.call(
    { name, method: 'GET', url: `${apiBase}/files/${encodeURIComponent(fileId)}/content`, headers: ctx.authHeaders },
    async (r) => {
      // a 429 (--retry-429) never gets here; a body cut mid-way fails the workflow anyway
      let bytes = 0;
      const splitter = new LineSplitter((line) => check.line(line, isErrorFile));
      for await (const chunk of r.body) {
        bytes += chunk.length;
        splitter.push(chunk);
      }
      splitter.end();
      return bytes;
    },
  );
  if (!res.ok) return { ok: false, error: res.error };
  recordThroughput(ctx.recorder, 'download', res.value, res.durationMs);
  return { ok: true };
}
