/**
 * Request-name conventions that reports and thresholds read. A request name is
 * `METHOD /path [tag]`; a streamed request's tag holds the word `stream`
 * (`[chat stream]`, `[responses stream baseline]`), so the names alone tell streamed requests
 * from the rest (the default latency threshold judges streams by time to first token).
 */
export const STREAM_TAG_WORD = 'stream';

const STREAMED_TAG = new RegExp(`\\[[^\\]]*\\b${STREAM_TAG_WORD}\\b[^\\]]*\\]$`);

export function isStreamedRequestName(name: string): boolean {
  return STREAMED_TAG.test(name);
}
