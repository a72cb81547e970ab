// What the façade sends the page: the server's own types (erased from the bundle), plus the
// shapes of the small answers of src/facade/dashboard/routes.ts.
import type { PlacedProblem } from '../../src/facade/dashboard/stackfile-check.ts';

export type { StackEvent } from '../../src/facade/dashboard/deps.ts';
export type { ActionJson, ServiceSummary, StackSummary } from '../../src/facade/dashboard/stack-summary.ts';
export type { PlacedProblem } from '../../src/facade/dashboard/stackfile-check.ts';
export type { StackAction } from '../../src/states/actions.ts';

export interface Session {
  username: string;
  namespace: string;
  namespaces: string[];
}

export interface Access {
  namespace: string;
  username: string;
  may: { get: boolean; list: boolean; create: boolean; patch: boolean; delete: boolean };
}

export interface CheckResult {
  ok: boolean;
  errors: PlacedProblem[];
  warnings: string[];
  services?: Record<string, unknown>[];
}
