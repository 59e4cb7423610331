/**
 * Items in creation order (rising `seq`), for cursor pages that never scan the whole store.
 * Removal is lazy: a removed item stays in the array until the next compaction. Removals from the
 * oldest end (eviction) only move `head`; other removed items (deletes) are compacted away once
 * they outnumber half the live ones, so removal costs O(1) amortized and a page skips at most
 * that many removed items. `isLive` tells whether an item is still stored.
 */
export class SeqList<T extends { seq: number }> {
  private items: T[] = [];
  /** Index of the oldest item that may still be live. */
  private head = 0;
  /** Removed items at or after head. */
  private removed = 0;

  constructor(private readonly isLive: (item: T) => boolean) {}

  /** Appends an item; its seq must be higher than every earlier one. */
  push(item: T): void {
    this.items.push(item);
  }

  /** Call once `item` stopped being live. */
  noteRemoved(item: T): void {
    const { items } = this;
    this.removed++;
    if (items[this.head] === item) {
      while (this.head < items.length && !this.isLive(items[this.head]!)) {
        this.head++;
        this.removed--;
      }
    }
    const live = items.length - this.head - this.removed;
    if (this.head > 1024 && this.head * 2 > items.length) this.compact();
    else if (this.removed > 64 && this.removed * 2 > live) this.compact();
  }

  private compact(): void {
    this.items = this.items.slice(this.head).filter(this.isLive);
    this.head = 0;
    this.removed = 0;
  }

  /**
   * Up to `limit` live items after the cursor seq (exclusive; null = from the start), newest first
   * for `desc`; `hasMore` says whether a live item follows the page.
   */
  page(afterSeq: number | null, order: 'asc' | 'desc', limit: number): { data: T[]; hasMore: boolean } {
    const { items, head } = this;
    const data: T[] = [];
    const step = order === 'asc' ? 1 : -1;
    let i =
      order === 'asc'
        ? Math.max(head, afterSeq === null ? 0 : this.search((s) => s > afterSeq))
        : (afterSeq === null ? items.length : this.search((s) => s >= afterSeq)) - 1;
    for (; i >= head && i < items.length; i += step) {
      const item = items[i]!;
      if (!this.isLive(item)) continue;
      if (data.length === limit) return { data, hasMore: true };
      data.push(item);
    }
    return { data, hasMore: false };
  }

  /** Index of the first item whose seq passes `test` (monotone in seq); items.length if none. */
  private search(test: (seq: number) => boolean): number {
    let lo = this.head;
    let hi = this.items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (test(this.items[mid]!.seq)) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}
