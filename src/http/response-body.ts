/**
 * A response body without a stream (see client.ts for why): chunks are kept as they arrive
 * and handed out whole or one by one; plus the small readers scenarios use.
 */
/** A streaming reader that falls behind pauses the socket above this many buffered bytes. */
export const HIGH_WATER = 64 * 1024;

export const abortError = (message: string): Error => Object.assign(new Error(message), { name: 'AbortError' });


const WANT_BYTES = 1;
const WANT_TEXT = 2;
const WANT_JSON = 3;

/**
 * A response body without a stream: chunks are kept as they arrive. Consume it once, either
 * whole (`json()`, `text()`, `bytes()`: no backpressure, resolved at the end of the body) or
 * chunk by chunk (`for await`, Buffers; the socket pauses while HIGH_WATER bytes wait unread).
 * A body nobody reads is discarded once the reader returns, so it never wedges the socket.
 */
export class ResponseBody implements AsyncIterable<Buffer> {
  private chunks: Buffer[] = [];
  private size = 0;
  private ended = false;
  private error: Error | undefined;
  private consumed = false;
  /** 0 none / streaming, else WANT_*: resolve with the whole body at the end */
  private want = 0;
  private discarding = false;
  private paused = false;
  private resolveWhole: ((v: never) => void) | undefined;
  private rejectWhole: ((e: unknown) => void) | undefined;
  private wakeIterator: (() => void) | undefined;

  /** @param socket resumes a paused response (the request's exchange) */
  constructor(private readonly socket: { resume(): void }) {}

  /** True once the whole body arrived (or failed). */
  get done(): boolean {
    return this.ended || this.error !== undefined;
  }

  json<T = unknown>(): Promise<T> {
    return this.whole(WANT_JSON) as Promise<T>;
  }

  text(): Promise<string> {
    return this.whole(WANT_TEXT) as Promise<string>;
  }

  bytes(): Promise<Buffer> {
    return this.whole(WANT_BYTES) as Promise<Buffer>;
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Buffer, void, undefined> {
    this.take();
    while (true) {
      const chunk = this.chunks.shift();
      if (chunk !== undefined) {
        this.size -= chunk.length;
        if (this.paused && this.size < HIGH_WATER) this.unpause();
        yield chunk;
        continue;
      }
      if (this.error) throw this.error;
      if (this.ended) return;
      await new Promise<void>((r) => (this.wakeIterator = r));
    }
  }

  // -- fed by the request handler --

  /** @internal a chunk arrived; false: pause the socket (the caller does, resume() undoes it) */
  push(chunk: Buffer): boolean {
    if (this.discarding) return true;
    this.chunks.push(chunk);
    this.size += chunk.length;
    if (this.wakeIterator) this.wake();
    if (this.want !== 0 || this.size < HIGH_WATER) return true;
    this.paused = true;
    return false;
  }

  /** @internal */
  finish(): void {
    this.ended = true;
    if (this.want !== 0) this.settleWhole();
    else if (this.wakeIterator) this.wake();
  }

  /** @internal */
  fail(err: Error): void {
    if (this.ended || this.error) return;
    this.error = err;
    if (this.want !== 0) this.settleWhole();
    else if (this.wakeIterator) this.wake();
  }

  /** @internal the reader is done: drop what is left and let the socket finish the body */
  discard(): void {
    this.discarding = true;
    this.chunks = [];
    this.size = 0;
    if (this.paused) this.unpause();
  }

  private take(): void {
    if (this.consumed) throw new TypeError('Body is unusable: it has already been read');
    this.consumed = true;
  }

  private whole(want: number): Promise<unknown> {
    if (this.consumed) return Promise.reject(new TypeError('Body is unusable: it has already been read'));
    this.take();
    this.want = want;
    if (this.done) {
      try {
        return Promise.resolve(this.result());
      } catch (err) {
        return Promise.reject(err);
      }
    }
    if (this.paused) this.unpause();
    return new Promise((resolve, reject) => {
      this.resolveWhole = resolve;
      this.rejectWhole = reject;
    });
  }

  private result(): unknown {
    if (this.error) throw this.error;
    const c = this.chunks;
    const buf = c.length === 1 ? c[0]! : Buffer.concat(c, this.size);
    this.chunks = [];
    if (this.want === WANT_BYTES) return buf;
    const text = buf.toString('utf8');
    return this.want === WANT_TEXT ? text : JSON.parse(text);
  }

  private settleWhole(): void {
    const resolve = this.resolveWhole;
    const reject = this.rejectWhole!;
    if (!resolve) return;
    this.resolveWhole = this.rejectWhole = undefined;
    let value: unknown;
    try {
      value = this.result();
    } catch (err) {
      reject(err);
      return;
    }
    resolve(value as never);
  }

  private wake(): void {
    const w = this.wakeIterator!;
    this.wakeIterator = undefined;
    w();
  }

  private unpause(): void {
    this.paused = false;
    this.socket.resume();
  }
}

/** Reads at most `limit` bytes of a body as text and discards the rest. */
export async function readLimited(body: ResponseBody, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const buf of body) {
    if (size < limit) chunks.push(buf.subarray(0, limit - size));
    size += buf.length;
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Reads a whole body as a Buffer. */
export function readAll(body: ResponseBody): Promise<Buffer> {
  return body.bytes();
}

/** Reads a whole body as JSON; a parse failure surfaces as `invalid JSON body`. */
export function readJson<T = unknown>(body: ResponseBody): Promise<T> {
  return body.json<T>();
}
