/**
 * The online scenarios' response checks (online/checks.ts), applied to a batch line's
 * `response.body` by the batch endpoint: chat completions, responses, embeddings and legacy
 * completions. Each throws CheckFailure with the same low-cardinality reason an online request
 * would fail with (`empty content`, `usage inconsistent` ...) and returns the output tokens the
 * usage reports.
 */
import {
  chatUsageTokens,
  checkChatCompletion,
  checkEmbeddings,
  checkResponseObject,
  fail,
  REASONS,
} from '../online/checks.js';

export interface LineCheckResult {
  outputTokens?: number;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A legacy text completion: choices with text, sane usage (prompt/completion/total). */
export function checkTextCompletion(body: unknown): number | undefined {
  if (!isObject(body)) fail(REASONS.badShape);
  if (body.error !== undefined && body.error !== null) fail(REASONS.errorBody);
  const choices = body.choices;
  if (!Array.isArray(choices) || choices.length === 0) fail(REASONS.noChoices);
  for (const c of choices) {
    if (!isObject(c) || typeof c.text !== 'string') fail(REASONS.noChoices);
  }
  if (!choices.some((c) => ((c as Json).text as string).length > 0)) fail(REASONS.emptyContent);
  return chatUsageTokens(body.usage);
}

/** Which check a batch endpoint's bodies get; undefined for an endpoint without one. */
export function lineCheckFor(endpoint: string): ((body: unknown) => LineCheckResult) | undefined {
  const path = endpoint.replace(/^.*\/v1(?=\/)/, '');
  switch (path) {
    case '/chat/completions':
      return (body) => ({ outputTokens: checkChatCompletion(body) });
    case '/responses':
      return (body) => ({ outputTokens: checkResponseObject(body) });
    case '/completions':
      return (body) => ({ outputTokens: checkTextCompletion(body) });
    case '/embeddings':
      // the inputs of each line are not kept (memory stays flat): one vector or more, all of
      // one non-zero dimension, sane usage
      return (body) => {
        const data = isObject(body) && Array.isArray(body.data) ? body.data.length : 0;
        checkEmbeddings(body, { count: Math.max(1, data) });
        return {};
      };
    default:
      return undefined;
  }
}

const checks = new Map<string, ((body: unknown) => LineCheckResult) | undefined>();

/** Checks one body for its endpoint; endpoints without a check pass. */
export function checkLineBody(endpoint: string, body: unknown): LineCheckResult {
  let check = checks.get(endpoint);
  if (check === undefined && !checks.has(endpoint)) checks.set(endpoint, (check = lineCheckFor(endpoint)));
  return check ? check(body) : {};
}
