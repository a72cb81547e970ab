// Docker links: an alias that resolves to the linked service, and the environment variables
// Docker's legacy links set. A link names a service of the same stack (`db`), a service of
// another stack of the namespace (`db.other`, Docker Cloud's form), or a Kubernetes Service of
// the namespace that no stack made (Docker Cloud's standalone services). Every service name
// and every alias that names something else becomes a DNS name of the stack's own domain (see
// discovery.ts); the variables are written into the linking container's env.

import { linkAlias, portProtocol } from '../model/defaults.ts';
import type { Problem } from '../model/problem.ts';
import type { ContainerPort, EnvVar, ServiceSpec, Stack } from '../model/stack.ts';
import { lifecycle } from '../states/lifecycle.ts';
import type { StackContext } from './context.ts';
import { aliasHostName, isDns1123Label, reservedNameReason } from './names.ts';
import type { PlainService } from './surroundings.ts';

/** What a link reaches. */
export type LinkTarget = { kind: 'service'; stack: string; service: ServiceSpec } | { kind: 'plain'; service: PlainService };

export interface ResolvedLink {
  /** The linking service and the link's index in its linkedToService. */
  linker: string;
  index: number;
  /** The alias as written (or defaulted): Docker's variable prefix comes from it. */
  alias: string;
  /** The host name the alias is reached by. */
  host: string;
  target: LinkTarget;
}

/** A name of the stack's DNS domain and what it answers for. */
export interface DnsName {
  host: string;
  target: LinkTarget;
}

export interface LinkPlan {
  links: ResolvedLink[];
  /** Every service of the stack by its name, then every alias that names something else. */
  names: DnsName[];
  /** Links that cannot work: they block their service. */
  problems: Problem[];
  /** What the user must know but blocks nothing (a linked stack that does not run). */
  notices: Problem[];
}

/** The target of `toService`: `name` or `service.stack`. */
function parseTarget(toService: string): { service: string; stack?: string } {
  const dot = toService.indexOf('.');
  return dot < 0 ? { service: toService } : { service: toService.slice(0, dot), stack: toService.slice(dot + 1) };
}

const targetKey = (t: LinkTarget) => (t.kind === 'plain' ? `plain/${t.service.name}` : `${t.stack}/${t.service.name}`);
const describe = (t: LinkTarget) =>
  t.kind === 'plain' ? `Service "${t.service.name}"` : `"${t.service.name}" of stack "${t.stack}"`;

/**
 * Resolves every link of the stack and plans the stack's DNS names. Aliases share the stack's
 * domain, unlike Docker's per-container aliases: an alias may not name another service of the
 * stack, nor resolve to two different targets (the later link is refused).
 */
