import { createReadStream } from 'node:fs';
import type { ServerResponse } from 'node:http';
import type { StatsCollector } from '../stats.js';
import type { TimerRegistry } from '../util/timers.js';
import type { RequestContext } from './context.js';
import { HttpError, serverError } from './errors.js';
import type { EventSink, FileReply, JsonReply, Reply, StreamReply } from './reply.js';

const MALFORMED_TAIL = '\u0000<malformed mock body>';

/**
 * Writes replies and counts each request exactly once, under the status it got
 * or the fault outcome ("truncated", "malformed", ...). A client that left before
 * its reply is counted as "aborted".
 */
export class Responder {
  constructor(
    private readonly stats: StatsCollector,
    private readonly timers: TimerRegistry,
  ) {}

  record(ctx: RequestContext, outcome: string | number): void {
    const socket = ctx.res.socket;
    this.stats.recordRequest(ctx.routeKey, socket === null || socket.destroyed ? 'aborted' : String(outcome));
  }

  send(ctx: RequestContext, reply: Reply): void {
    if (reply.kind === 'json') this.sendJson(ctx, reply);
    else if (reply.kind === 'file') this.sendFile(ctx, reply);
    else this.sendStream(ctx, reply);
  }

  sendError(ctx: RequestContext, err: unknown): void {
    const error = err instanceof HttpError ? err : serverError();
    this.record(ctx, error.status);
    writeJson(ctx.res, error.status, error.toJson(), ctx.requestId, error.headers);
  }

  /** Destroys the connection without a response. */
  reset(ctx: RequestContext): void {
    this.record(ctx, 'reset');
    ctx.req.socket.destroy();
  }

  private sendJson(ctx: RequestContext, reply: JsonReply): void {
    const { res } = ctx;
    const fault = reply.status < 300 ? ctx.fault : null;
    if (fault === 'truncated') {
      this.record(ctx, 'truncated');
      const bytes = Buffer.from(reply.body);
      res.writeHead(reply.status, headerList('application/json', bytes.length, ctx.requestId, reply.headers));
      res.write(bytes.subarray(0, bytes.length >> 1), () => res.socket?.destroy());
      return;
    }
    if (fault === 'malformed') {
      this.record(ctx, 'malformed');
      writeJson(res, reply.status, reply.body.slice(0, reply.body.length >> 1) + MALFORMED_TAIL, ctx.requestId, reply.headers);
      return;
    }
    this.record(ctx, reply.status);
    writeJson(res, reply.status, reply.body, ctx.requestId, reply.headers, reply.ascii);
  }

  private sendFile(ctx: RequestContext, reply: FileReply): void {
    const { res } = ctx;
    const half = Math.floor(reply.size / 2);
    const fault = ctx.fault;
    this.record(ctx, fault === 'truncated' || fault === 'malformed' ? fault : 200);
    const garbage = fault === 'malformed' ? Buffer.from(MALFORMED_TAIL) : null;
    const length = garbage ? half + garbage.length : reply.size;
    res.writeHead(200, headerList('application/octet-stream', length, ctx.requestId));
    if (reply.size === 0 || (fault !== null && half === 0)) {
      if (fault === 'truncated') res.socket?.destroy();
      else res.end(garbage ?? undefined);
      return;
    }
    const stream = createReadStream(reply.path, fault ? { start: 0, end: half - 1 } : {});
    stream.on('error', () => res.socket?.destroy());
    stream.on('end', () => {
      if (fault === 'truncated') res.socket?.destroy();
      else res.end(garbage ?? undefined);
    });
    stream.pipe(res, { end: false });
  }

  private sendStream(ctx: RequestContext, reply: StreamReply): void {
    const { res } = ctx;
    const fault = ctx.fault === 'truncated' || ctx.fault === 'malformed' ? ctx.fault : null;
    this.record(ctx, fault ?? 200);
    res.writeHead(200, [
      'content-type',
      'text/event-stream; charset=utf-8',
      'cache-control',
      'no-cache',
      'x-request-id',
      ctx.requestId,
    ]);
    const sink = new ResponseEventSink(res, this.timers, fault, reply.plannedEvents);
    reply.run(sink).then(
      () => sink.end(),
      () => res.socket?.destroy(),
    );
  }
}

class ResponseEventSink implements EventSink {
  private written = 0;
  private cut = false;
  private readonly faultAt: number;

  constructor(
    private readonly res: ServerResponse,
    private readonly timers: TimerRegistry,
    private readonly fault: 'truncated' | 'malformed' | null,
    plannedEvents: number,
  ) {
    this.faultAt = fault ? Math.max(1, plannedEvents >> 1) : -1;
  }

  get open(): boolean {
    return !this.cut && !this.res.destroyed && !this.timers.isClosed;
  }

  event(text: string): void {
    if (!this.open) return;
    this.written++;
    if (this.written === this.faultAt) {
      if (this.fault === 'truncated') {
        this.cut = true;
        // Half an event, then the connection drops: no [DONE], no final chunk.
        this.res.write(text.slice(0, text.length >> 1), () => this.res.socket?.destroy());
        return;
      }
      this.res.write(text.slice(0, text.length >> 1) + MALFORMED_TAIL + '\n\n');
      return;
    }
    this.res.write(text);
  }

  sleep(ms: number): Promise<boolean> {
    return ms > 0 ? this.timers.sleep(ms) : Promise.resolve(!this.timers.isClosed);
  }

  end(): void {
    if (this.cut) return;
    if (this.res.destroyed) return;
    this.res.end();
  }
}

function headerList(contentType: string, length: number, requestId: string, extra?: readonly string[]): string[] {
  const headers = ['content-type', contentType, 'content-length', String(length), 'x-request-id', requestId];
  if (extra && extra.length > 0) headers.push(...extra);
  return headers;
}

/**
 * Header list of a JSON reply without extra headers, reused by every such reply: writeHead turns
 * the list into the header block at once and keeps no reference to it.
 */
const JSON_HEADERS = ['content-type', 'application/json', 'content-length', '', 'x-request-id', ''];

/**
 * `ascii`: the caller knows the body is 7-bit ASCII, so its length is its byte length and latin1
 * writes the same bytes as UTF-8 (without a UTF-8 length scan, flattening copy and encoding pass).
 */
export function writeJson(
  res: ServerResponse,
  status: number,
  body: string,
  requestId: string,
  extra?: readonly string[],
  ascii = false,
): void {
  if (res.headersSent || res.destroyed) return;
  const length = ascii ? body.length : Buffer.byteLength(body);
  if (extra === undefined || extra.length === 0) {
    JSON_HEADERS[3] = String(length);
    JSON_HEADERS[5] = requestId;
    res.writeHead(status, JSON_HEADERS);
  } else {
    res.writeHead(status, headerList('application/json', length, requestId, extra));
  }
  if (ascii) res.end(body, 'latin1');
  else res.end(body);
}
