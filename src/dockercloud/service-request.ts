// The `services` of a POST or PATCH /stack/ body, as either client sends them, into specs.
//
// Each service may use Docker Cloud's API fields (run_command, container_ports, ...) or
// stack-file keys as the docker-cloud CLI sends them (command, ports, ...), key by key; two
// keys for the same setting (ports and container_ports) are refused rather than merged.
// Errors name the service by position and by the name the client gave it, then the key as
// the client spelled it: `services[1] (db).ports[0]: ...`.

import { type Checked, type FieldError, type Unlisted, zodIssueMessage } from '../model/errors.ts';
import { crossServiceIssues, MAX_SERVICES, ServiceSpec } from '../model/stack.ts';
import { quote, show } from '../util/show.ts';
import { API_KEYS } from './api-fields.ts';
import { checkDevices, DEVICES_KEY } from './devices.ts';
import { checkMappingSize, closest, isAbsent, isMapping, typeName } from './request-values.ts';
import { type KeyHandler, newDraft, type Origin } from './service-draft.ts';
import { nameFromImage, serviceName } from './service-names.ts';
import { SHARED_KEYS } from './shared-keys.ts';
import { IGNORED_KEYS, STACKFILE_KEYS, UNSUPPORTED_KEYS } from './stackfile-keys.ts';

const HANDLERS: Record<string, KeyHandler> = { ...SHARED_KEYS, ...API_KEYS, ...STACKFILE_KEYS };
const KNOWN_KEYS = ['name', DEVICES_KEY, ...Object.keys(HANDLERS)];

/** A problem with one service (`index`), or with the list itself (no index). */
export interface ServiceIssue {
  index?: number;
  /** The service's name as the client wrote it, when it gave one. */
  service?: string;
  /** Where in the service, in the client's keys: "" for the service itself. */
  at: string;
  message: string;
}

/** `services[1] (db).ports[0]`: where an issue is, as the client wrote its request. */
export function issueField(issue: ServiceIssue): string {
  if (issue.index === undefined) return issue.at === '' ? 'services' : `services.${issue.at}`;
  const service = `services[${issue.index}]${issue.service === undefined ? '' : ` (${issue.service})`}`;
  return issue.at === '' ? service : issue.at.startsWith('[') ? `${service}${issue.at}` : `${service}.${issue.at}`;
}

export function issuesToFieldErrors(issues: readonly ServiceIssue[]): FieldError[] {
  return issues.map((issue) => ({ field: issueField(issue), message: issue.message }));
}

interface Converted {
  spec: ServiceSpec;
  issues: ServiceIssue[];
  warnings: ServiceIssue[];
  /** Problems found past IssueBounds.perService, counted only. */
  omitted: number;
  originOf: (path: readonly PropertyKey[]) => Origin;
}

// Bounds on what a request can cost. Every list and mapping is measured against its limit
// before its items are read (readList, checkMappingSize), so the work per service is bounded;
// IssueBounds bound the problems kept, so that an answer does not grow with a hostile request.
// (A stack file converted on the user's own machine gets every problem.)

export interface IssueBounds {
  /** Problems kept per service; more are counted. */
  perService: number;
  /** After this many problems, the services left are not looked at. */
  total: number;
}

/** What the façade keeps of a request's problems. */
export const REQUEST_ISSUE_BOUNDS: IssueBounds = { perService: 20, total: 50 };
const UNBOUNDED: IssueBounds = { perService: Number.POSITIVE_INFINITY, total: Number.POSITIVE_INFINITY };

/** Keys a service may have: all the known and refused ones fit, with room to spare. */
const MAX_SERVICE_KEYS = 200;

function located(origin: Origin, message: string): { at: string; message: string } {
  return { at: origin.at, message: origin.part === undefined ? message : `${origin.part}: ${message}` };
}

function readName(raw: Record<string, unknown>, draft: ReturnType<typeof newDraft>): void {
  const given = raw['name'];
  if (!isAbsent(given) && given !== '') {
    if (typeof given !== 'string') {
      draft.report('name', `must be a string, not ${typeName(given)} (${show(given)})`);
      return;
    }
    const name = serviceName(given);
    if (name.ok) draft.setName(name.value, 'name');
    else draft.report('name', name.error);
    return;
  }
  // Docker Cloud's default: the image's name (tutum/hello-world:latest -> hello-world).
  if (typeof raw['image'] !== 'string') return;
  const fromImage = nameFromImage(raw['image']);
  const name = serviceName(fromImage);
  if (name.ok) draft.setName(name.value, 'image');
  else draft.report('name', `no name is given, and the one taken from the image does not do: ${name.error}`);
}

