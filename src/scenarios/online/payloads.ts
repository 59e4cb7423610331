/**
 * Request bodies for the online scenarios. Every prompt starts with a fresh UUID so no cache
 * (prompt cache, proxy cache) can serve it. Bodies are serialised once per scenario into a
 * template with UUID slots; per request we only splice UUIDs in (the prompt may be 150× a
 * sentence, and this runs once per request).
 */
import { randomUUID } from 'node:crypto';
import type { PayloadConfig, ScenarioName } from '../../config/types.js';
import { RUN_OPTIONS } from '../../options/run-options.js';

/** The Locust scripts' prompt: the run option's default (src/options/run-options.ts). */
export const DEFAULT_PROMPT = String(RUN_OPTIONS.find((o) => o.key === 'prompt')!.default);

/** A JSON-safe marker; never appears in user text after JSON escaping of the quotes around it. */
const SLOT = '\u0000uuid-slot\u0000';
const SLOT_JSON = JSON.stringify(SLOT).slice(1, -1);

/** A pre-serialised JSON body with UUID slots: parts.length === slots + 1. */
export class BodyTemplate {
  private readonly parts: string[];

  constructor(body: unknown) {
    this.parts = JSON.stringify(body).split(SLOT_JSON);
  }

  get slots(): number {
    return this.parts.length - 1;
  }

  /** The body with a fresh UUID in every slot. */
  render(uuid: () => string = randomUUID): string {
    const p = this.parts;
    if (p.length === 2) return p[0] + uuid() + p[1];
    let out = p[0]!;
    for (let i = 1; i < p.length; i++) out += uuid() + p[i];
    return out;
  }
}

/** The model a scenario sends: its override, else the default. */
export function modelFor(payload: PayloadConfig, scenario: ScenarioName): string {
  return payload.models[scenario] ?? payload.model;
}

/** The prompt text after the UUID: prompt × repeat, space-separated. */
export function repeatedPrompt(payload: PayloadConfig): string {
  const text = payload.prompt || DEFAULT_PROMPT;
  const n = Math.max(1, Math.floor(payload.promptRepeat || 1));
  return n === 1 ? text : new Array<string>(n).fill(text).join(' ');
}

/** Prompt text with a UUID slot in front. */
function slottedPrompt(payload: PayloadConfig): string {
  return `${SLOT} ${repeatedPrompt(payload)}`;
}

export function chatBody(payload: PayloadConfig, stream: boolean): BodyTemplate {
  const body: Record<string, unknown> = {
    model: modelFor(payload, 'chat'),
    messages: [{ role: 'user', content: slottedPrompt(payload) }],
  };
  if (payload.maxTokens !== undefined) body.max_tokens = payload.maxTokens;
  if (payload.user) body.user = payload.user;
  if (stream) {
    body.stream = true;
    // usage in the last chunk gives the server's own token count
    body.stream_options = { include_usage: true };
  }
  return new BodyTemplate(body);
}

export function responsesBody(payload: PayloadConfig, stream: boolean): BodyTemplate {
  const body: Record<string, unknown> = {
    model: modelFor(payload, 'responses'),
    input: slottedPrompt(payload),
  };
  if (payload.maxTokens !== undefined) body.max_output_tokens = payload.maxTokens;
  if (payload.user) body.user = payload.user;
  if (stream) body.stream = true;
  return new BodyTemplate(body);
}

/**
 * How many inputs an embeddings request carries as a list; 0 means one plain string
 * (`embeddingInputs` ≤ 1, the default: the config's "one string or a list of N").
 */
export function embeddingInputCount(payload: PayloadConfig): number {
  const n = Math.floor(payload.embeddingInputs || 0);
  return n >= 2 ? n : 0;
}

export function embeddingsBody(payload: PayloadConfig): BodyTemplate {
  const n = embeddingInputCount(payload);
  const text = slottedPrompt(payload);
  const body: Record<string, unknown> = {
    model: modelFor(payload, 'embeddings'),
    input: n === 0 ? text : new Array<string>(n).fill(text),
  };
  if (payload.encodingFormat) body.encoding_format = payload.encodingFormat;
  if (payload.dimensions !== undefined) body.dimensions = payload.dimensions;
  if (payload.user) body.user = payload.user;
  return new BodyTemplate(body);
}

/** Defaults that match the Locust users' scripts, for tests and the bench. */
export function defaultPayload(overrides: Partial<PayloadConfig> = {}): PayloadConfig {
  return {
    model: 'gpt-4o-mini',
    models: {},
    prompt: DEFAULT_PROMPT,
    promptRepeat: 1,
    streamRatio: 0,
    embeddingInputs: 1,
    ...overrides,
  };
}
