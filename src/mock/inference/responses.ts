import { badRequest } from '../http/errors.js';
import type { EventSink, Reply } from '../http/reply.js';
import { json } from '../http/reply.js';
import { LatencyModel, type TokenTiming } from '../latency.js';
import { unixSeconds } from '../util/ids.js';
import type { Slot } from '../capacity.js';
import { type InferenceDeps, type InferenceEndpoint, type InferenceResult, optionalPositiveInt, requireModel } from './deps.js';
import { admit, generate, generateLine, streamTokens } from './generation.js';
import { sseEvent } from './sse.js';
import { responsesPromptTokens } from './prompt-tokens.js';

interface ResponsePlan {
  model: string;
  inputTokens: number;
  outputTokens: number;
  maxOutputTokens: number | null;
  instructions: string | null;
  metadata: Record<string, unknown>;
  stream: boolean;
}

/** POST {base}/responses: a completed response object, or the streaming event sequence. */
export class Responses implements InferenceEndpoint {
  readonly path = '/responses';

  constructor(private readonly deps: InferenceDeps) {}

  async complete(body: Record<string, unknown>): Promise<InferenceResult> {
    const plan = this.plan(body);
    await generateLine(this.deps, plan.outputTokens);
    return {
      status: 200,
      body: JSON.stringify(this.response(plan, this.newIds(), 'completed')),
      usage: { inputTokens: plan.inputTokens, outputTokens: plan.outputTokens },
    };
  }

  async online(body: Record<string, unknown>): Promise<Reply> {
    const plan = this.plan(body);
    const timing = this.deps.latency.draw();
    const slot = admit(this.deps, true);
    if (plan.stream) {
      return { kind: 'stream', plannedEvents: plan.outputTokens + 8, run: (sink) => this.stream(plan, timing, slot, sink) };
    }
    await generate(this.deps, slot, LatencyModel.totalMs(timing, plan.outputTokens));
    return json(200, JSON.stringify(this.response(plan, this.newIds(), 'completed')));
  }

  private plan(body: Record<string, unknown>): ResponsePlan {
    const model = requireModel(body);
    const { input } = body;
    if (typeof input !== 'string' && !Array.isArray(input)) {
      throw badRequest("Missing required parameter: 'input'.", 'input', 'missing_required_parameter');
    }
    const requested = optionalPositiveInt(body, 'max_output_tokens');
    if (Number.isNaN(requested)) throw badRequest('max_output_tokens must be a positive integer.', 'max_output_tokens', 'invalid_value');
    const instructions = typeof body.instructions === 'string' ? body.instructions : null;
    const metadata = typeof body.metadata === 'object' && body.metadata !== null ? (body.metadata as Record<string, unknown>) : {};
    return {
      model,
      inputTokens: responsesPromptTokens(input, instructions),
      outputTokens: this.deps.latency.outputTokens(requested),
      maxOutputTokens: requested ?? null,
      instructions,
      metadata,
      stream: body.stream === true,
    };
  }

  private newIds(): { responseId: string; messageId: string; createdAt: number } {
    const id = this.deps.ids.next();
    return { responseId: `resp_${id}`, messageId: `msg_${id}`, createdAt: unixSeconds() };
  }

  private message(plan: ResponsePlan, messageId: string, done: boolean): Record<string, unknown> {
    return {
      id: messageId,
      type: 'message',
      status: done ? 'completed' : 'in_progress',
      role: 'assistant',
      content: done ? [{ type: 'output_text', text: this.deps.text.content(plan.outputTokens), annotations: [], logprobs: [] }] : [],
    };
  }

  private response(
    plan: ResponsePlan,
    ids: { responseId: string; messageId: string; createdAt: number },
    status: 'in_progress' | 'completed',
  ): Record<string, unknown> {
    const done = status === 'completed';
    return {
      id: ids.responseId,
      object: 'response',
      created_at: ids.createdAt,
      status,
      background: false,
      error: null,
      incomplete_details: null,
      instructions: plan.instructions,
      max_output_tokens: plan.maxOutputTokens,
      model: plan.model,
      output: done ? [this.message(plan, ids.messageId, true)] : [],
      parallel_tool_calls: true,
      previous_response_id: null,
      reasoning: { effort: null, summary: null },
      service_tier: 'default',
      store: true,
      temperature: 1,
      text: { format: { type: 'text' } },
      tool_choice: 'auto',
      tools: [],
      top_p: 1,
      truncation: 'disabled',
      usage: done
        ? {
            input_tokens: plan.inputTokens,
            input_tokens_details: { cached_tokens: 0 },
            output_tokens: plan.outputTokens,
            output_tokens_details: { reasoning_tokens: 0 },
            total_tokens: plan.inputTokens + plan.outputTokens,
          }
        : null,
      user: null,
      metadata: plan.metadata,
    };
  }

  private async stream(plan: ResponsePlan, timing: TokenTiming, slot: Slot | Promise<Slot>, sink: EventSink): Promise<void> {
    const ids = this.newIds();
    let sequence = 0;
    const emit = (type: string, fields: Record<string, unknown>): void => {
      sink.event(sseEvent(type, JSON.stringify({ type, sequence_number: sequence++, ...fields })));
    };
    const item = { item_id: ids.messageId, output_index: 0, content_index: 0 };
    const inProgress = this.response(plan, ids, 'in_progress');
    emit('response.created', { response: inProgress });
    emit('response.in_progress', { response: inProgress });
    const total = plan.outputTokens;
    const done = await streamTokens(
      this.deps,
      slot,
      timing,
      total,
      sink,
      () => {
        emit('response.output_item.added', { output_index: 0, item: this.message(plan, ids.messageId, false) });
        emit('response.content_part.added', { ...item, part: { type: 'output_text', text: '', annotations: [], logprobs: [] } });
      },
      (i) => emit('response.output_text.delta', { ...item, delta: JSON.parse(this.deps.text.tokenLiteral(i)) as string, logprobs: [] }),
    );
    if (!done) return;
    const text = this.deps.text.content(total);
    emit('response.output_text.done', { ...item, text, logprobs: [] });
    emit('response.content_part.done', { ...item, part: { type: 'output_text', text, annotations: [], logprobs: [] } });
    emit('response.output_item.done', { output_index: 0, item: this.message(plan, ids.messageId, true) });
    emit('response.completed', { response: this.response(plan, ids, 'completed') });
  }
}
