// What a spec the schema allows still cannot be deployed with this operator's options (a host
// path where none is allowed, host networking, an alias that clashes): the translation's
// problems, as field errors, so the façade can refuse a request up front instead of storing
// a stack the controller would report as Degraded.
import type { FieldError } from '../model/errors.ts';
import { API_VERSION, KIND, type Stack, type StackSpec } from '../model/stack.ts';
import { desiredObjects } from './desired.ts';
import type { TranslateOptions } from './options.ts';

export function refusedByConfiguration(spec: StackSpec, options: TranslateOptions): FieldError[] {
  const probe: Stack = {
    apiVersion: API_VERSION,
    kind: KIND,
    metadata: { name: 'policy-check', namespace: 'policy-check', uid: 'policy-check' },
    spec: { ...spec, desiredState: 'Running' },
  };
  return desiredObjects(probe, options).problems.map((p) => {
    const index = spec.services.findIndex((s) => s.name === p.service);
    const where = index < 0 ? '' : `services[${index}] (${p.service})${p.field ? `.${p.field}` : ''}`;
    return { field: where, message: p.message };
  });
}
