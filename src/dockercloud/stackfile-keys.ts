// Stack-file keys (docker-cloud.yml, compose v1) as the docker-cloud CLI sends them: the
// file's values, typed by PyYAML, plus "name". Reading them into the spec, refusing the keys
// Kubernetes cannot honour, and writing a spec back out as a stack file (export).

import { type Binding, type ContainerPort, LIST_LIMITS, type ServiceSpec, type StackSpec } from '../model/stack.ts';
import { quote, show } from '../util/show.ts';
import {
  checkMappingSize,
  closest,
  isFalseWord,
  isMapping,
  type Report,
  readList,
  readString,
  readStringList,
  scalarText,
  typeName,
} from './request-values.ts';
import type { KeyContext, KeyHandler } from './service-draft.ts';
import { linkTarget, volumesFromService } from './service-names.ts';
import { booleanKey, capabilitiesKey, commandKey, stringKey, stringListKey } from './shared-keys.ts';

// ---------------------------------------------------------------------------------------
// Ports: `ports` publishes ("80", "8080:80", "500/udp", "4500:4500/udp"), `expose` does not
// ("80", "90/udp"). A bare number is a port number: PyYAML hands `- 8080` over as 8080. It
// also hands an unquoted `- 22:22` over as 1342 (YAML 1.1 base-60), which cannot be told from
// a port 1342 written as such; it is taken as written, and Docker Cloud's documentation
// already told users to quote port mappings. `longshore convert` reads YAML 1.2, where
// `22:22` stays the mapping the user meant.

const PORT_FORM = /^(?:(\d+):)?(\d+)(?:\/([A-Za-z]+))?$/;

function portNumber(text: string, what: string, report: Report, at: string): number | undefined {
  const n = Number(text);
  if (n >= 1 && n <= 65535) return n;
  report(at, `${what} ${text} is not a port number (1-65535)`);
  return undefined;
}

function readPort(value: unknown, published: boolean, at: string, report: Report): ContainerPort | undefined {
  const example = published ? '"80", "8080:80" or "500/udp"' : '"80" or "90/udp"';
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || value < 1 || value > 65535) {
      report(at, `${value} is not a port number (1-65535)`);
      return undefined;
    }
    return published ? { innerPort: value, published: true } : { innerPort: value };
  }
  if (typeof value !== 'string') {
    report(at, `must be a port such as ${example}, not ${typeName(value)} (${show(value)})`);
    return undefined;
  }
  const text = value.trim();
  const m = PORT_FORM.exec(text);
  if (m === null) {
    if (/\d-\d/.test(text)) report(at, `${quote(value)}: port ranges are not supported; list each port`);
    else if ((text.match(/:/g) ?? []).length >= 2)
      report(
        at,
        `${quote(value)}: publishing on one host address is not supported (Kubernetes publishes a port on every node); use "host_port:container_port"`,
      );
    else report(at, `${quote(value)} is not a port: use ${example}`);
    return undefined;
  }
  const [, outerText, innerText, protocolText] = m;
  if (!published && outerText !== undefined) {
    report(at, `${quote(value)}: expose takes a container port only (${example}); publish a host port with ports`);
    return undefined;
  }
  const protocol = protocolText?.toLowerCase();
  if (protocol !== undefined && protocol !== 'tcp' && protocol !== 'udp') {
    report(at, `${quote(value)}: protocol ${quote(protocolText ?? '')} is not supported; use tcp or udp`);
    return undefined;
  }
  const innerPort = portNumber(innerText!, 'container port', report, at);
  const outerPort = outerText === undefined ? undefined : portNumber(outerText, 'host port', report, at);
  if (innerPort === undefined || (outerText !== undefined && outerPort === undefined)) return undefined;
  const port: ContainerPort = { innerPort };
  if (protocol !== undefined) port.protocol = protocol;
  if (outerPort !== undefined) port.outerPort = outerPort;
  if (published) port.published = true;
  return port;
}

function portsKey(published: boolean): KeyHandler {
  return {
    field: 'containerPorts',
    combinesWith: [published ? 'expose' : 'ports'],
    read(value, ctx) {
      readList(value, '', ctx.report, LIST_LIMITS.containerPorts)?.forEach((item, i) => {
        const port = readPort(item, published, `[${i}]`, ctx.report);
        if (port !== undefined) ctx.add('containerPorts', port, `[${i}]`, false);
      });
    },
  };
}

