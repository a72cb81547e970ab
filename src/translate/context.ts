// What every part of a stack's translation needs to know about the stack as a whole.
import type { ServiceSpec, Stack } from '../model/stack.ts';
import { lifecycle } from '../states/lifecycle.ts';
import type { TranslateOptions } from './options.ts';
import { EMPTY_SURROUNDINGS, type Surroundings } from './surroundings.ts';

export interface StackContext {
  stackName: string;
  namespace: string;
  /** The Stack's uid, for owner references. */
  uid: string;
  options: TranslateOptions;
  /** The stack's services by name, to resolve links and volumes_from. */
  services: ReadonlyMap<string, ServiceSpec>;
  /** Whether pods should run now (desiredState Running, and not being deleted). */
  running: boolean;
  /** spec.redeploy.revision, 0 when never redeployed. */
  redeployRevision: number;
  /** spec.redeploy.services: each service's own redeploys (a REDEPLOY trigger), none when absent. */
  serviceRevisions: Readonly<Record<string, number>>;
  /** The volumes generation: spec.redeploy.volumesRevision, 0 when never renewed. */
  volumesRevision: number;
  stack: Stack;
  /** Other stacks, plain Services, addresses and claims of the namespace (lookups only). */
  surroundings: Surroundings;
}

export function stackContext(
  stack: Stack,
  uid: string,
  options: TranslateOptions,
  surroundings: Surroundings = EMPTY_SURROUNDINGS,
): StackContext {
  return {
    stackName: stack.metadata.name,
    namespace: stack.metadata.namespace,
    uid,
    options,
    services: new Map(stack.spec.services.map((s) => [s.name, s])),
    running: lifecycle(stack) === 'running',
    redeployRevision: stack.spec.redeploy?.revision ?? 0,
    serviceRevisions: stack.spec.redeploy?.services ?? {},
    volumesRevision: stack.spec.redeploy?.volumesRevision ?? 0,
    stack,
    surroundings,
  };
}
