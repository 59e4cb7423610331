/**
 * One end of a coordinator/worker connection once the handshake is done: newline-delimited JSON
 * both ways, a heartbeat every `heartbeatMs`, and the peer counted as lost when the connection
 * closes or nothing has come from it for `silenceMs` (a dead host or a partition: no FIN ever
 * arrives). Reads are bounded per message (LineReader), writes by MAX_BUFFERED_BYTES: a peer
 * that stops reading is dropped, never buffered for without end.
 */
import type { Socket } from 'node:net';
import { decodeMessage, encodeMessage, LineReader, MAX_BUFFERED_BYTES, MAX_MESSAGE_BYTES, type CoordinatorMessage, type WorkerMessage } from './protocol.js';

type Message = WorkerMessage | CoordinatorMessage;

export interface ChannelOptions<In> {
  /** no message (heartbeats included) for this long: the peer is lost */
  silenceMs: number;
  heartbeatMs: number;
  /** largest message accepted (default MAX_MESSAGE_BYTES) */
  maxMessageBytes?: number;
  onMessage(msg: In): void;
  /** the peer went away (closed, failed, silent, or sent garbage); not called after close() */
  onLost(reason: string): void;
}

export class Channel<In extends Message, Out extends Message> {
  private lastSeen = Date.now();
  private done = false;
  private readonly timer: NodeJS.Timeout;
  private readonly reader: LineReader;

  constructor(
    private readonly socket: Socket,
    private readonly opts: ChannelOptions<In>,
    /** bytes read with the handshake that belong to the channel */
    head?: Buffer,
  ) {
    socket.setNoDelay(true);
    socket.setKeepAlive(true, 1000);
    const reader = new LineReader(
      opts.maxMessageBytes ?? MAX_MESSAGE_BYTES,
      (line) => this.receive(line),
      () => this.lost(`a message over ${Math.round(reader.maxBytes / 1024)} KiB`),
    );
    this.reader = reader;
    socket.on('data', (chunk: Buffer) => {
      this.lastSeen = Date.now();
      reader.push(chunk);
    });
    socket.on('close', () => this.lost('connection closed'));
    socket.on('error', (err: NodeJS.ErrnoException) => this.lost(`connection error: ${err.code ?? err.message}`));
    this.timer = setInterval(() => this.tick(), opts.heartbeatMs);
    this.timer.unref();
    if (head && head.length > 0) {
      const rest = Buffer.from(head);
      setImmediate(() => reader.push(rest));
    }
  }

  get closed(): boolean {
    return this.done;
  }

  /** The peer's address, for log lines. */
  get remote(): string {
    return `${this.socket.remoteAddress ?? '?'}:${this.socket.remotePort ?? '?'}`;
  }

  /** Raises (or lowers) the largest message accepted from now on. */
  set maxMessageBytes(bytes: number) {
    this.reader.maxBytes = bytes;
  }

  /** Sends one message; false when the channel is closed (or was just dropped: the peer is not reading). */
  send(msg: Out): boolean {
    if (this.done) return false;
    if (this.socket.writableLength > MAX_BUFFERED_BYTES) {
      this.lost(`the peer is not reading (${Math.round(this.socket.writableLength / 1048576)} MiB waiting)`);
      return false;
    }
    this.socket.write(encodeMessage(msg));
    return true;
  }

  /** Resolves once everything sent so far is handed to the kernel (or the channel is gone). */
  flushed(): Promise<void> {
    if (this.done || this.socket.writableLength === 0) return Promise.resolve();
    return new Promise((resolve) => this.socket.write('', () => resolve()));
  }

  /** Closes from this side (after a last message); onLost is not called. */
  close(): void {
    if (this.done) return;
    this.done = true;
    clearInterval(this.timer);
    this.socket.end();
    setTimeout(() => this.socket.destroy(), 1000).unref();
  }

  private receive(line: string): void {
    if (this.done) return;
    let msg: In;
    try {
      msg = decodeMessage<In>(line);
    } catch {
      this.lost('a message that is not JSON');
      return;
    }
    if (msg.t === 'hb') return;
    this.opts.onMessage(msg);
  }

  private tick(): void {
    if (this.done) return;
    this.send({ t: 'hb' } as Out);
    if (Date.now() - this.lastSeen <= this.opts.silenceMs) return;
    // the event loop may have been busy: let reads that are waiting run (poll phase) first
    setImmediate(() =>
      setImmediate(() => {
        if (!this.done && Date.now() - this.lastSeen > this.opts.silenceMs) this.lost(`nothing received for ${this.opts.silenceMs / 1000}s`);
      }),
    );
  }

  private lost(reason: string): void {
    if (this.done) return;
    this.done = true;
    clearInterval(this.timer);
    this.socket.destroy();
    this.opts.onLost(reason);
  }
}
