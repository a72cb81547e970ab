// Docker Cloud API service fields (what the Go client and the API documentation send) that
// stack files spell differently, and the API representation of a service for GET responses.
//
// Zero values the Go client cannot leave out are read as "not given": `"outer_port": 0` (a
// dynamic port), `"protocol": ""`, `"host_path": ""`, `"name": ""` in links, and the
// port's `"container": ""` (a container URI in responses, meaningless in a request).

import { type Binding, type ContainerPort, LIST_LIMITS, type ServiceSpec } from '../model/stack.ts';
import { quote, show } from '../util/show.ts';
import {
  isAbsent,
  isMapping,
  type Report,
  readBoolean,
  readInteger,
  readList,
  readString,
  scalarText,
  typeName,
} from './request-values.ts';
import type { KeyHandler } from './service-draft.ts';
import { linkTarget, volumesFromService } from './service-names.ts';
import { commandKey } from './shared-keys.ts';

/** Absent, or the zero value a Go client sends for "not set". */
function unset(value: unknown): boolean {
  return isAbsent(value) || value === '' || value === 0;
}

/** The item as a mapping with only `allowed` keys (`ignored` ones are dropped), or undefined after reporting. */
function readObject(
  item: unknown,
  at: string,
  report: Report,
  allowed: readonly string[],
  ignored: readonly string[] = [],
): Record<string, unknown> | undefined {
  if (!isMapping(item)) {
    report(at, `must be an object with ${allowed.join(', ')}, not ${typeName(item)} (${show(item)})`);
    return undefined;
  }
  let ok = true;
  for (const key of Object.keys(item)) {
    if (!allowed.includes(key) && !ignored.includes(key)) {
      report(`${at}.${key}`, `unknown field ${quote(key)}`);
      ok = false;
    }
  }
  return ok ? item : undefined;
}

function readApiPort(item: unknown, at: string, report: Report): ContainerPort | undefined {
  const o = readObject(item, at, report, ['protocol', 'inner_port', 'outer_port', 'published'], ['container']);
  if (o === undefined) return undefined;
  if (isAbsent(o['inner_port'])) {
    report(`${at}.inner_port`, 'is required');
    return undefined;
  }
  const innerPort = readInteger(o['inner_port'], `${at}.inner_port`, report, 1, 65535);
  const outerPort = unset(o['outer_port']) ? undefined : readInteger(o['outer_port'], `${at}.outer_port`, report, 1, 65535);
  let published = isAbsent(o['published']) ? undefined : readBoolean(o['published'], `${at}.published`, report);
  let protocol: ContainerPort['protocol'];
  if (!unset(o['protocol'])) {
    const p = typeof o['protocol'] === 'string' ? o['protocol'].toLowerCase() : undefined;
    if (p === 'tcp' || p === 'udp') protocol = p;
    else report(`${at}.protocol`, `must be tcp or udp, not ${show(o['protocol'])}`);
  }
  if (outerPort !== undefined) {
    // Docker Cloud only uses an outer port on a published port; the Go client cannot send
    // `published` at all, so an outer port alone means "publish on this port".
    if (published === false) {
      report(`${at}.outer_port`, 'an outer port needs a published port: set published to true, or drop outer_port');
      return undefined;
    }
    published = true;
  }
  if (innerPort === undefined) return undefined;
  const port: ContainerPort = { innerPort };
  if (protocol !== undefined) port.protocol = protocol;
  if (outerPort !== undefined) port.outerPort = outerPort;
  // `published: false` is the default: left out, as a stack file's expose leaves it out.
  if (published === true) port.published = true;
  return port;
}

const containerPortsKey: KeyHandler = {
  field: 'containerPorts',
  read(value, ctx) {
    readList(value, '', ctx.report, LIST_LIMITS.containerPorts)?.forEach((item, i) => {
      const port = readApiPort(item, `[${i}]`, ctx.report);
      if (port !== undefined) ctx.add('containerPorts', port, `[${i}]`, true);
    });
  },
};