export function planLinks(ctx: StackContext): LinkPlan {
  const services = [...ctx.services.values()];
  const serviceNames = services.map((s) => s.name);
  const plan: LinkPlan = { links: [], names: [], problems: [], notices: [] };
  const reservedServices = new Set<string>();
  for (const svc of services) {
    const reason = reservedNameReason(svc.name, 'service', ctx.stackName, serviceNames, svc.name);
    if (reason === undefined) continue;
    reservedServices.add(svc.name);
    plan.problems.push({ service: svc.name, field: 'name', message: `${reason}; rename the service` });
  }
  const names = new Map<string, DnsName>(
    services
      .filter((s) => !reservedServices.has(s.name))
      .map((s) => [s.name, { host: s.name, target: { kind: 'service', stack: ctx.stackName, service: s } }]),
  );
  const aliasUsers = new Map<string, string>();
  for (const svc of services) {
    svc.linkedToService?.forEach((link, index) => {
      const field = `linkedToService[${index}]`;
      const found = resolveTarget(ctx, svc, link.toService);
      if ('problem' in found) {
        plan.problems.push({ service: svc.name, field: `${field}.toService`, message: found.problem });
        return;
      }
      if (found.notice !== undefined)
        plan.notices.push({ service: svc.name, field: `${field}.toService`, message: found.notice });
      const alias = linkAlias(link);
      const host = aliasHostName(alias);
      const resolved: ResolvedLink = { linker: svc.name, index, alias, host, target: found.target };
      // The alias is the target's own name: it resolves already (in the stack's domain, or the
      // namespace's for `service.stack` and plain Services).
      if (host === link.toService) {
        plan.links.push(resolved);
        return;
      }
      if (!isDns1123Label(host)) {
        plan.problems.push({
          service: svc.name,
          field: `${field}.name`,
          message: `the alias "${alias}" cannot be a DNS name ("${host}" is not a DNS-1123 label)`,
        });
        return;
      }
      const reserved = reservedNameReason(host, 'alias', ctx.stackName, serviceNames);
      if (reserved !== undefined) {
        plan.problems.push({
          service: svc.name,
          field: `${field}.name`,
          message: `the alias "${alias}" cannot be a DNS name of the stack: ${reserved}`,
        });
        return;
      }
      if (found.target.kind === 'plain' && found.target.service.clusterIP === undefined) {
        plan.problems.push({
          service: svc.name,
          field: `${field}.name`,
          message: `the Service "${found.target.service.name}" is headless: an alias cannot name it; link to it without an alias`,
        });
        return;
      }
      const existing = names.get(host);
      if (existing === undefined) {
        names.set(host, { host, target: found.target });
        aliasUsers.set(host, svc.name);
      } else if (targetKey(existing.target) !== targetKey(found.target)) {
        const user = aliasUsers.get(host);
        plan.problems.push({
          service: svc.name,
          field: `${field}.name`,
          message:
            user === undefined
              ? `the alias "${alias}" resolves as "${host}", which is the name of another service of this stack`
              : `the alias "${alias}" resolves as "${host}", which service "${user}" already uses for ${describe(existing.target)}; aliases are shared by the whole stack on Kubernetes`,
        });
        return;
      }
      plan.links.push(resolved);
    });
  }
  plan.names = [...names.values()];
  return plan;
}

function resolveTarget(
  ctx: StackContext,
  svc: ServiceSpec,
  toService: string,
): { target: LinkTarget; notice?: string } | { problem: string } {
  const ref = parseTarget(toService);
  if (ref.stack === undefined || ref.stack === ctx.stackName) {
    const sibling = ctx.services.get(ref.service);
    if (sibling !== undefined) {
      if (sibling.name === svc.name) return { problem: 'a service cannot link to itself' };
      return { target: { kind: 'service', stack: ctx.stackName, service: sibling } };
    }
    if (ref.stack !== undefined) return { problem: `links to "${toService}", but this stack has no service "${ref.service}"` };
    const plain = ctx.surroundings.plainService(ref.service);
    if (plain !== undefined) return { target: { kind: 'plain', service: plain } };
    return {
      problem: `links to "${toService}", which is neither a service of this stack nor a Service of namespace "${ctx.namespace}" (another stack's service is "service.stack")`,
    };
  }
  const other = ctx.surroundings.stack(ref.stack);
  if (other === undefined)
    return {
      problem: `links to service "${ref.service}" of stack "${ref.stack}", but namespace "${ctx.namespace}" has no stack "${ref.stack}"`,
    };
  const service = other.spec.services.find((s) => s.name === ref.service);
  if (service === undefined)
    return { problem: `links to "${toService}", but stack "${ref.stack}" has no service "${ref.service}"` };
  const target: LinkTarget = { kind: 'service', stack: ref.stack, service };
  const notice = stackNotice(other, toService);
  return notice === undefined ? { target } : { target, notice };
}

/** Why a linked stack's service may not answer: it is not meant to run. */
function stackNotice(other: Stack, toService: string): string | undefined {
  const phase = lifecycle(other);
  if (phase === 'running') return undefined;
  const intent = phase === 'terminated' ? 'is terminated' : phase === 'stopped' ? 'is stopped' : 'has never been started';
  const state = other.status?.state === undefined ? '' : ` (state: ${other.status.state})`;
  return `links to "${toService}", whose stack ${intent}${state}: it does not answer until that stack runs`;
}

/** What link variables are made of: the target's ports and variables. */
export interface LinkPeer {
  containerPorts?: readonly ContainerPort[] | undefined;
  containerEnvvars?: readonly EnvVar[] | undefined;
}

/** A link target as link variables see it: a plain Service has ports and no variables. */
export function linkPeer(target: LinkTarget): LinkPeer {
  if (target.kind === 'service') return target.service;
  return { containerPorts: target.service.ports.map((p) => ({ innerPort: p.port, protocol: p.protocol })) };
}

