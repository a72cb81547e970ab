// A service being assembled from a client's keys. Every value remembers where it came from
// in the client's own spelling (`expose[0]`, `container_ports[1]`), so that problems found
// later — by the zod schema or by the cross-service rules — are reported against what the
// client wrote, not against our field names.
//
// The draft also puts the spec in its canonical form, the one the stack-file export reads
// back identically: published ports before unexposed ones, path bindings before volumes_from,
// one entry per environment variable.

import { snakeCase } from '../model/errors.ts';
import type { Binding, ContainerPort, EnvVar, Link, ServiceSpec } from '../model/stack.ts';
import { ServiceSpec as ServiceSpecSchema } from '../model/stack.ts';
import type { Report } from './request-values.ts';

export type ListItems = {
  containerPorts: ContainerPort;
  containerEnvvars: EnvVar;
  linkedToService: Link;
  bindings: Binding;
};
export type ListField = keyof ListItems;
export type ScalarField = Exclude<keyof ServiceSpec, ListField>;

/** Where a value came from. `api`: the client named its parts like the spec, in snake_case. */
interface Source {
  at: string;
  api: boolean;
}

/** Where, in the client's keys, a part of the spec came from; `part` names a piece of a one-string item. */
export interface Origin {
  at: string;
  part?: string;
}

/** What the parts of a one-string item (a port "8080:80", a link "db:alias") are called. */
const PART_NAMES: Record<string, string> = {
  innerPort: 'container port',
  outerPort: 'host port',
  protocol: 'protocol',
  key: 'variable name',
  value: 'value',
  toService: 'service',
  name: 'alias',
  hostPath: 'host path',
  containerPath: 'container path',
  volumesFrom: 'service',
};

/** What a key's reader may do with the service under construction. */
export interface KeyContext {
  /** The client's key being read, e.g. "ports". */
  readonly key: string;
  /** Reports a problem with the value at `at`, relative to the key ("" for the key's value). */
  readonly report: Report;
  /** Says what the user must know about the value at `at` (taken as it is, but not as they may think). */
  readonly warn: Report;
  set<F extends ScalarField>(field: F, value: NonNullable<ServiceSpec[F]>): void;
  /** Adds one list item that came from `at` (relative to the key, e.g. "[0]"). */
  add<F extends ListField>(field: F, item: ListItems[F], at: string, api: boolean): void;
}

export interface KeyHandler {
  /** The spec field the key fills. */
  field: keyof ServiceSpec;
  /** Other keys that fill the same field together with this one (ports and expose). */
  combinesWith?: readonly string[];
  read(value: unknown, ctx: KeyContext): void;
}

export interface DraftIssue {
  /** Where, in the client's keys, relative to the service: "" for the service itself. */
  at: string;
  message: string;
}

interface Entry<T> {
  item: T;
  origin: Source;
}

export interface Draft {
  /** Reads one client key into the draft, refusing a second key for the same field. */
  readKey(key: string, value: unknown, handler: KeyHandler): void;
  report(at: string, message: string): void;
  warn(at: string, message: string): void;
  setName(name: string, at: string): void;
  /**
   * The spec in canonical form, where each part came from, the problems (`omitted`: reported
   * past the limit, not kept) and the warnings.
   */
  finish(): {
    spec: ServiceSpec;
    issues: DraftIssue[];
    warnings: DraftIssue[];
    omitted: number;
    originOf: (path: readonly PropertyKey[]) => Origin;
  };
}

const FIELD_ORDER = Object.keys(ServiceSpecSchema.shape) as (keyof ServiceSpec)[];

function portKey(p: ContainerPort): string {
  return `${p.innerPort}/${p.protocol ?? 'tcp'}`;
}

/** Published ports first (as `ports` lists them), then the rest; a port already listed is not listed again. */
function canonicalPorts(entries: Entry<ContainerPort>[]): Entry<ContainerPort>[] {
  const published = entries.filter((e) => e.item.published === true);
  const seen = new Set(published.map((e) => portKey(e.item)));
  const rest: Entry<ContainerPort>[] = [];
  for (const e of entries) {
    if (e.item.published === true || seen.has(portKey(e.item))) continue;
    seen.add(portKey(e.item));
    rest.push(e);
  }
  return [...published, ...rest];
}

