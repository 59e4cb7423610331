/**
 * The tests `serve` runs, as the FastAPI orchestrator named them. Each maps to one engine
 * scenario; `POST /run-load-tests` runs them in this order.
 */
import type { ScenarioName } from '../config/types.js';

export const TEST_NAMES = ['chat', 'responses', 'embeddings', 'batch'] as const;
export type TestName = (typeof TEST_NAMES)[number];

export function isTestName(name: string): name is TestName {
  return (TEST_NAMES as readonly string[]).includes(name);
}

/** The engine scenario of each test (fixed: a request body cannot change it). */
export const TEST_SCENARIO: Record<TestName, ScenarioName> = {
  chat: 'chat',
  responses: 'responses',
  embeddings: 'embeddings',
  batch: 'batch',
};

/** Per-test host env vars of the FastAPI orchestrator (batch has none: LOCUST_HOST or the embedded mock). */
export const TEST_HOST_ENV: Partial<Record<TestName, string>> = {
  chat: 'LOCUST_CHAT_HOST',
  responses: 'LOCUST_RESPONSES_HOST',
  embeddings: 'LOCUST_EMBEDDINGS_HOST',
};

/** The FastAPI orchestrator's defaults per test: 60 s, 1 user, spawn 1; prompts a uuid-led sentence ×150. */
export const TEST_DEFAULTS = {
  durationSeconds: 60,
  userCount: 1,
  spawnRate: 1,
  /** online tests only; the CLI's default is 1 */
  promptRepeat: 150,
  /** live progress for GET /runs/{id} and /metrics */
  progressInterval: '1s',
} as const;
