/** `batch-load data` options: the batch input generator (src/data). Same table style as the run options. */
import type { OptionSpec } from './spec.js';

const WHAT = 'What to generate:';
const SHAPE = 'Lengths (tokens, 4 characters each):';

export const DATA_OPTIONS = [
  { key: 'endpoint', type: 'enum', choices: ['chat', 'responses', 'completions', 'embeddings'], group: WHAT, default: 'chat',
    describe: 'The batch endpoint every line targets (/v1/chat/completions, /v1/responses, /v1/completions, /v1/embeddings)' },
  { key: 'lines', alias: ['n'], type: 'integer', group: WHAT, min: 1, max: 50_000, defaultText: 'one per prompt with --from',
    describe: 'Lines (requests) to write; the Batch API takes at most 50,000 per file' },
  { key: 'output', alias: ['o'], type: 'string', group: WHAT,
    describe: 'The JSONL file to write (required)' },
  { key: 'from', type: 'string', group: WHAT,
    describe: 'Prompts from a file: one per line as text, or JSONL (a string, {prompt|text|input|content} or {messages})' },
  { key: 'model', type: 'string', group: WHAT, defaultText: 'gpt-4o-mini (embeddings: text-embedding-3-small)',
    describe: 'The model of every line' },
  { key: 'seed', type: 'integer', group: WHAT, min: 0, max: 4_294_967_295,
    describe: 'Seed: the same options and seed write the same file' },
  { key: 'promptTokens', type: 'string', group: SHAPE, default: '256',
    describe: 'Prompt length: N, or mean:stddev (normal, clipped to 1..mean+4sd), e.g. 512:128' },
  { key: 'outputTokens', type: 'string', group: SHAPE, default: '128',
    describe: 'max_tokens (max_output_tokens for responses) per line: N or mean:stddev; not for embeddings' },
  { key: 'sharedPrefix', type: 'integer', group: SHAPE, default: 0, min: 0, max: 1_000_000,
    describe: 'Tokens every prompt starts with, identical across lines (prefix caching)' },
] as const satisfies readonly OptionSpec[];
