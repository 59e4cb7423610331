import type { Slot } from '../capacity.js';
import { badRequest } from '../http/errors.js';
import type { EventSink, Reply } from '../http/reply.js';
import { json } from '../http/reply.js';
import { LatencyModel, type TokenTiming } from '../latency.js';
import { unixSeconds } from '../util/ids.js';
import { type InferenceDeps, type InferenceEndpoint, type InferenceResult, includeUsage, optionalPositiveInt, requireModel } from './deps.js';
import { admit, generate, generateLine, streamTokens } from './generation.js';
import { listPromptTokens } from './prompt-tokens.js';
import { SSE_DONE, sseData } from './sse.js';

interface CompletionPlan {
  model: string;
  /** One choice per prompt (an array of prompts gives several). */
  choices: number;
  promptTokens: number;
  /** Output tokens per choice. */
  tokens: number;
  stream: boolean;
  includeUsage: boolean;
}

const MAX_PROMPTS = 2048;

/**
 * POST {base}/completions, the legacy text completions: `prompt` a string, strings, a token array
 * or token arrays (one choice per prompt), `max_tokens` per choice; JSON or SSE chunks ending
 * with `data: [DONE]`. Each choice generates in parallel, so the latency is that of one.
 */
export class Completions implements InferenceEndpoint {
  readonly path = '/completions';

  constructor(private readonly deps: InferenceDeps) {}

  async complete(body: Record<string, unknown>): Promise<InferenceResult> {
    const plan = this.plan(body);
    await generateLine(this.deps, plan.tokens);
    return { status: 200, body: this.completionJson(plan), usage: { inputTokens: plan.promptTokens, outputTokens: plan.tokens * plan.choices } };
  }

  async online(body: Record<string, unknown>): Promise<Reply> {
    const plan = this.plan(body);
    const timing = this.deps.latency.draw();
    const slot = admit(this.deps, true);
    if (plan.stream) {
      return {
        kind: 'stream',
        plannedEvents: plan.choices * (plan.tokens + 1) + (plan.includeUsage ? 2 : 1),
        run: (sink) => this.stream(plan, timing, slot, sink),
      };
    }
    await generate(this.deps, slot, LatencyModel.totalMs(timing, plan.tokens));
    return json(200, this.completionJson(plan));
  }

  private plan(body: Record<string, unknown>): CompletionPlan {
    const model = requireModel(body);
    const { prompt } = body;
    const choices = promptCount(prompt);
    const requested = optionalPositiveInt(body, 'max_tokens');
    if (Number.isNaN(requested)) throw badRequest('max_tokens must be a positive integer.', 'max_tokens', 'invalid_value');
    return {
      model,
      choices,
      promptTokens: listPromptTokens(prompt),
      tokens: this.deps.latency.outputTokens(requested),
      stream: body.stream === true,
      includeUsage: includeUsage(body),
    };
  }

  private usage(plan: CompletionPlan): Record<string, number> {
    const completion = plan.tokens * plan.choices;
    return { prompt_tokens: plan.promptTokens, completion_tokens: completion, total_tokens: plan.promptTokens + completion };
  }

  private completionJson(plan: CompletionPlan): string {
    const text = this.deps.text.content(plan.tokens);
    return JSON.stringify({
      id: `cmpl-${this.deps.ids.next()}`,
      object: 'text_completion',
      created: unixSeconds(),
      model: plan.model,
      choices: Array.from({ length: plan.choices }, (_, index) => ({ text, index, logprobs: null, finish_reason: 'stop' })),
      usage: this.usage(plan),
      system_fingerprint: 'fp_mock',
    });
  }

  private async stream(plan: CompletionPlan, timing: TokenTiming, slot: Slot | Promise<Slot>, sink: EventSink): Promise<void> {
    const head = { id: `cmpl-${this.deps.ids.next()}`, object: 'text_completion', created: unixSeconds(), model: plan.model };
    const usage = plan.includeUsage ? { usage: null } : {};
    const chunk = (text: string, finish: string | null): void => {
      for (let index = 0; index < plan.choices; index++) {
        sink.event(sseData(JSON.stringify({ ...head, choices: [{ text, index, logprobs: null, finish_reason: finish }], ...usage, system_fingerprint: 'fp_mock' })));
      }
    };
    const done = await streamTokens(this.deps, slot, timing, plan.tokens, sink, () => undefined, (i) =>
      chunk(JSON.parse(this.deps.text.tokenLiteral(i)) as string, null),
    );
    if (!done) return;
    chunk('', 'stop');
    if (plan.includeUsage) sink.event(sseData(JSON.stringify({ ...head, choices: [], usage: this.usage(plan), system_fingerprint: 'fp_mock' })));
    sink.event(SSE_DONE);
  }
}

/** Number of prompts in a completions `prompt` (400 when it is none of the accepted shapes). */
function promptCount(prompt: unknown): number {
  if (prompt === undefined || prompt === null) throw badRequest("Missing required parameter: 'prompt'.", 'prompt', 'missing_required_parameter');
  const invalid = () => badRequest("Invalid value for 'prompt': expected a string, an array of strings, or token arrays.", 'prompt', 'invalid_value');
  if (typeof prompt === 'string') return 1;
  if (!Array.isArray(prompt) || prompt.length === 0) throw invalid();
  if (prompt.every((x) => typeof x === 'number' && Number.isInteger(x))) return 1;
  if (prompt.length > MAX_PROMPTS) throw badRequest(`'prompt' must have at most ${MAX_PROMPTS} items.`, 'prompt', 'invalid_value');
  for (const item of prompt) {
    const ok = typeof item === 'string' || (Array.isArray(item) && item.length > 0 && item.every((x) => typeof x === 'number' && Number.isInteger(x)));
    if (!ok) throw invalid();
  }
  return prompt.length;
}
