// Service keys spelled the same in Docker Cloud's API and in stack files. Where the two
// spell a value differently (ON_SUCCESS / on-success, EVERY_NODE / every_node) both are
// accepted: the key alone does not say which client sent it.

import {
  AUTODESTROY,
  AUTORESTART,
  DEPLOYMENT_STRATEGIES,
  LIST_LIMITS,
  NET_MODES,
  PID_MODES,
  type ServiceSpec,
} from '../model/stack.ts';
import { quote, show } from '../util/show.ts';
import { joinCommandLine } from './command-line.ts';
import { isFalseWord, readBoolean, readInteger, readList, readString, readStringList } from './request-values.ts';
import type { KeyContext, KeyHandler, ScalarField } from './service-draft.ts';

/** A command given as a list: at most this many arguments (the joined command is at most 131072 characters anyway). */
const MAX_COMMAND_ARGUMENTS = 65536;

type BooleanField = { [F in ScalarField]: NonNullable<ServiceSpec[F]> extends boolean ? F : never }[ScalarField];

export function booleanKey(field: BooleanField): KeyHandler {
  return {
    field,
    read(value, ctx) {
      const b = readBoolean(value, '', ctx.report);
      if (b !== undefined) ctx.set(field, b);
    },
  };
}

export function integerKey(
  field: 'targetNumContainers' | 'cpuShares' | 'autorestartRetries',
  min: number,
  max: number,
): KeyHandler {
  return {
    field,
    read(value, ctx) {
      const n = readInteger(value, '', ctx.report, min, max);
      if (n !== undefined) ctx.set(field, n);
    },
  };
}

type StringField = 'image' | 'workingDir' | 'hostname';

export function stringKey(field: StringField): KeyHandler {
  return {
    field,
    read(value, ctx) {
      const s = readString(value, '', ctx.report);
      if (s !== undefined) ctx.set(field, s);
    },
  };
}

/** A command as one string or as a list of arguments (stored as the string that splits back into them). */
export function commandKey(field: 'runCommand' | 'entrypoint', acceptList: boolean): KeyHandler {
  return {
    field,
    read(value, ctx) {
      if (acceptList && Array.isArray(value)) {
        const args = readStringList(value, '', ctx.report, MAX_COMMAND_ARGUMENTS);
        if (args !== undefined) ctx.set(field, joinCommandLine(args));
        return;
      }
      const s = readString(value, '', ctx.report);
      if (s !== undefined) ctx.set(field, s);
    },
  };
}

/** A list of strings; an empty list is the same as none. */
export function stringListKey(field: 'roles' | 'dns' | 'dnsSearch', acceptSingle = false): KeyHandler {
  return {
    field,
    read(value, ctx) {
      const list = readStringList(value, '', ctx.report, LIST_LIMITS[field], acceptSingle);
      if (list !== undefined && list.length > 0) ctx.set(field, list);
    },
  };
}

/**
 * Capabilities as Docker reads them: any case, with or without "CAP_" (`sys_admin`,
 * `CAP_SYS_ADMIN`); kept as Kubernetes spells them, `SYS_ADMIN`.
 */
export function capabilitiesKey(field: 'capAdd' | 'capDrop'): KeyHandler {
  return {
    field,
    read(value, ctx) {
      const list = readStringList(value, '', ctx.report, LIST_LIMITS.capabilities);
      if (list !== undefined && list.length > 0)
        ctx.set(
          field,
          list.map((c) => c.trim().toUpperCase().replace(/^CAP_/, '')),
        );
    },
  };
}

/** Tags: strings when created, `{"name": ...}` objects as GET returns them; both are accepted. */
export const tagsKey: KeyHandler = {
  field: 'tags',
  read(value, ctx) {
    const list = readList(value, '', ctx.report, LIST_LIMITS.tags);
    if (list === undefined) return;
    const tags: string[] = [];
    list.forEach((item, i) => {
      if (typeof item === 'string') tags.push(item);
      else if (
        typeof item === 'object' &&
        item !== null &&
        'name' in item &&
        typeof item.name === 'string' &&
        Object.keys(item).length === 1
      )
        tags.push(item.name);
      else ctx.report(`[${i}]`, `must be a tag name or {"name": ...}, not ${show(item)}`);
    });
    if (tags.length > 0) ctx.set('tags', tags);
  },
};

