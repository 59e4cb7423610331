/**
 * Loads and validates the batch input JSONL once, before any load: the same rules the Batch
 * API applies, so a bad file is one clear line and exit 2 instead of a run full of failed
 * batches. The file itself is streamed again from disk for every upload.
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { ConfigError } from './errors.js';
import type { BatchInput } from './types.js';

export const MAX_BATCH_LINES = 50_000;
export const MAX_BATCH_BYTES = 209_715_200;
/** Shipped files: chat lines of three sizes, and ten lines for each batch endpoint. */
export const BUILTIN_DATA = ['small', 'medium', 'large', 'chat', 'responses', 'completions', 'embeddings'] as const;

/** test_data/ of the installed package (src/config or dist/config → ../../test_data). */
export const PACKAGE_TEST_DATA_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'test_data');

/** `small|medium|large|chat|responses|completions|embeddings` → the packaged file; anything else is a path (relative to cwd). */
export function resolveDataPath(data: string, cwd = process.cwd()): string {
  if ((BUILTIN_DATA as readonly string[]).includes(data)) {
    return resolve(PACKAGE_TEST_DATA_DIR, `batch_input_${data}.jsonl`);
  }
  return resolve(cwd, data);
}

export async function loadBatchInput(path: string): Promise<BatchInput> {
  const where = `data file ${path}`;
  if (!existsSync(path)) throw new ConfigError(`${where} does not exist`);
  const stat = statSync(path);
  if (!stat.isFile()) throw new ConfigError(`${where} is not a regular file`);
  if (stat.size === 0) throw new ConfigError(`${where} is empty`);
  if (stat.size > MAX_BATCH_BYTES) throw new ConfigError(`${where} is ${stat.size} bytes, over the Batch API's 200 MB limit`);

  const customIds: string[] = [];
  const seen = new Map<string, number>();
  let endpoint: string | undefined;
  let lineNo = 0;
  let pendingBlank = 0;
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
  for await (const text of lines) {
    lineNo++;
    // a UTF-8 byte order mark (editors on Windows write one) is no part of the first line
    const raw = lineNo === 1 && text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
    if (raw.trim() === '') {
      pendingBlank = pendingBlank || lineNo;
      continue;
    }
    if (pendingBlank) throw new ConfigError(`${where}: line ${pendingBlank} is empty`);
    if (customIds.length >= MAX_BATCH_LINES) throw new ConfigError(`${where} has more than ${MAX_BATCH_LINES} requests, the Batch API's limit`);
    const at = `${where}, line ${lineNo}`;
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      throw new ConfigError(`${at}: not valid JSON`);
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new ConfigError(`${at}: expected a JSON object`);
    const line = parsed as Record<string, unknown>;
    if (typeof line.custom_id !== 'string' || line.custom_id === '') throw new ConfigError(`${at}: custom_id is missing`);
    const first = seen.get(line.custom_id);
    if (first !== undefined) throw new ConfigError(`${at}: custom_id '${line.custom_id}' repeats line ${first}`);
    if (line.method !== 'POST') throw new ConfigError(`${at}: method must be POST, got ${JSON.stringify(line.method ?? null)}`);
    if (typeof line.url !== 'string' || !line.url.startsWith('/')) throw new ConfigError(`${at}: url must be a path such as /v1/chat/completions`);
    if (endpoint === undefined) endpoint = line.url;
    else if (line.url !== endpoint) throw new ConfigError(`${at}: url ${line.url} differs from ${endpoint} on line 1 (a batch has one endpoint)`);
    if (!line.body || typeof line.body !== 'object' || Array.isArray(line.body)) throw new ConfigError(`${at}: body must be a JSON object`);
    seen.set(line.custom_id, lineNo);
    customIds.push(line.custom_id);
  }
  if (customIds.length === 0 || !endpoint) throw new ConfigError(`${where} has no requests`);
  return { path, filename: basename(path), bytes: stat.size, lines: customIds.length, customIds, endpoint };
}