function convertService(raw: unknown, index: number, maxIssues: number): Converted | ServiceIssue {
  if (!isMapping(raw))
    return { index, at: '', message: `must be a mapping of keys to values (a service), not ${typeName(raw)} (${show(raw)})` };
  const service = typeof raw['name'] === 'string' && raw['name'] !== '' ? shortName(raw['name']) : undefined;
  const draft = newDraft(maxIssues);
  readName(raw, draft);
  if (!checkMappingSize(raw, '', draft.report, MAX_SERVICE_KEYS)) {
    const { spec, issues, omitted, originOf } = draft.finish();
    return { spec, issues: issues.map((i) => ({ index, service, ...i })), warnings: [], omitted, originOf };
  }
  for (const [key, value] of Object.entries(raw)) {
    if (key === 'name') continue;
    const handler = HANDLERS[key];
    if (handler !== undefined) {
      // A key given no value (`command:` in YAML, null in JSON) is a key not given.
      if (!isAbsent(value)) draft.readKey(key, value, handler);
    } else if (key === DEVICES_KEY) checkDevices(value, raw['privileged'], draft.report);
    else if (UNSUPPORTED_KEYS[key] !== undefined) draft.report('', `${quote(key)} is not supported: ${UNSUPPORTED_KEYS[key]}`);
    else if (IGNORED_KEYS[key] !== undefined) draft.warn(key, `is ignored: ${IGNORED_KEYS[key]}`);
    else {
      const guess = closest(key, KNOWN_KEYS);
      draft.report('', `unknown key ${quote(key)}${guess === undefined ? '' : ` (did you mean "${guess}"?)`}`);
    }
  }
  const { spec, issues, warnings, omitted, originOf } = draft.finish();
  const out: ServiceIssue[] = issues.map((i) => ({ index, service, ...i }));
  let dropped = omitted;
  // The schema has the last word on every value (lengths, patterns, ranges) the readers let through.
  const checked = ServiceSpec.safeParse(spec, { reportInput: true });
  if (!checked.success) {
    for (const issue of checked.error.issues) {
      const origin = originOf(issue.path);
      // Readers report a bad value and leave it out, so zod's "required" would only repeat them.
      if (zodIssueMessage(issue) === 'is required' && out.some((o) => o.at === origin.at)) continue;
      if (out.length < maxIssues) out.push({ index, service, ...located(origin, zodIssueMessage(issue)) });
      else dropped++;
    }
  }
  return { spec, issues: out, warnings: warnings.map((w) => ({ index, service, ...w })), omitted: dropped, originOf };
}

