// How values read on the page.
import { TRANSITIONAL_STATES } from '../../src/states/kinds.ts';

/** States of stacks and services under way, and actions not ended yet. */
const BUSY: readonly string[] = [...TRANSITIONAL_STATES, 'In progress'];

/** A state's colour class; the state's own text is always shown beside it. */
export function stateClass(state: string): string {
  if (BUSY.includes(state)) return 'state state-busy';
  switch (state) {
    case 'Running':
      return 'state state-good';
    case 'Partly running':
      return 'state state-warn';
    case 'Failed':
      return 'state state-bad';
    case 'Success':
      return 'state state-good';
    default:
      return 'state state-idle';
  }
}

/** Docker Cloud's RFC 1123 dates (or ISO 8601) as the browser's local time; "—" for none. */
export function when(date: string | null): string {
  if (date === null || date === '') return '—';
  const d = new Date(date);
  return Number.isNaN(d.getTime()) ? date : d.toLocaleString();
}
