// Readers for the loosely typed values in a request body or a stack file. Each either returns
// the value in the type the spec needs or reports why not (naming the value) and returns
// undefined, so a conversion reports every bad value in one pass.
//
// Leniency follows what real clients send: PyYAML (YAML 1.1) turns `yes`/`no`/`on`/`off`
// into booleans, so where a boolean is expected those words are accepted as strings too (a
// YAML 1.2 parser leaves them strings); Docker Cloud's own CLI sent port numbers as strings,
// so integers may come as strings of digits.

import { show } from '../util/show.ts';

/** Reports a problem with the value at `at` (relative to the key being read: "", "[0]", "[0].inner_port"). */
export type Report = (at: string, message: string) => void;

export function typeName(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'number') return 'a number';
  if (typeof value === 'boolean') return 'a boolean';
  return 'a string';
}

export function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Absent, as far as a service is concerned: a key given no value (`command:` in YAML, null in JSON). */
export function isAbsent(value: unknown): value is null | undefined {
  return value === null || value === undefined;
}

export function readString(value: unknown, at: string, report: Report): string | undefined {
  if (typeof value === 'string') return value;
  report(at, `must be a string, not ${typeName(value)} (${show(value)})`);
  return undefined;
}

const YAML11_TRUE = new Set(['true', 'yes', 'on']);
const YAML11_FALSE = new Set(['false', 'no', 'off']);

/** `false`, or a YAML 1.1 word for false (`no`, `off`, `false`, any case). */
export function isFalseWord(value: unknown): boolean {
  return value === false || (typeof value === 'string' && YAML11_FALSE.has(value.toLowerCase()));
}

export function readBoolean(value: unknown, at: string, report: Report): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    const word = value.toLowerCase();
    if (YAML11_TRUE.has(word)) return true;
    if (YAML11_FALSE.has(word)) return false;
  }
  report(at, `must be true or false, not ${show(value)}`);
  return undefined;
}

/** An integer in [min, max], given as a number or as a string of digits. */
export function readInteger(value: unknown, at: string, report: Report, min: number, max: number): number | undefined {
  const n = typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n)) {
    report(at, `must be a whole number, not ${show(value)}`);
    return undefined;
  }
  if (n < min || n > max) {
    report(at, `must be between ${min} and ${max}, not ${n}`);
    return undefined;
  }
  return n;
}

/** A list of at most `max` items; a longer one is refused before any item is looked at. */
export function readList(value: unknown, at: string, report: Report, max: number): unknown[] | undefined {
  if (Array.isArray(value)) {
    if (value.length <= max) return value;
    report(at, tooMany(value.length, max));
    return undefined;
  }
  report(at, `must be a list, not ${typeName(value)} (${show(value)})`);
  return undefined;
}

/** Whether the mapping has at most `max` keys; a larger one is reported, before any key is read. */
export function checkMappingSize(value: Record<string, unknown>, at: string, report: Report, max: number): boolean {
  // Counting stops at max + 1, and no value is read (Object.keys would build the whole list of keys).
  let count = 0;
  for (const key in value) {
    if (Object.hasOwn(value, key) && ++count > max) {
      report(at, `must have at most ${max} entries`);
      return false;
    }
  }
  return true;
}

function tooMany(length: number, max: number): string {
  return `must have at most ${max} item${max === 1 ? '' : 's'}, not ${length}`;
}

/** A list of strings; `acceptSingle` also takes one string as a list of one (compose's dns, dns_search). */
export function readStringList(
  value: unknown,
  at: string,
  report: Report,
  max: number,
  acceptSingle = false,
): string[] | undefined {
  if (acceptSingle && typeof value === 'string') return [value];
  const list = readList(value, at, report, max);
  if (list === undefined) return undefined;
  const out: string[] = [];
  let ok = true;
  list.forEach((item, i) => {
    const s = readString(item, `${at}[${i}]`, report);
    if (s === undefined) ok = false;
    else out.push(s);
  });
  return ok ? out : undefined;
}

/**
 * A scalar as text, for environment and label values that PyYAML may have typed: numbers as
 * written in JSON, booleans as Python's str() spells them (`True`, `False`: Docker Cloud's
 * server was Python, and the corpus writes them that way), nothing as the empty string.
 */
export function scalarText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (value === null || value === undefined) return '';
  return undefined;
}

/** Edit distance allowing swaps of neighbours, to suggest the key a typo meant. */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const row = d[i]!;
      const prev = d[i - 1]!;
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) row[j] = Math.min(row[j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

/** Longer words get no suggestion: the edit distance costs the product of the lengths. */
const MAX_SUGGESTED_WORD = 64;

/** The known word closest to `word`, if it is close enough to be a likely typo. */
export function closest(word: string, known: Iterable<string>): string | undefined {
  if (word.length > MAX_SUGGESTED_WORD) return undefined;
  let best: string | undefined;
  let bestDistance = Math.max(1, Math.min(3, Math.floor(word.length / 3)));
  for (const candidate of known) {
    const distance = editDistance(word.toLowerCase(), candidate);
    if (distance <= bestDistance) {
      best = candidate;
      bestDistance = distance - 1;
    }
  }
  return best;
}
