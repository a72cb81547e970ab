// A Stack as the dashboard shows it: what Docker Cloud's stack JSON carries, plus what the
// page needs and the REST API leaves out (each service's counts and ports, the conditions, the
// actions the state allows, the recent actions with their outcomes). Pure: the stream and the
// unit tests call it on Stacks from the cache.

import { isPublished, portProtocol, targetNumContainers } from '../../model/defaults.ts';
import type { Condition, Stack } from '../../model/stack.ts';
import { allowedActions, type StackAction } from '../../states/actions.ts';
import { presentedState, reportedServiceState } from '../../states/presented.ts';
import { stackDomainName } from '../../translate/names.ts';
import { actionOutcome, actionToJson, readActions } from '../actions.ts';
import { type StackJson, stackToJson } from '../stack-json.ts';
import { serviceUuid } from '../uuid5.ts';

export interface PortSummary {
  port: number;
  protocol: 'tcp' | 'udp';
  /** Where a pod of the namespace reaches it: `<service>.<stack domain>.<namespace>.svc:<port>`. */
  inside: string;
  /** Published outside the cluster: the outer port asked for (the cluster picks one when absent). */
  published: boolean;
  outerPort: number | null;
}

export interface ServiceSummary {
  uuid: string;
  name: string;
  image: string;
  state: string;
  readyContainers: number;
  currentContainers: number;
  targetContainers: number;
  ports: PortSummary[];
  links: { to: string; alias: string }[];
}

export type ActionJson = ReturnType<typeof actionToJson>;

export interface StackSummary extends StackJson {
  namespace: string;
  /** Services whose state is Running, of all: "2/3". */
  servicesReady: string;
  services_detail: ServiceSummary[];
  conditions: Condition[];
  /** What states/actions.ts's table accepts in this state (the façade decides by the same). */
  allowedActions: StackAction[];
  /** The latest recorded actions, newest last, as the audit API shows them. */
  actions: ActionJson[];
}

export function stackSummary(stack: Stack): StackSummary {
  const { namespace, name } = stack.metadata;
  const uid = stack.metadata.uid ?? '';
  const state = presentedState(stack);
  const domain = `${stackDomainName(name)}.${namespace}.svc`;
  const services = stack.spec.services.map((svc): ServiceSummary => {
    const status = stack.status?.services?.find((s) => s.name === svc.name);
    return {
      uuid: serviceUuid(uid, svc.name),
      name: svc.name,
      image: svc.image,
      state: reportedServiceState(status),
      readyContainers: status?.readyContainers ?? 0,
      currentContainers: status?.currentContainers ?? 0,
      targetContainers: status?.targetContainers ?? targetNumContainers(svc),
      ports: (svc.containerPorts ?? []).map((p) => ({
        port: p.innerPort,
        protocol: portProtocol(p),
        inside: `${svc.name}.${domain}:${p.innerPort}`,
        published: isPublished(p),
        outerPort: p.outerPort ?? null,
      })),
      links: (svc.linkedToService ?? []).map((l) => ({ to: l.toService, alias: l.name ?? l.toService })),
    };
  });
  const records = readActions(stack);
  return {
    ...stackToJson(stack),
    namespace,
    // The controller's count (kubectl get stacks shows the same): a one-shot that has run to
    // completion is as ready as it will be. None before its first report.
    servicesReady: stack.status?.servicesReady ?? `0/${services.length}`,
    services_detail: services,
    conditions: stack.status?.conditions ?? [],
    allowedActions: allowedActions(state, stack.spec.desiredState),
    actions: records.map((r) => actionToJson(r, namespace, uid, actionOutcome(r, stack, records))),
  };
}
