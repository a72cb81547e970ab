// Docker links: an alias that resolves to the linked service, and the environment variables
// Docker's legacy links set. Kubernetes has neither per-container /etc/hosts aliases nor link
// variables, so an alias becomes a Service of its own (selecting the target's pods) and the
// variables are written into the linking container's env.
import type { ServiceSpec } from '../model/stack.ts';
import { linkAlias, portProtocol } from './defaults.ts';
import { aliasServiceName, isDns1123Label } from './names.ts';
import type { Problem } from './problem.ts';

/** A Service that exists only so an alias resolves: `name` selects `target`'s pods. */
export interface LinkAliasService {
  name: string;
  target: string;
  /** The services whose links use this alias, in stack order. */
  linkers: string[];
}

/**
 * Which alias Services the stack needs, and the links that cannot have one. Aliases share the
 * namespace's DNS, unlike Docker's per-container aliases: an alias may not name another service,
 * nor resolve to two different targets (the later link is refused).
 */
export function planLinkAliases(services: readonly ServiceSpec[]): { aliases: LinkAliasService[]; problems: Problem[] } {
  const names = new Set(services.map((s) => s.name));
  const byName = new Map<string, LinkAliasService>();
  const problems: Problem[] = [];
  for (const svc of services) {
    svc.linkedToService?.forEach((link, i) => {
      const field = `linkedToService[${i}]`;
      const alias = linkAlias(link);
      if (!names.has(link.toService)) {
        problems.push({
          service: svc.name,
          field: `${field}.toService`,
          message: `links to "${link.toService}", which is not a service of this stack`,
        });
        return;
      }
      if (link.toService === svc.name) {
        problems.push({ service: svc.name, field: `${field}.toService`, message: 'a service cannot link to itself' });
        return;
      }
      const host = aliasServiceName(alias);
      if (host === link.toService) return;
      if (!isDns1123Label(host)) {
        problems.push({
          service: svc.name,
          field: `${field}.name`,
          message: `the alias "${alias}" cannot be a DNS name ("${host}" is not a DNS-1123 label)`,
        });
        return;
      }
      if (names.has(host)) {
        problems.push({
          service: svc.name,
          field: `${field}.name`,
          message: `the alias "${alias}" resolves as "${host}", which is the name of another service of this stack`,
        });
        return;
      }
      const existing = byName.get(host);
      if (existing === undefined) {
        byName.set(host, { name: host, target: link.toService, linkers: [svc.name] });
      } else if (existing.target !== link.toService) {
        problems.push({
          service: svc.name,
          field: `${field}.name`,
          message: `the alias "${alias}" resolves as "${host}", which service "${existing.linkers[0]}" already uses for "${existing.target}"; aliases are shared by the whole stack on Kubernetes`,
        });
      } else if (!existing.linkers.includes(svc.name)) {
        existing.linkers.push(svc.name);
      }
    });
  }
  return { aliases: [...byName.values()], problems };
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
export function linkEnvironment(linkingService: string, alias: string, host: string, target: ServiceSpec): [string, string][] {
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
