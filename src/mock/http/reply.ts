/** What a route handler produces; the dispatcher writes it (and applies truncated/malformed faults). */
export type Reply = JsonReply | FileReply | StreamReply;

export interface JsonReply {
  kind: 'json';
  status: number;
  /** Serialized JSON. */
  body: string;
  headers?: readonly string[];
  /**
   * True when the producer knows `body` is plain ASCII (7-bit): its length is then its byte length,
   * and it is written as latin1 (same bytes, no UTF-8 encoding pass). Never guess: false is always safe.
   */
  ascii: boolean;
}

export interface FileReply {
  kind: 'file';
  path: string;
  size: number;
}

export interface StreamReply {
  kind: 'stream';
  /** Number of events the stream will write; a truncated fault cuts it at half. */
  plannedEvents: number;
  run(sink: EventSink): Promise<void>;
}

/** Where a streaming handler writes its server-sent events. */
export interface EventSink {
  /** False once the client is gone or a fault cut the stream: the handler should stop. */
  readonly open: boolean;
  /** Writes one complete SSE event (including its trailing blank line). */
  event(text: string): void;
  /** Waits for the latency model; resolves false when the server is closing. */
  sleep(ms: number): Promise<boolean>;
  end(): void;
}

export const json = (status: number, body: string, headers?: readonly string[], ascii = false): JsonReply => ({
  kind: 'json',
  status,
  body,
  headers,
  ascii,
});
