// How values read on the page.

/** A state's colour class; the state's own text is always shown beside it. */
export function stateClass(state: string): string {
  switch (state) {
    case 'Running':
      return 'state state-good';
    case 'Partly running':
      return 'state state-warn';
    case 'Starting':
    case 'Redeploying':
    case 'Stopping':
    case 'Terminating':
    case 'In progress':
      return 'state state-busy';
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