// ---------------------------------------------------------------------------------------
// Environment: a list of "KEY=VALUE" or a mapping. A list item without "=" (a mapping entry
// without a value) asks the CLI to copy the variable from the user's shell; what reaches the
// server still without a value is set to the empty string (Kubernetes has no client
// environment to inherit from), with a warning: the variable was not set where the file was
// converted.

function addVariable(ctx: KeyContext, key: string, value: string, at: string): void {
  if (key === '') ctx.report(at, 'a variable needs a name before "="');
  else ctx.add('containerEnvvars', { key, value }, at, false);
}

function addUnsetVariable(ctx: KeyContext, key: string, at: string): void {
  addVariable(ctx, key, '', at);
  if (key !== '')
    ctx.warn(
      at,
      `${quote(key)} has no value and is not set in the converting shell, so it is set to the empty string; give it a value (${key}=...) or set it before converting`,
    );
}

const environmentKey: KeyHandler = {
  field: 'containerEnvvars',
  read(value, ctx) {
    if (isMapping(value)) {
      if (!checkMappingSize(value, '', ctx.report, LIST_LIMITS.containerEnvvars)) return;
      for (const [key, v] of Object.entries(value)) {
        const text = scalarText(v);
        if (text === undefined) ctx.report(`${key}`, `must be a string, number or boolean, not ${typeName(v)}`);
        else if (v === null || v === undefined) addUnsetVariable(ctx, key, key);
        else addVariable(ctx, key, text, key);
      }
      return;
    }
    if (!Array.isArray(value)) {
      ctx.report('', `must be a list of "KEY=VALUE" or a mapping of names to values, not ${typeName(value)} (${show(value)})`);
      return;
    }
    if (value.length > LIST_LIMITS.containerEnvvars) {
      ctx.report('', `must have at most ${LIST_LIMITS.containerEnvvars} items, not ${value.length}`);
      return;
    }
    value.forEach((item, i) => {
      if (typeof item !== 'string') {
        ctx.report(`[${i}]`, `must be "KEY=VALUE", not ${typeName(item)} (${show(item)})`);
        return;
      }
      const eq = item.indexOf('=');
      if (eq < 0) addUnsetVariable(ctx, item, `[${i}]`);
      else addVariable(ctx, item.slice(0, eq), item.slice(eq + 1), `[${i}]`);
    });
  },
};

// ---------------------------------------------------------------------------------------
// Links ("svc", "svc:alias") and volumes ("/p", "host:ctr", "host:ctr:ro", "svc:ro").

const linksKey: KeyHandler = {
  field: 'linkedToService',
  read(value, ctx) {
    readList(value, '', ctx.report, LIST_LIMITS.linkedToService)?.forEach((item, i) => {
      const at = `[${i}]`;
      const text = readString(item, at, ctx.report)?.trim();
      if (text === undefined) return;
      const colon = text.indexOf(':');
      const target = colon < 0 ? text : text.slice(0, colon);
      const alias = colon < 0 ? undefined : text.slice(colon + 1);
      const sibling = linkTarget(target);
      if (!sibling.ok) ctx.report(at, sibling.error);
      else if (alias === '') ctx.report(at, `${quote(text)}: the alias after ":" is empty`);
      else
        ctx.add(
          'linkedToService',
          alias === undefined ? { toService: sibling.value } : { toService: sibling.value, name: alias },
          at,
          false,
        );
    });
  },
};

/** `:ro` and `:rw` as rewritable; undefined when the mode is not one of those. */
function readMode(mode: string): boolean | undefined {
  const m = mode.toLowerCase();
  return m === 'ro' ? false : m === 'rw' ? true : undefined;
}

function checkHostPath(hostPath: string, text: string): string | undefined {
  if (hostPath.startsWith('/')) return undefined;
  if (/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(hostPath))
    return `${quote(text)}: named volumes (${quote(hostPath)}) are not supported; give an absolute host path, or only the container path for a volume of the service's own`;
  return `${quote(text)}: the host path must be absolute`;
}