/**
 * An enumerated value given in the API's spelling (ON_FAILURE) or a stack file's (on-failure):
 * compared in upper case with "-" read as "_". `false` and YAML 1.1's false words mean the
 * first ("OFF") value, because PyYAML hands `autodestroy: no` over as false.
 */
function policyKey<const V extends string>(
  field: 'autorestart' | 'autodestroy' | 'deploymentStrategy',
  values: readonly V[],
  offValue: V | undefined,
  expected: string,
): KeyHandler {
  return {
    field,
    read(value, ctx: KeyContext) {
      if (offValue !== undefined && isFalseWord(value)) {
        ctx.set(field, offValue as never);
        return;
      }
      const word = typeof value === 'string' ? value.trim().toUpperCase().replaceAll('-', '_') : undefined;
      const found = values.find((v) => v === word);
      if (found === undefined) ctx.report('', `must be one of ${expected}, not ${show(value)}`);
      else ctx.set(field, found as never);
    },
  };
}

export const autorestartKey = policyKey(
  'autorestart',
  AUTORESTART,
  'OFF',
  'OFF, ON_FAILURE or ALWAYS (or no, on-failure, always)',
);
export const autodestroyKey = policyKey(
  'autodestroy',
  AUTODESTROY,
  'OFF',
  'OFF, ON_SUCCESS or ALWAYS (or no, on-success, always)',
);
export const deploymentStrategyKey = policyKey(
  'deploymentStrategy',
  DEPLOYMENT_STRATEGIES,
  undefined,
  'emptiest_node, high_availability or every_node',
);

const NET_REFUSALS: Record<string, string> = {
  none: 'a pod always has a network interface in Kubernetes',
  container: 'Kubernetes shares a network only between containers of one pod; link the services instead',
};

export const netKey: KeyHandler = {
  field: 'net',
  read(value, ctx) {
    const s = readString(value, '', ctx.report);
    if (s === undefined) return;
    const mode = NET_MODES.find((m) => m === s.toLowerCase());
    if (mode !== undefined) {
      ctx.set('net', mode);
      return;
    }
    const why = NET_REFUSALS[s.split(':')[0]!.toLowerCase()];
    ctx.report('', `${quote(s)} is not supported${why === undefined ? '' : `: ${why}`}; use bridge or host`);
  },
};

export const pidKey: KeyHandler = {
  field: 'pid',
  read(value, ctx) {
    const s = readString(value, '', ctx.report);
    if (s === undefined) return;
    const mode = PID_MODES.find((m) => m === s.toLowerCase());
    if (mode !== undefined) ctx.set('pid', mode);
    else ctx.report('', `${quote(s)} is not supported: use host (share the node's process namespace) or none`);
  },
};

/** The keys both shapes share, by key. */
export const SHARED_KEYS: Record<string, KeyHandler> = {
  image: stringKey('image'),
  target_num_containers: integerKey('targetNumContainers', 0, 10000),
  entrypoint: commandKey('entrypoint', true),
  autorestart: autorestartKey,
  // Longshore's own: Docker Cloud's API has no retry limit; stack files say on-failure:N.
  autorestart_retries: integerKey('autorestartRetries', 0, 1000000),
  autodestroy: autodestroyKey,
  deployment_strategy: deploymentStrategyKey,
  sequential_deployment: booleanKey('sequentialDeployment'),
  privileged: booleanKey('privileged'),
  autoredeploy: booleanKey('autoredeploy'),
  working_dir: stringKey('workingDir'),
  cpu_shares: integerKey('cpuShares', 2, 262144),
  net: netKey,
  pid: pidKey,
  tags: tagsKey,
  roles: stringListKey('roles'),
};