/** A service's name as given, for messages: short, control characters written as JSON escapes. */
function shortName(name: string): string {
  const short = name.length > 63 ? `${name.slice(0, 60)}...` : name;
  return short.replace(CONTROL_CHARACTER, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const CONTROL_CHARACTER = /[\x00-\x1f\x7f-\x9f]/g;

/**
 * Services as either client sends them, converted into specs. Absent (`undefined` or null)
 * is no services, as Docker Cloud's create defaults `services` to `[]`.
 */
export function convertServices(
  input: unknown,
  bounds: IssueBounds = UNBOUNDED,
): ConvertedServices | ({ ok: false; errors: ServiceIssue[]; warnings?: ServiceIssue[] } & Unlisted) {
  if (isAbsent(input)) return { ok: true, value: [], warnings: [], originOf: [] };
  if (!Array.isArray(input))
    return { ok: false, errors: [{ at: '', message: `must be a list of services, not ${typeName(input)}` }] };
  if (input.length > MAX_SERVICES)
    return { ok: false, errors: [{ at: '', message: `a stack has at most ${MAX_SERVICES} services, not ${input.length}` }] };
  const issues: ServiceIssue[] = [];
  let omitted = 0;
  const converted: (Converted | undefined)[] = [];
  // Each service's keys in the order the client wrote them, for reporting in that order.
  const keyOrders: (readonly string[])[] = [];
  for (let index = 0; index < input.length; index++) {
    if (issues.length >= bounds.total) {
      // Enough to act on: the rest is not looked at (and may hold more problems).
      return { ok: false, errors: sortIssues(issues, keyOrders), omitted, incomplete: true };
    }
    const raw: unknown = input[index];
    const keys = isMapping(raw) ? Object.keys(raw) : [];
    keyOrders.push(keys.length <= MAX_SERVICE_KEYS ? keys : []);
    const result = convertService(raw, index, bounds.perService);
    if ('spec' in result) {
      issues.push(...result.issues);
      omitted += result.omitted;
      converted.push(result);
    } else {
      issues.push(result);
      converted.push(undefined);
    }
  }
  // Links, volumes_from and names across services; checked on what could be read of each.
  const readable = converted.flatMap((c, index) => (c === undefined ? [] : [{ c, index }]));
  for (const issue of crossServiceIssues({ services: readable.map((r) => r.c.spec) })) {
    const [, position, ...rest] = issue.path;
    const entry = readable[position as number];
    if (entry === undefined) continue;
    const raw = input[entry.index] as Record<string, unknown>;
    const service = typeof raw['name'] === 'string' && raw['name'] !== '' ? shortName(raw['name']) : undefined;
    // These messages name the offending value themselves: no part name in front. A name the
    // spec holds lowered (`servicea`) is quoted as the client wrote it (`serviceA`).
    const at = entry.c.originOf(rest).at;
    issues.push({ index: entry.index, service, at, message: asWritten(issue.message, valueAt(raw, at)) });
  }
  const warnings = sortIssues(
    converted.flatMap((c) => c?.warnings ?? []),
    keyOrders,
  );
  if (issues.length > 0)
    return { ok: false, errors: sortIssues(issues, keyOrders), warnings, ...(omitted > 0 ? { omitted } : {}) };
  return { ok: true, value: converted.map((c) => c!.spec), warnings, originOf: converted.map((c) => c!.originOf) };
}

/** Services converted, with what the user must know of them and where each part came from. */
export interface ConvertedServices {
  ok: true;
  value: ServiceSpec[];
  /** What was taken, but not as the client may think (an ignored key, a variable without a value), in file order. */
  warnings: ServiceIssue[];
  /** For each service, where a path of its spec (`['bindings', 0, 'hostPath']`) came from in the client's keys. */
  originOf: ((path: readonly PropertyKey[]) => Origin)[];
}

/** The value at `at` (`volumes_from[0]`, `bindings[1].volumes_from`) of a service as the client sent it. */
function valueAt(raw: Record<string, unknown>, at: string): unknown {
  let value: unknown = raw;
  for (const [, key, index] of at.matchAll(/\.?([^.[\]]+)|\[(\d+)\]/g)) {
    if (index !== undefined) value = Array.isArray(value) ? value[Number(index)] : undefined;
    else value = isMapping(value) ? value[key!] : undefined;
  }
  return value;
}

/** `message` with a name it quotes lowered replaced by the client's spelling (`"servicea"` → `"serviceA"`). */
function asWritten(message: string, written: unknown): string {
  if (typeof written !== 'string') return message;
  const name = written.trim().split(':')[0]!.split('.')[0]!;
  const lowered = name.toLowerCase();
  return name === lowered ? message : message.replaceAll(`"${lowered}"`, `"${name}"`);
}

/**
 * Issues in file order: by service, then by the position of their key in the service as the
 * client wrote it, then by item (`links[0]` before `links[1]`). An issue about the service
 * itself (at "") stays after the issues found before it: keys are read in order.
 */
function sortIssues(issues: ServiceIssue[], keyOrders: readonly (readonly string[])[]): ServiceIssue[] {
  const lastRank = new Map<number, number>();
  const ranked = issues.map((issue, order) => {
    const keys = issue.index === undefined ? undefined : keyOrders[issue.index];
    const key = /^[^.[]*/.exec(issue.at)?.[0] ?? '';
    const position = keys !== undefined && key !== '' ? keys.indexOf(key) : -1;
    const rank = position >= 0 ? position : (lastRank.get(issue.index ?? -1) ?? -1);
    lastRank.set(issue.index ?? -1, rank);
    const items = [...issue.at.matchAll(/\[(\d+)\]/g)].map((m) => Number(m[1]));
    return { issue, order, rank, items };
  });
  return ranked
    .sort(
      (a, b) =>
        (a.issue.index ?? -1) - (b.issue.index ?? -1) || a.rank - b.rank || compareItems(a.items, b.items) || a.order - b.order,
    )
    .map((x) => x.issue);
}

function compareItems(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

/** The façade's entry point: `services` of a request body, or its problems (REQUEST_ISSUE_BOUNDS). */
export function servicesFromRequest(services: unknown): Checked<ServiceSpec[]> {
  const converted = convertServices(services, REQUEST_ISSUE_BOUNDS);
  // Docker Cloud's API has no place for warnings: the controller shows what matters of them
  // (the Stack's Warnings condition); `longshore convert` prints them all.
  if (converted.ok) return { ok: true, value: converted.value };
  const { errors, ok: _, warnings: __, ...unlisted } = converted;
  return { ok: false, errors: issuesToFieldErrors(errors), ...unlisted };
}