function readVolume(text: string, at: string, report: Report): Binding | undefined {
  const parts = text.split(':');
  let hostPath: string | undefined;
  let containerPath: string;
  let mode: string | undefined;
  if (parts.length === 1) containerPath = parts[0]!;
  else if (parts.length === 2 && readMode(parts[1]!) !== undefined) [containerPath, mode] = parts as [string, string];
  else if (parts.length === 2) [hostPath, containerPath] = parts as [string, string];
  else if (parts.length === 3) [hostPath, containerPath, mode] = parts as [string, string, string];
  else {
    report(
      at,
      `${quote(text)} is not a volume: use "/container/path", "/host/path:/container/path" or "/host/path:/container/path:ro"`,
    );
    return undefined;
  }
  const rewritable = mode === undefined ? undefined : readMode(mode);
  if (mode !== undefined && rewritable === undefined) {
    report(at, `${quote(text)}: mode ${quote(mode)} is not supported; use ro or rw`);
    return undefined;
  }
  const hostProblem = hostPath === undefined ? undefined : checkHostPath(hostPath, text);
  if (hostProblem !== undefined) {
    report(at, hostProblem);
    return undefined;
  }
  if (!containerPath.startsWith('/')) {
    report(at, `${quote(text)}: the container path must be absolute`);
    return undefined;
  }
  const binding: Binding = { containerPath };
  if (hostPath !== undefined) binding.hostPath = hostPath;
  if (rewritable !== undefined) binding.rewritable = rewritable;
  return binding;
}

const volumesKey: KeyHandler = {
  field: 'bindings',
  combinesWith: ['volumes_from'],
  read(value, ctx) {
    readList(value, '', ctx.report, LIST_LIMITS.bindings)?.forEach((item, i) => {
      const text = readString(item, `[${i}]`, ctx.report)?.trim();
      const binding = text === undefined ? undefined : readVolume(text, `[${i}]`, ctx.report);
      if (binding !== undefined) ctx.add('bindings', binding, `[${i}]`, false);
    });
  },
};

const volumesFromKey: KeyHandler = {
  field: 'bindings',
  combinesWith: ['volumes'],
  read(value, ctx) {
    readList(value, '', ctx.report, LIST_LIMITS.bindings)?.forEach((item, i) => {
      const at = `[${i}]`;
      const text = readString(item, at, ctx.report)?.trim();
      if (text === undefined) return;
      if (text.startsWith('container:')) {
        ctx.report(at, `${quote(text)}: volumes from a container are not supported; name a service of this stack`);
        return;
      }
      const [target, mode, ...extra] = text.split(':');
      const rewritable = mode === undefined ? undefined : readMode(mode);
      if (extra.length > 0 || (mode !== undefined && rewritable === undefined)) {
        ctx.report(at, `${quote(text)} is not a volumes_from entry: use "service", "service:ro" or "service:rw"`);
        return;
      }
      const sibling = volumesFromService(target!);
      if (!sibling.ok) ctx.report(at, sibling.error);
      else
        ctx.add(
          'bindings',
          rewritable === undefined ? { volumesFrom: sibling.value } : { volumesFrom: sibling.value, rewritable },
          at,
          false,
        );
    });
  },
};

// ---------------------------------------------------------------------------------------
// restart, mem_limit, and the compose keys Kubernetes can express.

const RESTART_WORDS = ['no', 'on-failure', 'always'];

const restartKey: KeyHandler = {
  field: 'autorestart',
  read(value, ctx) {
    // PyYAML hands `restart: no` over as false.
    if (isFalseWord(value)) {
      ctx.set('autorestart', 'OFF');
      return;
    }
    const word = typeof value === 'string' ? value.trim().toLowerCase() : undefined;
    if (word === 'on-failure') ctx.set('autorestart', 'ON_FAILURE');
    else if (word === 'always') ctx.set('autorestart', 'ALWAYS');
    else if (word !== undefined && /^on-failure:\d+$/.test(word)) {
      const retries = Number(word.slice('on-failure:'.length));
      if (retries > 1000000) ctx.report('', `${show(value)}: at most 1000000 retries`);
      else {
        ctx.set('autorestart', 'ON_FAILURE');
        ctx.set('autorestartRetries', retries);
      }
    } else if (word === 'unless-stopped')
      ctx.report('', '"unless-stopped" is not supported: use always (a stopped stack stays stopped)');
    else {
      const guess = word === undefined ? undefined : closest(word, RESTART_WORDS);
      ctx.report(
        '',
        `${show(value)} is not a restart policy: use no, on-failure or always${guess === undefined ? '' : ` (did you mean ${guess}?)`}`,
      );
    }
  },
};

