import { describe, expect, it } from 'vitest';
import { isOpenModel, selectExecutor, SHAPES } from '../../../src/engine/executors/index.js';
import { config } from './helpers.js';

describe('executor registry', () => {
  it.each([
    [{ users: 3 }, 'closed'],
    [{ rate: 10 }, 'open'],
    [{ rate: 10, arrival: 'poisson' }, 'open'],
    [{ stages: '10s:5' }, 'ramping-users'],
    [{ stages: '10s:5', rate: 1 }, 'ramping-arrival-rate'],
    [{ stages: '10s:5', arrival: 'constant' }, 'ramping-arrival-rate'],
  ] as const)('%j runs %s', (raw, name) => {
    const c = config(raw);
    expect(selectExecutor(c).name).toBe(name);
    expect(isOpenModel(c)).toBe(name === 'open' || name === 'ramping-arrival-rate');
  });

  it('every shape has a distinct name', () => {
    const names = SHAPES.map((s) => s.name);
    expect(new Set(names).size).toBe(names.length);
  });
});
