import { badRequest } from '../http/errors.js';
import type { SeqList } from './seq-list.js';

export interface PageQuery {
  limit: number;
  order: 'asc' | 'desc';
  after: string | null;
}

/** Reads `limit`, `order` and `after` from a query string; 400 on a bad value. */
export function parsePageQuery(params: URLSearchParams, defaultLimit: number, maxLimit: number): PageQuery {
  const rawLimit = params.get('limit');
  const limit = rawLimit === null ? defaultLimit : Number(rawLimit);
  if (!Number.isInteger(limit) || limit < 1 || limit > maxLimit) {
    throw badRequest(`Invalid 'limit': expected an integer from 1 to ${maxLimit}.`, 'limit', 'invalid_value');
  }
  const order = params.get('order') ?? 'desc';
  if (order !== 'asc' && order !== 'desc') throw badRequest("Invalid 'order': expected 'asc' or 'desc'.", 'order', 'invalid_value');
  return { limit, order, after: params.get('after') };
}

/**
 * One cursor page of a list in creation order. `after` may name an object that is no longer
 * listed (deleted, evicted, or filtered out): its id still says where it was (`seqOf`).
 * Costs O(limit) plus the removed items skipped, never the size of the store.
 */
export function paginate<T extends { id: string; seq: number }>(
  list: SeqList<T>,
  query: PageQuery,
  seqOf: (id: string) => number | undefined,
): { object: 'list'; data: T[]; first_id: string | null; last_id: string | null; has_more: boolean } {
  let after: number | null = null;
  if (query.after !== null) {
    const seq = seqOf(query.after);
    if (seq === undefined) throw badRequest(`No such object for cursor 'after': ${query.after}`, 'after', 'invalid_value');
    after = seq;
  }
  const { data, hasMore } = list.page(after, query.order, query.limit);
  return {
    object: 'list',
    data,
    first_id: data.length > 0 ? data[0]!.id : null,
    last_id: data.length > 0 ? data[data.length - 1]!.id : null,
    has_more: hasMore,
  };
}