const MEMORY_UNITS: Record<string, number> = { b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };
const MIB = 1024 ** 2;

/** mem_limit as Docker reads it (bytes, or a number with b/k/m/g, binary units) in whole MB. */
const memLimitKey: KeyHandler = {
  field: 'memory',
  read(value, ctx) {
    let bytes: number | undefined;
    if (typeof value === 'number') bytes = value;
    else if (typeof value === 'string') {
      const m = /^\s*(\d+(?:\.\d+)?)\s*([bkmg])?b?\s*$/i.exec(value);
      if (m !== null) bytes = Number(m[1]) * MEMORY_UNITS[(m[2] ?? 'b').toLowerCase()]!;
    }
    if (bytes === undefined) {
      ctx.report('', `${show(value)} is not a memory size: use a number of bytes or a size such as "512m" or "2g"`);
      return;
    }
    const mb = bytes / MIB;
    if (mb < 4)
      ctx.report(
        '',
        `${show(value)} is below the 4 MB minimum${typeof value === 'number' ? ` (a bare number is bytes; did you mean "${value}m"?)` : ''}`,
      );
    else if (!Number.isInteger(mb))
      ctx.report('', `${show(value)} is not a whole number of megabytes (Longshore keeps memory limits in MB)`);
    else if (mb > 1048576) ctx.report('', `${show(value)} is above the 1 TB maximum`);
    else ctx.set('memory', mb);
  },
};

const userKey: KeyHandler = {
  field: 'user',
  read(value, ctx) {
    if (typeof value === 'number' && Number.isInteger(value)) ctx.set('user', String(value));
    else {
      const s = readString(value, '', ctx.report);
      if (s !== undefined) ctx.set('user', s);
    }
  },
};

/** "KEY=VALUE" / "KEY" list items or a mapping, as a mapping of strings. */
function readKeyValues(
  value: unknown,
  ctx: KeyContext,
  separator: string,
  listForm: string,
  max: number,
): Map<string, string> | undefined {
  const out = new Map<string, string>();
  if (isMapping(value)) {
    if (!checkMappingSize(value, '', ctx.report, max)) return undefined;
    for (const [k, v] of Object.entries(value)) {
      const text = scalarText(v);
      if (text === undefined) ctx.report(k, `must be a string, number or boolean, not ${typeName(v)}`);
      else out.set(k, text);
    }
    return out;
  }
  const list = readStringList(value, '', ctx.report, max);
  if (list === undefined) return undefined;
  list.forEach((item, i) => {
    const at = item.indexOf(separator);
    if (at === 0) ctx.report(`[${i}]`, `${quote(item)} is not ${listForm}`);
    else if (at < 0) out.set(item, '');
    else out.set(item.slice(0, at), item.slice(at + 1));
  });
  return out;
}

const labelsKey: KeyHandler = {
  field: 'labels',
  read(value, ctx) {
    const labels = readKeyValues(value, ctx, '=', '"KEY=VALUE" or "KEY"', LIST_LIMITS.labels);
    if (labels !== undefined && labels.size > 0) ctx.set('labels', Object.fromEntries(labels));
  },
};

const extraHostsKey: KeyHandler = {
  field: 'extraHosts',
  read(value, ctx) {
    if (isMapping(value)) {
      const hosts = readKeyValues(value, ctx, ':', '"hostname:ip"', LIST_LIMITS.extraHosts);
      if (hosts !== undefined && hosts.size > 0)
        ctx.set(
          'extraHosts',
          [...hosts].map(([h, ip]) => `${h}:${ip}`),
        );
      return;
    }
    const list = readStringList(value, '', ctx.report, LIST_LIMITS.extraHosts);
    if (list !== undefined && list.length > 0) ctx.set('extraHosts', list);
  },
};

