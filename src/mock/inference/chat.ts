import { badRequest } from '../http/errors.js';
import type { EventSink, Reply } from '../http/reply.js';
import { json } from '../http/reply.js';
import { LatencyModel, type TokenTiming } from '../latency.js';
import { unixSeconds } from '../util/ids.js';
import type { Slot } from '../capacity.js';
import { type InferenceDeps, type InferenceEndpoint, type InferenceResult, includeUsage, optionalPositiveInt, requireModel } from './deps.js';
import { admit, generate, generateLine, streamTokens } from './generation.js';
import { SSE_DONE, sseData } from './sse.js';
import { chatPromptTokens } from './prompt-tokens.js';

interface ChatPlan {
  modelJson: string;
  /** modelJson is 7-bit ASCII, and so is the whole non-streaming body. */
  modelAscii: boolean;
  promptTokens: number;
  completionTokens: number;
  stream: boolean;
  includeUsage: boolean;
}

const USAGE_DETAILS =
  ',"prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}}';

const ASCII = /^[\x00-\x7f]*$/;
/** Bound on the per-token-count cache of the constant middle of a completion body (cleared when full). */
const MAX_CACHED_CHOICES = 64;

/** POST {base}/chat/completions: non-streaming JSON or SSE chunks. */
export class ChatCompletions implements InferenceEndpoint {
  readonly path = '/chat/completions';
  /** Last model seen, its JSON literal and whether that is ASCII (clients rarely switch models). */
  private lastModel = '';
  private lastModelJson = '""';
  private lastModelAscii = true;
  /** completion tokens → the body from `,"choices"` to `"usage":`, which only depends on them. */
  private readonly choices = new Map<number, string>();

  constructor(private readonly deps: InferenceDeps) {}

  async complete(body: Record<string, unknown>): Promise<InferenceResult> {
    const plan = this.plan(body);
    await generateLine(this.deps, plan.completionTokens);
    return {
      status: 200,
      body: this.completionJson(plan),
      usage: { inputTokens: plan.promptTokens, outputTokens: plan.completionTokens },
    };
  }

  /** Synchronous when there is no delay and no capacity model (the zero-latency hot path). */
  online(body: Record<string, unknown>): Reply | Promise<Reply> {
    const plan = this.plan(body);
    const timing = this.deps.latency.draw();
    const delay = LatencyModel.totalMs(timing, plan.completionTokens);
    if (!plan.stream && delay <= 0 && this.deps.capacity === null) return json(200, this.completionJson(plan), undefined, plan.modelAscii);
    const slot = admit(this.deps, true);
    if (plan.stream) {
      return {
        kind: 'stream',
        plannedEvents: plan.completionTokens + (plan.includeUsage ? 4 : 3),
        run: (sink) => this.stream(plan, timing, slot, sink),
      };
    }
    return generate(this.deps, slot, delay).then(() => json(200, this.completionJson(plan), undefined, plan.modelAscii));
  }

  private plan(body: Record<string, unknown>): ChatPlan {
    const model = requireModel(body);
    const { messages } = body;
    if (!Array.isArray(messages) || messages.length === 0) {
      throw badRequest("Missing required parameter: 'messages'.", 'messages', 'missing_required_parameter');
    }
    for (const message of messages) {
      if (typeof message !== 'object' || message === null || typeof (message as { role?: unknown }).role !== 'string') {
        throw badRequest("Invalid value for 'messages': each message needs a 'role'.", 'messages', 'invalid_value');
      }
    }
    const requested = optionalPositiveInt(body, 'max_completion_tokens') ?? optionalPositiveInt(body, 'max_tokens');
    if (Number.isNaN(requested)) throw badRequest('max_tokens must be a positive integer.', 'max_tokens', 'invalid_value');
    if (model !== this.lastModel) {
      this.lastModelJson = JSON.stringify(model);
      this.lastModelAscii = ASCII.test(this.lastModelJson);
      this.lastModel = model;
    }
    return {
      modelJson: this.lastModelJson,
      modelAscii: this.lastModelAscii,
      promptTokens: chatPromptTokens(messages),
      completionTokens: this.deps.latency.outputTokens(requested),
      stream: body.stream === true,
      includeUsage: includeUsage(body),
    };
  }

  private usageJson(plan: ChatPlan): string {
    return `{"prompt_tokens":${plan.promptTokens},"completion_tokens":${plan.completionTokens},"total_tokens":${
      plan.promptTokens + plan.completionTokens
    }${USAGE_DETAILS}`;
  }

  private completionJson(plan: ChatPlan): string {
    return `{"id":"chatcmpl-${this.deps.ids.next()}","object":"chat.completion","created":${unixSeconds()},"model":${
      plan.modelJson
    }${this.choicesJson(plan.completionTokens)}${this.usageJson(plan)},"service_tier":"default","system_fingerprint":"fp_mock"}`;
  }

  /** `,"choices":[...],"usage":` for `tokens` completion tokens, built once per token count. */
  private choicesJson(tokens: number): string {
    let choices = this.choices.get(tokens);
    if (choices === undefined) {
      if (this.choices.size >= MAX_CACHED_CHOICES) this.choices.clear();
      choices = `,"choices":[{"index":0,"message":{"role":"assistant","content":"${this.deps.text.content(
        tokens,
      )}","refusal":null,"annotations":[]},"logprobs":null,"finish_reason":"stop"}],"usage":`;
      this.choices.set(tokens, choices);
    }
    return choices;
  }

  private async stream(plan: ChatPlan, timing: TokenTiming, slot: Slot | Promise<Slot>, sink: EventSink): Promise<void> {
    const head = `{"id":"chatcmpl-${this.deps.ids.next()}","object":"chat.completion.chunk","created":${unixSeconds()},"model":${
      plan.modelJson
    },"service_tier":"default","system_fingerprint":"fp_mock","choices":[{"index":0,"delta":`;
    const tail = plan.includeUsage ? ',"usage":null}' : '}';
    const chunk = (delta: string, finish: string): string =>
      sseData(`${head}${delta},"logprobs":null,"finish_reason":${finish}}]${tail}`);

    const text = this.deps.text;
    const done = await streamTokens(
      this.deps,
      slot,
      timing,
      plan.completionTokens,
      sink,
      () => sink.event(chunk('{"role":"assistant","content":"","refusal":null}', 'null')),
      (i) => sink.event(chunk(`{"content":${text.tokenLiteral(i)}}`, 'null')),
    );
    if (!done) return;
    sink.event(chunk('{}', '"stop"'));
    if (plan.includeUsage) {
      sink.event(
        sseData(`${head.slice(0, head.indexOf('"choices"'))}"choices":[],"usage":${this.usageJson(plan)}}`),
      );
    }
    sink.event(SSE_DONE);
  }
}
