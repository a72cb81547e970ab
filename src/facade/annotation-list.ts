// The façade keeps small lists in a Stack's annotations (its actions, its triggers), each a JSON
// array that only the façade writes. Read leniently: an unreadable annotation or item counts
// as absent, never as an error a client would see.
import type { Stack } from '../model/stack.ts';

export function readAnnotationList<T>(stack: Stack, key: string, isItem: (value: unknown) => value is T): T[] {
  const raw = stack.metadata.annotations?.[key];
  if (raw === undefined) return [];
  try {
    const parsed: unknown = JSON.parse(raw);
    return Array.isArray(parsed) ? parsed.filter(isItem) : [];
  } catch {
    return [];
  }
}
