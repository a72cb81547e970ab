// Conversions over hostile input: the work and the errors do not grow with the input. Work is
// counted, not timed: the values are Proxies that count how many of their items are read.
import { describe, expect, it } from 'vitest';
import { closest } from '../../../src/dockercloud/request-values.ts';
import { servicesFromRequest } from '../../../src/dockercloud/service-request.ts';
import { formatFieldErrors, MAX_LISTED_ERRORS, validateStackSpec } from '../../../src/model/errors.ts';
import { show } from '../../../src/util/show.ts';

/** `items` behind a Proxy that counts reads of its elements (or, for a mapping, its values). */
function counted<T extends object>(items: T): { value: T; reads: () => number } {
  let reads = 0;
  const value = new Proxy(items, {
    get(target, key, receiver) {
      if (typeof key === 'string' && key !== 'length' && !(key in Array.prototype) && !(key in Object.prototype)) reads++;
      return Reflect.get(target, key, receiver);
    },
  });
  return { value, reads: () => reads };
}

const many = <T>(n: number, item: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => item(i));

function errorsOf(services: unknown): string {
  const result = servicesFromRequest(services);
  if (result.ok) throw new Error('expected a refusal');
  return formatFieldErrors(result.errors, result);
}

describe('oversized lists are refused before any item is read', () => {
  it.each([
    ['container_ports', 100, () => ({ inner_port: 'x' })],
    ['ports', 100, () => 'x'],
    ['expose', 100, () => 'x'],
    ['container_envvars', 1000, () => 1],
    ['environment', 1000, () => 1],
    ['linked_to_service', 100, () => 1],
    ['links', 100, () => 1],
    ['bindings', 100, () => 1],
    ['volumes', 100, () => 1],
    ['volumes_from', 100, () => 1],
    ['tags', 100, () => 1],
    ['roles', 10, () => 1],
    ['dns', 3, () => 1],
    ['dns_search', 6, () => 1],
    ['cap_add', 64, () => 1],
    ['extra_hosts', 100, () => 1],
    ['labels', 1000, () => 1],
    ['command', 65536, () => 1],
  ])('%s: 100,000 items, none read, one error', (key, max, item) => {
    const list = counted(many<unknown>(100_000, item));
    const message = errorsOf([{ name: 'web', image: 'nginx', [key]: list.value }]);
    expect(message).toBe(`services[0] (web).${key}: must have at most ${max} items, not 100000`);
    expect(list.reads()).toBe(0);
  });

  it.each([
    ['environment', 1000],
    ['labels', 1000],
    ['extra_hosts', 100],
  ])('%s as a mapping of 100,000 keys: no value read, one error', (key, max) => {
    const mapping = counted(Object.fromEntries(many(100_000, (i) => [`k${i}`, {}])));
    const message = errorsOf([{ name: 'web', image: 'nginx', [key]: mapping.value }]);
    expect(message).toBe(`services[0] (web).${key}: must have at most ${max} entries`);
    expect(mapping.reads()).toBe(0);
  });

  it('a service of 100,000 keys: no value read', () => {
    const service = counted({ name: 'web', image: 'nginx', ...Object.fromEntries(many(100_000, (i) => [`k${i}`, 1])) });
    expect(errorsOf([service.value])).toBe('services[0] (web): must have at most 200 entries');
    // name and image are read for the service's name, nothing else.
    expect(service.reads()).toBeLessThanOrEqual(4);
  });

  it('101 services: none read', () => {
    const services = counted(many(101, () => ({ image: 'nginx' })));
    expect(errorsOf(services.value)).toBe('services: a stack has at most 100 services, not 101');
    expect(services.reads()).toBe(0);
  });
});

describe('many bad items: a bounded number of errors, and the rest not looked at', () => {
  it('stops converting services once there are enough errors to act on', () => {
    const services = counted(many(100, (i) => ({ name: `s${i}`, image: 'nginx', environment: many(1000, () => 1) })));
    const result = servicesFromRequest(services.value);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.incomplete).toBe(true);
    expect(result.errors.length).toBeLessThanOrEqual(60);
    // 20 problems kept per service, 50 in all: three services read of 100.
    expect(services.reads()).toBeLessThanOrEqual(3);
    const message = formatFieldErrors(result.errors, result);
    expect(message.split('; ')).toHaveLength(MAX_LISTED_ERRORS + 1);
    expect(message).toMatch(/; and at least \d+ more errors \(not all were looked for\)$/);
    expect(message.length).toBeLessThan(2000);
  });

  it('counts what one service reports past its limit', () => {
    const result = servicesFromRequest([{ name: 'web', image: 'nginx', environment: many(1000, () => 1) }]);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toHaveLength(20);
    expect(result.omitted).toBe(980);
    expect(formatFieldErrors(result.errors, result)).toMatch(/; and 990 more errors$/);
  });
});

describe('messages', () => {
  it('formatFieldErrors lists the first errors, each cut short, and counts the rest', () => {
    const errors = many(1000, (i) => ({ field: `f${i}${'x'.repeat(10_000)}`, message: 'm'.repeat(100_000) }));
    const message = formatFieldErrors(errors);
    expect(message.length).toBeLessThan(MAX_LISTED_ERRORS * 610 + 100);
    expect(message).toMatch(/; and 990 more errors$/);
    expect(formatFieldErrors([{ field: 'a', message: 'b' }])).toBe('a: b');
    expect(formatFieldErrors([{ field: 'a', message: 'b' }], { omitted: 1 })).toBe('a: b; and 1 more error');
  });

  it('show() reads only what it shows: 100,000 items or 100,000 levels cost the same', () => {
    const list = counted(many(100_000, (i) => i));
    const shown = show(list.value);
    expect(shown).toMatch(/^\[0,1,2,.*\.\.\.$/);
    expect(shown.length).toBe(80);
    expect(list.reads()).toBeLessThan(40);
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(show(deep)).toBe(`${'['.repeat(77)}...`);
    let deepObject: unknown = 1;
    for (let i = 0; i < 100_000; i++) deepObject = { a: deepObject };
    expect(show(deepObject).length).toBe(80);
    expect(show('s'.repeat(1_000_000)).length).toBe(80);
  });

  it('show() writes short values as JSON, as before', () => {
    expect(show({ a: [1, 'b', null, true], c: undefined })).toBe('{"a":[1,"b",null,true]}');
    expect(show(undefined)).toBe('nothing');
    expect(show('x')).toBe('"x"');
  });

  it('suggests no spelling for a long unknown word (the edit distance costs the product of the lengths)', () => {
    expect(closest('imgae', ['image'])).toBe('image');
    expect(closest(`image${'x'.repeat(100_000)}`, ['image'])).toBeUndefined();
  });
});

describe('control characters in the spec', () => {
  it('refuses a control character in a label key (in process: a CRD cannot check keys)', () => {
    const result = validateStackSpec({ services: [{ name: 'web', image: 'nginx', labels: { 'a\u0000': 'v' } }] });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors[0]?.message).toMatch(/must not contain control characters/);
  });
});
