import { describe, expect, it } from 'vitest';
import { HttpError } from '../../../src/facade/errors.ts';
import { paginate, parsePage } from '../../../src/facade/paging.ts';

const items = Array.from({ length: 7 }, (_, i) => i);
const id = (n: number) => n;

describe('parsePage', () => {
  it('defaults to the configured page size from offset 0', () => {
    expect(parsePage({}, 25, 1000)).toEqual({ limit: 25, offset: 0 });
  });
  it('reads limit and offset, capping the limit', () => {
    expect(parsePage({ limit: '3', offset: '6' }, 25, 1000)).toEqual({ limit: 3, offset: 6 });
    expect(parsePage({ limit: '5000' }, 25, 1000)).toEqual({ limit: 1000, offset: 0 });
  });
  it('reads limit=0 as the largest page, never 0', () => {
    expect(parsePage({ limit: '0' }, 25, 1000).limit).toBe(1000);
  });
  it('refuses what is not a non-negative integer with 400', () => {
    for (const bad of ['-1', 'ten', '1.5']) {
      expect(() => parsePage({ limit: bad }, 25, 1000)).toThrow(HttpError);
      expect(() => parsePage({ offset: bad }, 25, 1000)).toThrow(/offset must be a non-negative integer/);
    }
  });
});

describe('paginate', () => {
  it('links next and previous as /api/ paths keeping the other query parameters', () => {
    const page = paginate(
      items,
      { limit: 3, offset: 3 },
      '/api/app/v1/stack/',
      new URLSearchParams('name=x&offset=3&limit=3'),
      id,
    );
    expect(page.objects).toEqual([3, 4, 5]);
    expect(page.meta).toEqual({
      limit: 3,
      offset: 3,
      total_count: 7,
      next: '/api/app/v1/stack/?name=x&offset=6&limit=3',
      previous: '/api/app/v1/stack/?name=x&offset=0&limit=3',
    });
  });
  it('has no next on the last page and no previous on the first', () => {
    const last = paginate(items, { limit: 3, offset: 6 }, '/api/app/v1/stack/', new URLSearchParams(), id);
    expect(last.objects).toEqual([6]);
    expect(last.meta.next).toBeNull();
    const first = paginate(items, { limit: 3, offset: 0 }, '/api/app/v1/stack/', new URLSearchParams(), id);
    expect(first.meta.previous).toBeNull();
  });
  it('answers an offset past the end with no objects and no next', () => {
    const page = paginate(items, { limit: 3, offset: 30 }, '/p/', new URLSearchParams(), id);
    expect(page.objects).toEqual([]);
    expect(page.meta.next).toBeNull();
    expect(page.meta.total_count).toBe(7);
  });
});
