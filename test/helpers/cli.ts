/** Runs the CLI in-process with captured output, as a user would see it. */
import { Writable } from 'node:stream';
import { main } from '../../src/cli/main.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

class Capture extends Writable {
  text = '';
  isTTY = false;
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: () => void) {
    this.text += chunk.toString();
    cb();
  }
}

export async function runCli(args: string[], opts: { env?: Record<string, string>; signal?: AbortSignal; cwd?: string } = {}): Promise<CliRun> {
  const stdout = new Capture();
  const stderr = new Capture();
  const code = await main(args, { stdout, stderr, env: opts.env ?? {}, cwd: opts.cwd ?? process.cwd(), signal: opts.signal });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

/** Flags that make a batch run quick against the mock: no think time, fast polls. */
export const FAST = ['--wait-min', '0', '--wait-max', '0', '--poll-interval', '100ms', '--poll-max-interval', '200ms', '--progress-interval', '1s'];