/** Docker's variable prefix for an alias: uppercased, anything but letters and digits as "_". */
export function linkVariablePrefix(alias: string): string {
  return alias.toUpperCase().replace(/[^A-Z0-9]/g, '_');
}

interface LinkPort {
  port: number;
  proto: 'tcp' | 'udp';
}

/**
 * The variables Docker (Engine 1.10 to 17.x, the engines Docker Cloud ran; daemon/links) set in
 * a container linked to `target` as `alias`, in Docker's order, with the alias's DNS name where
 * Docker put the target container's IP:
 *   ALIAS_PORT=tcp://host:port                      the lowest port, tcp before udp
 *   ALIAS_PORT_<p>_<PROTO>_START/_ADDR/_PROTO/_PORT_START/_END/_PORT_END
 *                                                   for each run of 3+ consecutive ports
 *   ALIAS_PORT_<p>_<PROTO>=proto://host:p, _ADDR=host, _PORT=p, _PROTO=proto   for each port
 *   ALIAS_NAME=/<linking service>/<alias>
 *   ALIAS_ENV_<KEY>=<value>                         the target's variables but HOME and PATH
 * Ports are the target's containerPorts; a port the image EXPOSEs but the stack does not list,
 * and variables the image sets, cannot be known here.
 */
export function linkEnvironment(linkingService: string, alias: string, host: string, target: LinkPeer): [string, string][] {
  const a = linkVariablePrefix(alias);
  const ports: LinkPort[] = (target.containerPorts ?? []).map((p) => ({ port: p.innerPort, proto: portProtocol(p) }));
  // Docker's order: by number, tcp first on the same number.
  ports.sort((x, y) => x.port - y.port || (x.proto === y.proto ? 0 : x.proto === 'tcp' ? -1 : 1));
  const env: [string, string][] = [];
  const url = (p: LinkPort) => `${p.proto}://${host}:${p.port}`;
  const first = ports[0];
  if (first !== undefined) env.push([`${a}_PORT`, url(first)]);

  for (let i = 0; i < ports.length; ) {
    const p = ports[i] as LinkPort;
    const j = nextContiguous(ports, p.port, i);
    if (j > i + 1) {
      const q = ports[j] as LinkPort;
      const prefix = `${a}_PORT_${p.port}_${p.proto.toUpperCase()}`;
      env.push([`${prefix}_START`, url(p)]);
      env.push([`${prefix}_ADDR`, host]);
      env.push([`${prefix}_PROTO`, p.proto]);
      env.push([`${prefix}_PORT_START`, String(p.port)]);
      env.push([`${a}_PORT_${p.port}_${q.proto.toUpperCase()}_END`, url(q)]);
      env.push([`${a}_PORT_${p.port}_${q.proto.toUpperCase()}_PORT_END`, String(q.port)]);
      i = j + 1;
    } else {
      i++;
    }
  }
  for (const p of ports) {
    const prefix = `${a}_PORT_${p.port}_${p.proto.toUpperCase()}`;
    env.push([prefix, url(p)]);
    env.push([`${prefix}_ADDR`, host]);
    env.push([`${prefix}_PORT`, String(p.port)]);
    env.push([`${prefix}_PROTO`, p.proto]);
  }
  env.push([`${a}_NAME`, `/${linkingService}/${alias}`]);
  for (const [key, value] of lastValueWins(target.containerEnvvars ?? [])) {
    if (key === 'HOME' || key === 'PATH') continue;
    env.push([`${a}_ENV_${key}`, value]);
  }
  return env;
}

/** Docker's nextContiguous, quirks included: it compares numbers only, not protocols. */
function nextContiguous(ports: readonly LinkPort[], start: number, index: number): number {
  if (index + 1 === ports.length) return index;
  let value = start;
  for (let i = index + 1; i < ports.length; i++) {
    if ((ports[i] as LinkPort).port > value + 1) return i - 1;
    value++;
  }
  return ports.length - 1;
}

/** Variables as a container sees them: a repeated key keeps its first place and its last value. */
export function lastValueWins(vars: readonly { key: string; value: string }[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const v of vars) out.set(v.key, v.value);
  return out;
}
