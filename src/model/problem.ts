// What the translation could not express. A problem blocks its service: the controller
// reports it (condition and event) and neither applies nor prunes that service's objects.

export interface Problem {
  /** The stack service concerned; '' for the stack as a whole (then nothing is applied). */
  service: string;
  /** Where, relative to the service, in the spec's camelCase: `bindings[0].hostPath`. */
  field: string;
  message: string;
}

/** `service: field: message`, as conditions and events print a problem. */
export function formatProblem(p: Problem): string {
  const where = [p.service, p.field].filter((s) => s !== '').join(': ');
  return where === '' ? p.message : `${where}: ${p.message}`;
}