/** Later values of a variable replace earlier ones (as compose and Docker Cloud's CLI do), in first position. */
function canonicalEnv(entries: Entry<EnvVar>[]): Entry<EnvVar>[] {
  // A Map keeps a key's first position when the key is set again.
  const byKey = new Map<string, Entry<EnvVar>>();
  for (const e of entries) byKey.set(e.item.key, e);
  return [...byKey.values()];
}

function canonicalBindings(entries: Entry<Binding>[]): Entry<Binding>[] {
  return [...entries.filter((e) => e.item.volumesFrom === undefined), ...entries.filter((e) => e.item.volumesFrom !== undefined)];
}

/** `maxIssues`: problems kept; more are only counted, so a hostile service's errors stay small. */
export function newDraft(maxIssues = Number.POSITIVE_INFINITY): Draft {
  const scalars: Partial<Record<ScalarField, unknown>> = {};
  const scalarOrigins = new Map<string, string>();
  const lists: { [F in ListField]: Entry<ListItems[F]>[] } = {
    containerPorts: [],
    containerEnvvars: [],
    linkedToService: [],
    bindings: [],
  };
  const filledBy = new Map<keyof ServiceSpec, string[]>();
  const issues: DraftIssue[] = [];
  const warnings: DraftIssue[] = [];
  let omitted = 0;
  const note = (issue: DraftIssue) => {
    if (issues.length < maxIssues) issues.push(issue);
    else omitted++;
  };
  let name: string | undefined;
  let nameAt = 'name';

  const join = (key: string, at: string) => (at === '' ? key : at.startsWith('[') ? `${key}${at}` : `${key}.${at}`);

  return {
    report(at, message) {
      note({ at, message });
    },
    warn(at, message) {
      if (warnings.length < maxIssues) warnings.push({ at, message });
    },
    setName(value, at) {
      name = value;
      nameAt = at;
    },
    readKey(key, value, handler) {
      const before = filledBy.get(handler.field) ?? [];
      const clash = before.find((k) => !(handler.combinesWith ?? []).includes(k));
      if (clash !== undefined) {
        note({ at: '', message: `"${clash}" and "${key}" both set ${handler.field}: give only one of them` });
        return;
      }
      filledBy.set(handler.field, [...before, key]);
      handler.read(value, {
        key,
        report: (at, message) => note({ at: join(key, at), message }),
        warn: (at, message) => {
          if (warnings.length < maxIssues) warnings.push({ at: join(key, at), message });
        },
        set(field, v) {
          scalars[field] = v;
          scalarOrigins.set(field, key);
        },
        add(field, item, at, api) {
          (lists[field] as Entry<ListItems[typeof field]>[]).push({ item, origin: { at: join(key, at), api } });
        },
      });
    },
    finish() {
      const ordered = {
        containerPorts: canonicalPorts(lists.containerPorts),
        containerEnvvars: canonicalEnv(lists.containerEnvvars),
        linkedToService: lists.linkedToService,
        bindings: canonicalBindings(lists.bindings),
      };
      const spec: Record<string, unknown> = {};
      for (const field of FIELD_ORDER) {
        if (field === 'name') {
          if (name !== undefined) spec['name'] = name;
        } else if (field in ordered) {
          // An empty list is no list: absent and empty mean the same, and absent is what export gives back.
          const entries = ordered[field as ListField];
          if (entries.length > 0) spec[field] = entries.map((e) => e.item);
        } else if (scalars[field as ScalarField] !== undefined) {
          spec[field] = scalars[field as ScalarField];
        }
      }
      const originOf = (path: readonly PropertyKey[]): Origin => {
        const [field, index, ...rest] = path;
        if (field === 'name') return { at: nameAt };
        if (typeof field !== 'string') return { at: '' };
        if (field in ordered && typeof index === 'number') {
          const origin = ordered[field as ListField][index]?.origin;
          if (origin !== undefined) {
            if (rest.length === 0) return { at: origin.at };
            // An API client named the item's parts; a stack file wrote the item as one string.
            if (origin.api) return { at: `${origin.at}.${rest.map((s) => snakeCase(String(s))).join('.')}` };
            return { at: origin.at, part: PART_NAMES[String(rest[0])] ?? String(rest[0]) };
          }
        }
        const base = scalarOrigins.get(field) ?? filledBy.get(field as keyof ServiceSpec)?.[0] ?? field;
        const tail = path.slice(1).map((s) => (typeof s === 'number' ? `[${s}]` : `.${String(s)}`));
        return { at: `${base}${tail.join('')}` };
      };
      return { spec: spec as ServiceSpec, issues, warnings, omitted, originOf };
    },
  };
}
