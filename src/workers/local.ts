/**
 * `--workers N` on one machine: N child processes of this same program (`batch-load worker`),
 * connected to the coordinator over loopback. Each gets the channel token in its environment
 * (never in argv, which `ps` shows) and none of the coordinator's BATCH_LOAD_* settings: run
 * options come over the channel. Children run in their own process group, so a Ctrl-C reaches
 * the coordinator alone and it stops them; they stop by themselves when it dies.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { basename, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface LocalWorkers {
  /** pids of the children, by index */
  readonly pids: number[];
  /** Waits up to `graceMs` for every child to exit, then SIGKILLs the rest (by pid). */
  stop(graceMs: number): Promise<void>;
}

const ENTRIES = new Set(['batch-load', 'batch-load.js', 'bin.ts', 'bin.js']);

/** How to start this program again: the running entry script, else the package's launcher. */
export function selfCommand(): { command: string; args: string[] } {
  const entry = process.argv[1];
  if (entry && ENTRIES.has(basename(entry))) return { command: process.execPath, args: [...process.execArgv, entry] };
  const launcher = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'batch-load.js');
  return { command: process.execPath, args: [launcher] };
}

/** The environment of a child: the parent's without BATCH_LOAD_* settings, plus the token. */
function childEnv(token: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('BATCH_LOAD_') && k !== 'JOB_COMPLETION_INDEX') env[k] = v;
  env.BATCH_LOAD_TOKEN = token;
  return env;
}

export function spawnLocalWorkers(
  count: number,
  coordinatorUrl: string,
  token: string,
  /** a line of a child's stderr (its errors) */
  log: (index: number, line: string) => void,
  /** a child ended: `how` is `exited with code 3` or `was killed by SIGKILL` */
  exited: (index: number, how: string) => void,
): LocalWorkers {
  const self = selfCommand();
  const children: ChildProcess[] = [];
  const alive = new Set<ChildProcess>();
  for (let index = 0; index < count; index++) {
    const child = spawn(self.command, [...self.args, 'worker', '--coordinator', coordinatorUrl, '--index', String(index)], {
      env: childEnv(token),
      stdio: ['ignore', 'ignore', 'pipe'],
      detached: true,
    });
    children.push(child);
    alive.add(child);
    let rest = '';
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => {
      // bounded: a line longer than 4 KiB is cut
      const lines = (rest + chunk).split('\n');
      rest = lines.pop()!.slice(0, 4096);
      for (const line of lines) if (line.trim()) log(index, line.slice(0, 4096));
    });
    child.on('exit', (code, signal) => {
      alive.delete(child);
      if (rest.trim()) log(index, rest);
      exited(index, signal ? `was killed by ${signal}` : `exited with code ${code}`);
    });
    child.on('error', (err) => {
      alive.delete(child);
      exited(index, `could not start: ${err.message}`);
    });
  }
  return {
    pids: children.map((c) => c.pid ?? -1),
    async stop(graceMs: number) {
      if (alive.size === 0) return;
      await new Promise<void>((resolveAll) => {
        const timer = setTimeout(() => {
          for (const c of alive) {
            try {
              if (c.pid) process.kill(c.pid, 'SIGKILL');
            } catch {
              // already gone
            }
          }
          resolveAll();
        }, graceMs);
        const check = () => {
          if (alive.size === 0) {
            clearTimeout(timer);
            resolveAll();
          }
        };
        for (const c of alive) c.once('exit', check);
        check();
      });
    },
  };
}
