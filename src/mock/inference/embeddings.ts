import { endianness } from 'node:os';
import { badRequest } from '../http/errors.js';
import { json, type Reply } from '../http/reply.js';
import { createRng } from '../util/rng.js';
import { type InferenceDeps, type InferenceEndpoint, type InferenceResult, requireModel } from './deps.js';
import { admit, generate } from './generation.js';
import { listPromptTokens } from './prompt-tokens.js';

const MAX_INPUTS = 2048;
const LITTLE_ENDIAN = endianness() === 'LE';

/** POST {base}/embeddings: deterministic unit vectors, as float arrays or base64 float32 (LE). */
export class Embeddings implements InferenceEndpoint {
  readonly path = '/embeddings';

  constructor(private readonly deps: InferenceDeps) {}

  async online(body: Record<string, unknown>): Promise<Reply> {
    const result = await this.complete(body, true);
    return json(result.status, result.body);
  }

  async complete(body: Record<string, unknown>, online = false): Promise<InferenceResult> {
    const model = requireModel(body);
    const { encoding_format: encoding } = body;
    const inputs = normaliseInput(body.input);
    if (encoding !== undefined && encoding !== 'float' && encoding !== 'base64') {
      throw badRequest("Invalid value for 'encoding_format': expected 'float' or 'base64'.", 'encoding_format', 'invalid_value');
    }
    const { defaultDimensions, maxDimensions } = this.deps.options.embeddings;
    const dims = body.dimensions ?? defaultDimensions;
    if (typeof dims !== 'number' || !Number.isInteger(dims) || dims < 1 || dims > maxDimensions) {
      throw badRequest(`Invalid value for 'dimensions': expected an integer from 1 to ${maxDimensions}.`, 'dimensions', 'invalid_value');
    }
    // Embeddings have no output tokens: the time to first token is the whole latency.
    await generate(this.deps, admit(this.deps, online), this.deps.latency.draw().firstTokenMs);
    const promptTokens = listPromptTokens(body.input);
    const data = inputs.map((input, index) => {
      const vector = embed(typeof input === 'string' ? input : input.join(','), dims);
      return { object: 'embedding', index, embedding: encoding === 'base64' ? toBase64(vector) : Array.from(vector) };
    });
    return {
      status: 200,
      body: JSON.stringify({ object: 'list', data, model, usage: { prompt_tokens: promptTokens, total_tokens: promptTokens } }),
      usage: { inputTokens: promptTokens, outputTokens: 0 },
    };
  }
}

type EmbeddingInput = string | number[];

function normaliseInput(input: unknown): EmbeddingInput[] {
  const invalid = () => badRequest("Invalid value for 'input': expected a non-empty string, an array of strings, or token arrays.", 'input', 'invalid_value');
  if (typeof input === 'string') {
    if (input.length === 0) throw invalid();
    return [input];
  }
  if (!Array.isArray(input) || input.length === 0) {
    if (input === undefined) throw badRequest("Missing required parameter: 'input'.", 'input', 'missing_required_parameter');
    throw invalid();
  }
  if (input.every((x) => typeof x === 'number')) return [input as number[]];
  if (input.length > MAX_INPUTS) throw badRequest(`'input' must have at most ${MAX_INPUTS} items.`, 'input', 'invalid_value');
  for (const item of input) {
    const ok =
      (typeof item === 'string' && item.length > 0) ||
      (Array.isArray(item) && item.length > 0 && item.every((x) => typeof x === 'number' && Number.isInteger(x)));
    if (!ok) throw invalid();
  }
  return input as EmbeddingInput[];
}

/** A unit vector seeded by the input text: same input, same vector, on every run. */
function embed(text: string, dims: number): Float32Array {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
  const rng = createRng(hash);
  const vector = new Float32Array(dims);
  let norm = 0;
  for (let i = 0; i < dims; i++) {
    const v = rng.next() * 2 - 1;
    vector[i] = v;
    norm += v * v;
  }
  const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
  for (let i = 0; i < dims; i++) vector[i] = vector[i]! * scale;
  return vector;
}

function toBase64(vector: Float32Array): string {
  if (LITTLE_ENDIAN) return Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength).toString('base64');
  const bytes = Buffer.allocUnsafe(vector.length * 4);
  for (let i = 0; i < vector.length; i++) bytes.writeFloatLE(vector[i]!, i * 4);
  return bytes.toString('base64');
}
