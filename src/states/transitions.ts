// Rules about how a spec may change, which no single spec can break: the CRD's transition
// rules (crd.ts, SPEC_RULES on the spec) said in process. The crd-parity tests hold the two
// to the same answers; the façade refuses such changes earlier, by the actions a state allows
// (actions.ts: no update of a Terminated stack).
import type { FieldError } from '../model/errors.ts';
import type { StackSpec } from '../model/stack.ts';

export function transitionErrors(oldSpec: StackSpec, newSpec: StackSpec): FieldError[] {
  const errors: FieldError[] = [];
  if (oldSpec.desiredState === 'Terminated' && newSpec.desiredState !== 'Terminated') {
    errors.push({
      field: 'spec.desiredState',
      message: 'desiredState cannot leave Terminated: a terminated stack stays terminated; create a new stack',
    });
  }
  if (
    oldSpec.redeploy !== undefined &&
    (newSpec.redeploy === undefined || newSpec.redeploy.revision < oldSpec.redeploy.revision)
  ) {
    errors.push({
      field: 'spec.redeploy.revision',
      message: 'redeploy.revision must not decrease (nor redeploy be removed): raise it to redeploy',
    });
  }
  return errors;
}