const containerEnvvarsKey: KeyHandler = {
  field: 'containerEnvvars',
  read(value, ctx) {
    readList(value, '', ctx.report, LIST_LIMITS.containerEnvvars)?.forEach((item, i) => {
      const at = `[${i}]`;
      const o = readObject(item, at, ctx.report, ['key', 'value']);
      if (o === undefined) return;
      const key = readString(o['key'], `${at}.key`, ctx.report);
      const text = scalarText(o['value']);
      if (text === undefined) ctx.report(`${at}.value`, `must be a string, not ${typeName(o['value'])}`);
      else if (key !== undefined) ctx.add('containerEnvvars', { key, value: text }, at, true);
    });
  },
};

const linkedToServiceKey: KeyHandler = {
  field: 'linkedToService',
  read(value, ctx) {
    readList(value, '', ctx.report, LIST_LIMITS.linkedToService)?.forEach((item, i) => {
      const at = `[${i}]`;
      const o = readObject(item, at, ctx.report, ['to_service', 'name'], ['from_service']);
      if (o === undefined) return;
      const target = readString(o['to_service'], `${at}.to_service`, ctx.report);
      const alias = unset(o['name']) ? undefined : readString(o['name'], `${at}.name`, ctx.report);
      if (target === undefined) return;
      const sibling = linkTarget(target);
      if (!sibling.ok) ctx.report(`${at}.to_service`, sibling.error);
      else
        ctx.add(
          'linkedToService',
          alias === undefined ? { toService: sibling.value } : { toService: sibling.value, name: alias },
          at,
          true,
        );
    });
  },
};

const bindingsKey: KeyHandler = {
  field: 'bindings',
  read(value, ctx) {
    readList(value, '', ctx.report, LIST_LIMITS.bindings)?.forEach((item, i) => {
      const at = `[${i}]`;
      const o = readObject(item, at, ctx.report, ['host_path', 'container_path', 'rewritable', 'volumes_from']);
      if (o === undefined) return;
      const binding: Binding = {};
      let ok = true;
      const text = (key: string): string | undefined => {
        if (unset(o[key])) return undefined;
        const s = readString(o[key], `${at}.${key}`, ctx.report);
        if (s === undefined) ok = false;
        return s;
      };
      const hostPath = text('host_path');
      const containerPath = text('container_path');
      const volumesFrom = text('volumes_from');
      if (hostPath !== undefined) binding.hostPath = hostPath;
      if (containerPath !== undefined) binding.containerPath = containerPath;
      if (!isAbsent(o['rewritable'])) {
        const rewritable = readBoolean(o['rewritable'], `${at}.rewritable`, ctx.report);
        if (rewritable === undefined) ok = false;
        else binding.rewritable = rewritable;
      }
      if (volumesFrom !== undefined) {
        const sibling = volumesFromService(volumesFrom);
        if (sibling.ok) binding.volumesFrom = sibling.value;
        else {
          ctx.report(`${at}.volumes_from`, sibling.error);
          ok = false;
        }
      }
      if (ok) ctx.add('bindings', binding, at, true);
    });
  },
};

const memoryKey: KeyHandler = {
  field: 'memory',
  read(value, ctx) {
    const mb = readInteger(value, '', ctx.report, 4, 1048576);
    if (mb !== undefined) ctx.set('memory', mb);
  },
};

/** The API fields that have no stack-file key of the same name, by key. */
export const API_KEYS: Record<string, KeyHandler> = {
  run_command: commandKey('runCommand', false),
  container_ports: containerPortsKey,
  container_envvars: containerEnvvarsKey,
  linked_to_service: linkedToServiceKey,
  bindings: bindingsKey,
  memory: memoryKey,
};

// ---------------------------------------------------------------------------------------

function snakeObject(o: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), v]));
}

/**
 * A service in Docker Cloud's API representation (snake_case, tags as `[{"name": ...}]`).
 * Only what the spec holds is written, no defaults: reading the result back as a request gives
 * the same spec. Compose-only settings (cap_add, labels, ...) keep their stack-file keys.
 */
export function serviceToApi(svc: ServiceSpec): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(svc) as [keyof ServiceSpec, unknown][]) {
    if (value === undefined) continue;
    const key = field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
    if (field === 'tags') out[key] = svc.tags?.map((name) => ({ name }));
    else if (field === 'labels') out[key] = { ...svc.labels };
    else if (Array.isArray(value)) out[key] = value.map((item: unknown) => (isMapping(item) ? snakeObject(item) : item));
    else out[key] = value;
  }
  return out;
}
