import { badRequest } from '../http/errors.js';

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
 * One cursor page over items in creation order. `after` may name an item that is no longer
 * listed (deleted, or filtered out): `positionOf` still knows where it was.
 */
export function paginate<T extends { id: string }>(
  itemsInCreationOrder: readonly T[],
  query: PageQuery,
  positionOf: (id: string) => number | undefined,
  positionOfItem: (item: T) => number,
): { object: 'list'; data: T[]; first_id: string | null; last_id: string | null; has_more: boolean } {
  let start = 0;
  const ordered = query.order === 'asc' ? itemsInCreationOrder : [...itemsInCreationOrder].reverse();
  if (query.after !== null) {
    const cursor = positionOf(query.after);
    if (cursor === undefined) throw badRequest(`No such object for cursor 'after': ${query.after}`, 'after', 'invalid_value');
    start = ordered.findIndex((item) => (query.order === 'asc' ? positionOfItem(item) > cursor : positionOfItem(item) < cursor));
    if (start === -1) start = ordered.length;
  }
  const data = ordered.slice(start, start + query.limit);
  return {
    object: 'list',
    data,
    first_id: data.length > 0 ? data[0]!.id : null,
    last_id: data.length > 0 ? data[data.length - 1]!.id : null,
    has_more: start + data.length < ordered.length,
  };
}
