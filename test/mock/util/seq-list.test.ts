import { describe, expect, it } from 'vitest';
import { seqOfId, sequencedId } from '../../../src/mock/util/ids.js';
import { type PageQuery, paginate } from '../../../src/mock/util/pagination.js';
import { SeqList } from '../../../src/mock/util/seq-list.js';

interface Item {
  id: string;
  seq: number;
}

function build(n: number): { list: SeqList<Item>; live: Map<string, Item>; checks: () => number } {
  const live = new Map<string, Item>();
  let calls = 0;
  const list = new SeqList<Item>((item) => {
    calls++;
    return live.get(item.id) === item;
  });
  for (let seq = 1; seq <= n; seq++) {
    const item = { id: sequencedId('obj_', seq), seq };
    live.set(item.id, item);
    list.push(item);
  }
  return { list, live, checks: () => calls };
}

const query = (limit: number, order: 'asc' | 'desc', after: string | null = null): PageQuery => ({ limit, order, after });
const seqs = (items: Item[]): number[] => items.map((i) => i.seq);

describe('cursor pages over a store', () => {
  it('pages both ways from a cursor, with has_more', () => {
    const { list } = build(10);
    const seqOf = (id: string) => seqOfId(id, 'obj_');
    const first = paginate(list, query(3, 'desc'), seqOf);
    expect(seqs(first.data)).toEqual([10, 9, 8]);
    expect(first.has_more).toBe(true);
    const next = paginate(list, query(3, 'desc', first.last_id), seqOf);
    expect(seqs(next.data)).toEqual([7, 6, 5]);
    expect(seqs(paginate(list, query(4, 'asc', sequencedId('obj_', 6)), seqOf).data)).toEqual([7, 8, 9, 10]);
    const end = paginate(list, query(4, 'asc', sequencedId('obj_', 7)), seqOf);
    expect(seqs(end.data)).toEqual([8, 9, 10]);
    expect(end.has_more).toBe(false);
    expect(() => paginate(list, query(3, 'asc', 'nonsense'), seqOf)).toThrow(/cursor/);
  });

  it('skips removed items and keeps a removed cursor working', () => {
    const { list, live } = build(10);
    const seqOf = (id: string) => seqOfId(id, 'obj_');
    for (const seq of [9, 5, 6, 1]) {
      const item = live.get(sequencedIdOf(live, seq))!;
      live.delete(item.id);
      list.noteRemoved(item);
    }
    expect(seqs(paginate(list, query(4, 'desc'), seqOf).data)).toEqual([10, 8, 7, 4]);
    expect(seqs(paginate(list, query(2, 'desc', sequencedId('obj_', 5)), seqOf).data)).toEqual([4, 3]);
    expect(seqs(paginate(list, query(9, 'asc'), seqOf).data)).toEqual([2, 3, 4, 7, 8, 10]);
  });

  it('never scans the whole store for a page, also after many evictions and deletes', () => {
    const { list, live, checks } = build(100_000);
    const seqOf = (id: string) => seqOfId(id, 'obj_');
    let before = checks();
    const page = paginate(list, query(10, 'desc', sequencedId('obj_', 50_000)), seqOf);
    expect(seqs(page.data)).toEqual([49_999, 49_998, 49_997, 49_996, 49_995, 49_994, 49_993, 49_992, 49_991, 49_990]);
    expect(checks() - before).toBeLessThanOrEqual(11);
    // Evict the oldest 60,000 one by one, as the retention queue does, and delete every other item of the next 1,000.
    const items = [...live.values()];
    const remove = (item: Item): void => {
      live.delete(item.id);
      list.noteRemoved(item);
    };
    before = checks();
    for (let i = 0; i < 60_000; i++) remove(items[i]!);
    for (let i = 60_000; i < 61_000; i += 2) remove(items[i]!);
    // Amortized O(1) per removal, compactions included.
    expect(checks() - before).toBeLessThan(4 * 61_000);
    before = checks();
    expect(seqs(paginate(list, query(3, 'asc'), seqOf).data)).toEqual([60_002, 60_004, 60_006]);
    expect(checks() - before).toBeLessThanOrEqual(7);
    before = checks();
    expect(paginate(list, query(3, 'desc'), seqOf).data[0]!.seq).toBe(100_000);
    expect(checks() - before).toBeLessThanOrEqual(4);
  });
});

function sequencedIdOf(live: Map<string, Item>, seq: number): string {
  for (const item of live.values()) if (item.seq === seq) return item.id;
  throw new Error(`no item ${seq}`);
}