/** The stack-file keys that have no API field of the same name, by key. */
export const STACKFILE_KEYS: Record<string, KeyHandler> = {
  command: commandKey('runCommand', true),
  ports: portsKey(true),
  expose: portsKey(false),
  environment: environmentKey,
  links: linksKey,
  volumes: volumesKey,
  volumes_from: volumesFromKey,
  restart: restartKey,
  mem_limit: memLimitKey,
  cap_add: capabilitiesKey('capAdd'),
  cap_drop: capabilitiesKey('capDrop'),
  dns: stringListKey('dns', true),
  dns_search: stringListKey('dnsSearch', true),
  extra_hosts: extraHostsKey,
  labels: labelsKey,
  user: userKey,
  hostname: stringKey('hostname'),
  read_only: booleanKey('readOnly'),
  stdin_open: booleanKey('stdinOpen'),
  tty: booleanKey('tty'),
};

/**
 * Keys stack files may carry that Longshore ignores with a warning, and why: the stack works
 * without them, but not quite as the file says.
 */
export const IGNORED_KEYS: Record<string, string> = {
  container_name:
    "Kubernetes names a service's containers itself; other services reach this one by the service's name, not by a container name",
};

const COMPOSE_V2 = 'a key of Compose file format 2 or later; Docker Cloud stack files are the flat version-1 format';

/** Keys stack files may carry that Longshore refuses, and why. */
export const UNSUPPORTED_KEYS: Record<string, string> = {
  security_opt: "Kubernetes sets security options through a pod's securityContext, not Docker's free-form options",
  cgroup_parent: 'Kubernetes places containers in cgroups of its own',
  cpuset: 'Kubernetes has no per-container CPU pinning',
  memswap_limit: 'Kubernetes has no per-container swap limit',
  mac_address: "a pod's network interface gets its address from the cluster network",
  domainname: "Kubernetes derives a pod's domain from its Service, not per container",
  external_links: 'Docker Cloud did not support it either; link services of the same stack with links',
  build: 'Docker Cloud did not support it either; build and push the image, then name it with image',
  env_file: 'Docker Cloud did not support it either (the file is on the client); use environment',
  log_driver: "Kubernetes collects every container's standard output on its node; there is no per-container log driver",
  log_opt: "Kubernetes collects every container's standard output on its node; there is no per-container log driver",
  volume_driver: 'Kubernetes provides volumes through persistent volume claims and storage classes',
  extends: 'Docker Cloud did not support it either; write the service out in full',
  ulimits: 'Kubernetes has no per-container ulimits',
  ipc: 'Kubernetes has no per-container IPC mode',
  stop_signal: 'Kubernetes stops containers with the signal their image declares',
  mem_reservation: COMPOSE_V2,
  shm_size: COMPOSE_V2,
  cpu_quota: COMPOSE_V2,
  cpus: COMPOSE_V2,
  depends_on: COMPOSE_V2,
  networks: COMPOSE_V2,
  network_mode: COMPOSE_V2,
  healthcheck: COMPOSE_V2,
  deploy: COMPOSE_V2,
  secrets: COMPOSE_V2,
  configs: COMPOSE_V2,
  logging: COMPOSE_V2,
  tmpfs: COMPOSE_V2,
  sysctls: COMPOSE_V2,
  init: COMPOSE_V2,
  stop_grace_period: COMPOSE_V2,
  group_add: COMPOSE_V2,
  oom_score_adj: COMPOSE_V2,
  pids_limit: COMPOSE_V2,
  platform: COMPOSE_V2,
  profiles: COMPOSE_V2,
};

// ---------------------------------------------------------------------------------------
// Export: a spec as stack-file keys. servicesFromRequest reads the result back into the very
// same spec (every spec it produces is canonical, see service-draft.ts); a spec written by
// hand may come back in canonical form (ports and bindings grouped, `published: false` and
// empty lists dropped, an unpublished port's outerPort dropped: expose has no host port).

const RESTART_OUT = { OFF: 'no', ON_FAILURE: 'on-failure', ALWAYS: 'always' } as const;
const AUTODESTROY_OUT = { OFF: 'no', ON_SUCCESS: 'on-success', ALWAYS: 'always' } as const;

function portText(p: ContainerPort, published: boolean): string {
  const base = published && p.outerPort !== undefined ? `${p.outerPort}:${p.innerPort}` : `${p.innerPort}`;
  return p.protocol === undefined ? base : `${base}/${p.protocol}`;
}

