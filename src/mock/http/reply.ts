/** What a route handler produces; the dispatcher writes it (and applies truncated/malformed faults). */
export type Reply = JsonReply | FileReply | StreamReply;

export interface JsonReply {
  kind: 'json';
  status: number;
  /** Serialized JSON. */
  body: string;
  headers?: readonly string[];
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

export const json = (status: number, body: string, headers?: readonly string[]): JsonReply => ({
  kind: 'json',
  status,
  body,
  headers,
});
