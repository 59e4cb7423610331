/**
 * The closed model's engine: virtual users that loop iteration → think → iteration, their number
 * following a level curve (the spawn ramp of `closed`, the stages of `ramping-users`, a sweep's
 * probe). When the level rises, users are added at once; when it falls, that many users leave at
 * their next iteration boundary: a user thinking is woken and leaves now, a user in an iteration
 * finishes it first (never mid-request).
 *
 * Cost: O(1) per iteration and per level change, whatever the user count. The pool keeps one
 * timer for the curve's next change, one abort listener on the run's signal (abort-hub), a Set
 * of thinking users and an `excess` count of users due to leave; nothing per wait is registered
 * on a shared object.
 */
import { performance } from 'node:perf_hooks';
import { onAbort } from '../abort-hub.js';
import type { ExecutorContext } from './types.js';

/** Users wanted over time: the integer level and when it next changes (ms from the start). */
export interface LevelCurve {
  levelAt(tMs: number): number;
  nextLevelChange(tMs: number): number;
}

interface User {
  id: number;
  /** ends the user's think time now */
  wake?: () => void;
}

export class UserPool {
  private alive = 0;
  /** users that leave at their next iteration boundary */
  private excess = 0;
  private level = 0;
  private readonly thinking = new Set<User>();
  private readonly freeIds: number[] = [];
  private nextId = 1;
  /** iterations run per user id (ids are reused: the numbering goes on) */
  private readonly iterations: number[] = [0];
  private readonly turns = new LoopTurns();
  private timer: NodeJS.Timeout | undefined;
  private start = 0;
  private resolveDone!: () => void;
  private readonly done = new Promise<void>((r) => (this.resolveDone = r));

  constructor(
    private readonly ctx: ExecutorContext,
    private curve: LevelCurve,
  ) {}

  /** The level the curve asks for now. */
  get target(): number {
    return this.level;
  }

  run(): Promise<void> {
    this.start = performance.now();
    onAbort(this.ctx.stopping, () => {
      if (this.timer !== undefined) clearTimeout(this.timer);
      this.timer = undefined;
      for (const u of [...this.thinking]) u.wake?.();
      if (this.alive === 0) this.resolveDone();
    });
    if (!this.ctx.stopping.aborted) this.update();
    return this.done;
  }

  /** Follows another curve from now on (a sweep's probe moving to its next level). */
  retarget(curve: LevelCurve): void {
    this.curve = curve;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.ctx.stopping.aborted) this.update();
  }

  private readonly update = (): void => {
    this.timer = undefined;
    if (this.ctx.stopping.aborted) return;
    const t = performance.now() - this.start;
    this.setLevel(this.curve.levelAt(t));
    const next = this.curve.nextLevelChange(t);
    if (Number.isFinite(next)) this.timer = setTimeout(this.update, Math.max(1, next - (performance.now() - this.start)));
  };

  private setLevel(level: number): void {
    this.level = level;
    const effective = this.alive - this.excess;
    if (level > effective) {
      let add = level - effective;
      const kept = Math.min(add, this.excess);
      this.excess -= kept;
      add -= kept;
      for (let i = 0; i < add; i++) this.spawn();
    } else if (level < effective) {
      this.excess += effective - level;
      // thinking users leave now (each takes one from `excess` as it wakes)
      let woken = 0;
      for (const u of [...this.thinking]) {
        if (woken >= this.excess) break;
        u.wake?.();
        woken++;
      }
    }
  }

  private spawn(): void {
    const id = this.freeIds.pop() ?? this.nextId++;
    if (this.iterations[id] === undefined) this.iterations[id] = 0;
    this.alive++;
    this.ctx.state.activeUsers++;
    void this.loop({ id });
  }

  /** One of the users due to leave is this one. */
  private leaving(): boolean {
    if (this.excess === 0) return false;
    this.excess--;
    return true;
  }

  private async loop(user: User): Promise<void> {
    const { ctx } = this;
    const { config, state, stopping } = ctx;
    try {
      while (!stopping.aborted && !this.leaving()) {
        if (config.iterations > 0 && state.iterationsStarted >= config.iterations) {
          ctx.onBudgetSpent();
          break;
        }
        state.iterationsStarted++;
        const mark = this.turns.mark();
        const n = ++this.iterations[user.id]!;
        await ctx.iterate(user.id, n);
        if (stopping.aborted || this.leaving()) break;
        const ms = ctx.thinkMs();
        if (ms > 0) await this.think(user, ms);
        // nothing waited on I/O or a timer (a request that failed before it was sent, no think
        // time): without a turn of the event loop, timers and signals would never run
        if (this.turns.current === mark) await this.turns.yield();
      }
    } finally {
      this.alive--;
      state.activeUsers--;
      this.freeIds.push(user.id);
      if (!stopping.aborted) ctx.onUserLeft?.(user.id);
      if (stopping.aborted && this.alive === 0) this.resolveDone();
    }
  }

  private think(user: User, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const end = () => {
        clearTimeout(timer);
        this.thinking.delete(user);
        user.wake = undefined;
        resolve();
      };
      const timer = setTimeout(end, ms);
      user.wake = end;
      this.thinking.add(user);
    });
  }
}

/**
 * Tells whether the event loop turned since a mark: one shared setImmediate, armed by the first
 * mark of a turn, advances the counter (so at most one per turn however many users mark, and
 * nothing per wait is registered anywhere).
 */
class LoopTurns {
  current = 0;
  private armed = false;
  private readonly advance = () => {
    this.current++;
    this.armed = false;
  };

  mark(): number {
    if (!this.armed) {
      this.armed = true;
      setImmediate(this.advance);
    }
    return this.current;
  }

  yield(): Promise<void> {
    return new Promise((resolve) => setImmediate(resolve));
  }
}
