/**
 * Incremental Server-Sent Events parser (WHATWG "event stream interpretation"), bytes in,
 * events out. Chunk boundaries may fall anywhere: inside a line, between CR and LF, or inside
 * a multi-byte UTF-8 character (StringDecoder holds partial characters back).
 */
import { StringDecoder } from 'node:string_decoder';

export interface SseEvent {
  /** the `event:` field, '' when the event had none (spec: "message") */
  event: string;
  /** the `data:` lines joined with '\n' */
  data: string;
  /** the last `id:` field seen, '' when none */
  id: string;
}

export type SseListener = (event: SseEvent) => void;

export class SseParser {
  private readonly decoder = new StringDecoder('utf8');
  /** text of the current, not yet terminated line */
  private pending = '';
  /** the previous chunk ended with CR: a leading LF of the next one belongs to it */
  private lastWasCR = false;
  private started = false;
  private eventType = '';
  private data = '';
  private hasData = false;
  private lastId = '';
  /** lines processed since the last dispatch (to flush a final event with no blank line) */
  private linesInEvent = 0;

  constructor(private readonly onEvent: SseListener) {}

  /** Feeds one chunk of the body. Events are delivered synchronously, in order. */
  push(chunk: Buffer | Uint8Array | string): void {
    let text = typeof chunk === 'string' ? chunk : this.decoder.write(chunk as Buffer);
    if (text.length === 0) return;
    if (!this.started) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    if (this.lastWasCR) {
      this.lastWasCR = false;
      if (text.charCodeAt(0) === 10) text = text.slice(1);
    }
    let start = 0;
    const len = text.length;
    for (let i = 0; i < len; i++) {
      const c = text.charCodeAt(i);
      if (c !== 10 && c !== 13) continue;
      const line = this.pending.length > 0 ? this.pending + text.slice(start, i) : text.slice(start, i);
      this.pending = '';
      if (c === 13) {
        if (i + 1 < len) {
          if (text.charCodeAt(i + 1) === 10) i++;
        } else {
          this.lastWasCR = true;
        }
      }
      start = i + 1;
      this.line(line);
    }
    if (start < len) this.pending += text.slice(start);
  }

  /**
   * End of body. A final event whose lines were complete but that lacked the blank line is
   * dispatched (lenient: many servers close right after `data: [DONE]\n`); a partial last line
   * is discarded, as the spec says. Returns true when an unterminated partial line was dropped.
   */
  end(): boolean {
    const rest = this.decoder.end();
    if (rest) this.pending += rest;
    const truncated = this.pending.length > 0;
    this.pending = '';
    if (this.linesInEvent > 0) this.dispatch();
    return truncated;
  }

  private line(line: string): void {
    if (line.length === 0) {
      this.dispatch();
      return;
    }
    this.linesInEvent++;
    if (line.charCodeAt(0) === 58 /* ':' comment */) return;
    const colon = line.indexOf(':');
    let field: string;
    let value: string;
    if (colon === -1) {
      field = line;
      value = '';
    } else {
      field = line.slice(0, colon);
      value = line.charCodeAt(colon + 1) === 32 ? line.slice(colon + 2) : line.slice(colon + 1);
    }
    switch (field) {
      case 'data':
        this.data = this.hasData ? `${this.data}\n${value}` : value;
        this.hasData = true;
        break;
      case 'event':
        this.eventType = value;
        break;
      case 'id':
        if (!value.includes('\0')) this.lastId = value;
        break;
      default:
        // `retry` and unknown fields are ignored
        break;
    }
  }

  private dispatch(): void {
    this.linesInEvent = 0;
    if (!this.hasData) {
      this.eventType = '';
      return;
    }
    const event: SseEvent = { event: this.eventType, data: this.data, id: this.lastId };
    this.eventType = '';
    this.data = '';
    this.hasData = false;
    this.onEvent(event);
  }
}

/** Convenience for tests and small bodies: every event of a complete stream. */
export function parseSse(chunks: Iterable<Buffer | Uint8Array | string>): SseEvent[] {
  const out: SseEvent[] = [];
  const p = new SseParser((e) => out.push(e));
  for (const c of chunks) p.push(c);
  p.end();
  return out;
}
