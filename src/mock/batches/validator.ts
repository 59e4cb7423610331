import { promptTokensOf } from '../inference/prompt-tokens.js';
import { readLines } from './lines.js';
import type { BatchLineError } from './model.js';

export interface ValidationResult {
  errors: BatchLineError[];
  requestLines: number;
  model: string | null;
  /** Prompt tokens of every line (src/mock/inference/prompt-tokens.ts), for the enqueued-token limit. */
  promptTokens: number;
}

export interface ValidationLimits {
  maxLines: number;
  maxErrors: number;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Checks a batch input file line by line, streaming. Error codes (with the 1-based line):
 * invalid_json_line, missing_required_parameter (custom_id, method, url, body), duplicate_custom_id,
 * invalid_method, invalid_url, streaming_unsupported, mismatched_model, too_many_lines, empty_file.
 */
export async function validateBatchInput(path: string, endpoint: string, limits: ValidationLimits): Promise<ValidationResult> {
  const errors: BatchLineError[] = [];
  const customIds = new Set<string>();
  let requestLines = 0;
  let model: string | null = null;
  let promptTokens = 0;
  const fail = (line: number | null, code: string, message: string, param: string | null = null): void => {
    errors.push({ code, message, param, line });
  };

  for await (const { number, text } of readLines(path)) {
    if (errors.length >= limits.maxErrors) break;
    requestLines++;
    if (requestLines > limits.maxLines) {
      fail(number, 'too_many_lines', `The batch input file has more than the maximum of ${limits.maxLines} requests.`);
      break;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    if (!isObject(parsed)) {
      fail(number, 'invalid_json_line', `Line ${number} is not a valid JSON object.`);
      continue;
    }
    const { custom_id: customId, method, url, body } = parsed;
    if (typeof customId !== 'string' || customId.length === 0) {
      fail(number, 'missing_required_parameter', `Line ${number} is missing the required parameter 'custom_id'.`, 'custom_id');
    } else if (customIds.has(customId)) {
      fail(number, 'duplicate_custom_id', `The custom_id '${customId.slice(0, 64)}' on line ${number} is already used by an earlier line.`, 'custom_id');
    } else {
      customIds.add(customId);
    }
    if (method === undefined) fail(number, 'missing_required_parameter', `Line ${number} is missing the required parameter 'method'.`, 'method');
    else if (method !== 'POST') fail(number, 'invalid_method', `Line ${number} has method '${String(method).slice(0, 16)}'; only POST is supported.`, 'method');
    if (url === undefined) fail(number, 'missing_required_parameter', `Line ${number} is missing the required parameter 'url'.`, 'url');
    else if (url !== endpoint) fail(number, 'invalid_url', `Line ${number} has url '${String(url).slice(0, 64)}', which does not match the batch endpoint ${endpoint}.`, 'url');
    if (!isObject(body)) {
      fail(number, 'missing_required_parameter', `Line ${number} is missing the required object 'body'.`, 'body');
      continue;
    }
    promptTokens += promptTokensOf(endpoint, body);
    if (body.stream === true) fail(number, 'streaming_unsupported', `Line ${number} sets stream: true, which batches do not support.`, 'body.stream');
    if (typeof body.model === 'string') {
      if (model === null) model = body.model;
      else if (body.model !== model) {
        fail(number, 'mismatched_model', `Line ${number} uses model '${body.model.slice(0, 64)}'; every line of a batch must use the same model ('${model.slice(0, 64)}').`, 'body.model');
      }
    }
  }
  if (requestLines === 0 && errors.length === 0) fail(null, 'empty_file', 'The batch input file is empty.');
  return { errors: errors.slice(0, limits.maxErrors), requestLines, model, promptTokens };
}