function modeSuffix(b: Binding): string {
  return b.rewritable === undefined ? '' : b.rewritable ? ':rw' : ':ro';
}

function nonEmpty<T>(list: readonly T[] | undefined): list is readonly T[] {
  return list !== undefined && list.length > 0;
}

/** One service as stack-file keys (without its name, which is the key it is filed under). */
export function serviceToStackFile(svc: ServiceSpec): Record<string, unknown> {
  const out: Record<string, unknown> = { image: svc.image };
  const put = (key: string, value: unknown) => {
    if (value !== undefined) out[key] = value;
  };
  put('target_num_containers', svc.targetNumContainers);
  put('command', svc.runCommand);
  put('entrypoint', svc.entrypoint);
  const published = (svc.containerPorts ?? []).filter((p) => p.published === true);
  const exposed = (svc.containerPorts ?? []).filter((p) => p.published !== true);
  if (published.length > 0) out['ports'] = published.map((p) => portText(p, true));
  if (exposed.length > 0) out['expose'] = exposed.map((p) => portText(p, false));
  if (nonEmpty(svc.containerEnvvars)) out['environment'] = svc.containerEnvvars.map((e) => `${e.key}=${e.value}`);
  if (nonEmpty(svc.linkedToService))
    out['links'] = svc.linkedToService.map((l) => (l.name === undefined ? l.toService : `${l.toService}:${l.name}`));
  const volumes = (svc.bindings ?? []).filter((b) => b.volumesFrom === undefined);
  const volumesFrom = (svc.bindings ?? []).filter((b) => b.volumesFrom !== undefined);
  if (volumes.length > 0)
    out['volumes'] = volumes.map(
      (b) => `${b.hostPath === undefined ? '' : `${b.hostPath}:`}${b.containerPath ?? ''}${modeSuffix(b)}`,
    );
  if (volumesFrom.length > 0) out['volumes_from'] = volumesFrom.map((b) => `${b.volumesFrom}${modeSuffix(b)}`);
  put(
    'restart',
    svc.autorestart === undefined
      ? undefined
      : svc.autorestart === 'ON_FAILURE' && svc.autorestartRetries !== undefined
        ? `on-failure:${svc.autorestartRetries}`
        : RESTART_OUT[svc.autorestart],
  );
  put('autodestroy', svc.autodestroy === undefined ? undefined : AUTODESTROY_OUT[svc.autodestroy]);
  put('deployment_strategy', svc.deploymentStrategy?.toLowerCase());
  put('sequential_deployment', svc.sequentialDeployment);
  put('privileged', svc.privileged);
  put('working_dir', svc.workingDir);
  put('mem_limit', svc.memory === undefined ? undefined : `${svc.memory}m`);
  put('cpu_shares', svc.cpuShares);
  put('net', svc.net);
  put('pid', svc.pid);
  if (nonEmpty(svc.tags)) out['tags'] = [...svc.tags];
  if (nonEmpty(svc.roles)) out['roles'] = [...svc.roles];
  put('autoredeploy', svc.autoredeploy);
  if (nonEmpty(svc.capAdd)) out['cap_add'] = [...svc.capAdd];
  if (nonEmpty(svc.capDrop)) out['cap_drop'] = [...svc.capDrop];
  if (nonEmpty(svc.dns)) out['dns'] = [...svc.dns];
  if (nonEmpty(svc.dnsSearch)) out['dns_search'] = [...svc.dnsSearch];
  if (nonEmpty(svc.extraHosts)) out['extra_hosts'] = [...svc.extraHosts];
  if (svc.labels !== undefined && Object.keys(svc.labels).length > 0) out['labels'] = { ...svc.labels };
  put('user', svc.user);
  put('hostname', svc.hostname);
  put('read_only', svc.readOnly);
  put('stdin_open', svc.stdinOpen);
  put('tty', svc.tty);
  return out;
}

/** The stack as Docker Cloud's export returns it: `{"web": {"image": ...}, ...}` in stack-file keys. */
export function stackToStackFile(spec: Pick<StackSpec, 'services'>): Record<string, Record<string, unknown>> {
  return Object.fromEntries(spec.services.map((svc) => [svc.name, serviceToStackFile(svc)]));
}
