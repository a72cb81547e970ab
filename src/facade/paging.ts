// Tastypie's list envelope, which both clients page through differently:
//   - Python never follows `next`; while `next` is non-empty it asks for offset+limit with the
//     `limit` from meta, so meta.limit must never be 0 while `next` is set (it would loop).
//   - Go follows `next` after cutting its first 5 characters ("/api/"): `next` must be a path
//     starting with /api/, never an absolute URL.
// `limit=0` means "as many as allowed" (Tastypie's reading), i.e. the maximum page size.
import { quote } from '../util/show.ts';
import { badRequest } from './errors.ts';

export interface Page {
  limit: number;
  offset: number;
}

export interface ListEnvelope<T> {
  meta: { limit: number; next: string | null; offset: number; previous: string | null; total_count: number };
  objects: T[];
}

export function parsePage(query: Record<string, string | string[] | undefined>, defaultLimit: number, maxLimit: number): Page {
  const limit = nonNegativeInt(query, 'limit') ?? defaultLimit;
  const offset = nonNegativeInt(query, 'offset') ?? 0;
  return { limit: limit === 0 ? maxLimit : Math.min(limit, maxLimit), offset };
}

function nonNegativeInt(query: Record<string, string | string[] | undefined>, key: string): number | undefined {
  const raw = query[key];
  const value = Array.isArray(raw) ? raw[raw.length - 1] : raw;
  if (value === undefined || value === '') return undefined;
  if (!/^\d+$/.test(value)) throw badRequest(`${key} must be a non-negative integer, got ${quote(value)}`);
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw badRequest(`${key} is too large: ${value}`);
  return n;
}

/**
 * One page of `all`, with `next`/`previous` as paths: `path` (the request's, starting /api/)
 * with the request's other query parameters kept and limit/offset set.
 */
export function paginate<T, U>(
  all: readonly T[],
  page: Page,
  path: string,
  query: URLSearchParams,
  toJson: (item: T) => U,
): ListEnvelope<U> {
  const objects = all.slice(page.offset, page.offset + page.limit).map(toJson);
  const link = (offset: number) => {
    const params = new URLSearchParams(query);
    params.set('limit', String(page.limit));
    params.set('offset', String(offset));
    return `${path}?${params.toString()}`;
  };
  const hasNext = page.offset + page.limit < all.length;
  const hasPrevious = page.offset > 0;
  return {
    meta: {
      limit: page.limit,
      next: hasNext ? link(page.offset + page.limit) : null,
      offset: page.offset,
      previous: hasPrevious ? link(Math.max(0, page.offset - page.limit)) : null,
      total_count: all.length,
    },
    objects,
  };
}
