import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';

/** Appends JSONL lines to a file with backpressure; the file is created on the first line. */
export class JsonlWriter {
  private out: WriteStream | null = null;
  /** one wait for 'drain' shared by every concurrent writer (lines of a batch run in parallel) */
  private drained: Promise<unknown> | null = null;
  lines = 0;
  bytes = 0;

  constructor(private readonly newPath: () => string) {}

  get path(): string | null {
    return this.out === null ? null : (this.out.path as string);
  }

  async write(line: string): Promise<void> {
    if (this.out === null) {
      this.out = createWriteStream(this.newPath());
      this.out.on('error', () => undefined);
    }
    const text = `${line}\n`;
    this.lines++;
    this.bytes += Buffer.byteLength(text);
    if (!this.out.write(text) || this.drained) {
      this.drained ??= once(this.out, 'drain').finally(() => (this.drained = null));
      await this.drained;
    }
  }

  /** Flushes and closes; resolves with the path, or null when nothing was written. */
  async close(): Promise<string | null> {
    if (this.out === null) return null;
    const finished = once(this.out, 'finish');
    this.out.end();
    await finished;
    return this.out.path as string;
  }

  destroy(): void {
    this.out?.destroy();
  }
}
