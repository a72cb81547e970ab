// Reading a stack file (docker-cloud.yml, tutum.yml, docker-compose.yml in the flat version-1
// format: every top-level key is a service) into specs, as `longshore convert` does. The
// services then go through the same conversion as a request from the docker-cloud CLI.
//
// YAML is read as YAML 1.2 (core schema), which keeps what the user wrote where YAML 1.1 —
// PyYAML, the CLI's parser — would reinterpret it: an unquoted `22:22` stays the port mapping
// 22:22 (PyYAML: the number 1342), `autodestroy: no` stays "no" (read as OFF either way), and
// `0755` stays 755 rather than octal. Values of environment, labels and extra_hosts are kept
// as written (`DEBUG: True` is "True", `TIMEOUT: 1.0` is "1.0"), since they end up as text.
// Duplicate keys are refused (PyYAML silently keeps the last one).
import { isMap, isScalar, parseDocument, type Scalar } from 'yaml';
import type { Checked, FieldError } from '../model/errors.ts';
import type { ServiceSpec } from '../model/stack.ts';
import { show } from '../util/show.ts';
import { type Interpolation, injectEnvironment, interpolateValue } from './interpolate.ts';
import { isMapping, typeName } from './request-values.ts';
import { convertServices, type ServiceIssue } from './service-request.ts';

export interface StackFileOptions {
  /** Variables for `$VAR` interpolation (the CLI passes its process environment); none by default. */
  env?: Readonly<Record<string, string | undefined>>;
}

/** One service as the docker-cloud CLI would send it: the file's keys plus "name". */
export interface StackFileService {
  name: string;
  body: Record<string, unknown>;
}

/** What the user must know of a file that reads: where (a service and its key, when known), and what. */
export interface StackFileWarning {
  service?: string;
  key?: string;
  message: string;
}

export type StackFileRead = Checked<StackFileService[]> & {
  warnings: StackFileWarning[];
};

/** Keys whose values become text in the container: their plain scalars are kept as written. */
const TEXT_VALUED_KEYS = ['environment', 'labels', 'extra_hosts'];

/** Top-level sections of compose format 2 and later, which a flat file would misread as services. */
const COMPOSE_SECTIONS = ['services', 'volumes', 'networks', 'secrets', 'configs'];

function yamlProblem(message: string, text: string, code: string, offset: number | undefined): string {
  const first = message.split('\n')[0]!.replace(/:$/, '');
  if (code === 'DUPLICATE_KEY' && offset !== undefined) {
    const key = /^["']?([^"':\n]+)/.exec(text.slice(offset))?.[1]?.trim();
    if (key !== undefined)
      return `duplicate key "${key}" ${first.replace(/^Map keys must be unique/, '').trim()}: give each key once`;
  }
  return first;
}

/** Plain scalars of environment/labels/extra_hosts mappings, as the text the user wrote. */
function keepWrittenText(doc: ReturnType<typeof parseDocument>, services: Record<string, unknown>): void {
  if (!isMap(doc.contents)) return;
  for (const pair of doc.contents.items) {
    const name = isScalar(pair.key) ? String(pair.key.value) : undefined;
    const service = name === undefined ? undefined : services[name];
    if (!isMap(pair.value) || !isMapping(service)) continue;
    for (const entry of pair.value.items) {
      const key = isScalar(entry.key) ? String(entry.key.value) : undefined;
      const target = key === undefined ? undefined : service[key];
      if (key === undefined || !TEXT_VALUED_KEYS.includes(key) || !isMap(entry.value) || !isMapping(target)) continue;
      for (const item of entry.value.items) {
        const value = item.value as Scalar | null;
        if (
          isScalar(item.key) &&
          isScalar(value) &&
          value.type === 'PLAIN' &&
          value.value !== null &&
          value.source !== undefined
        ) {
          target[String(item.key.value)] = value.source;
        }
      }
    }
  }
}

function composeSection(key: string, value: unknown): boolean {
  if (key === 'version') return true;
  if (!COMPOSE_SECTIONS.includes(key) || !isMapping(value) || 'image' in value) return false;
  return Object.values(value).every((v) => v === null || isMapping(v));
}

/**
 * The services of a stack file as the docker-cloud CLI sends them (interpolated, each with its
 * name), or why the file is not a flat stack file. Values are not checked here.
 */
export function readStackFile(text: string, opts: StackFileOptions = {}): StackFileRead {
  const doc = parseDocument(text, { version: '1.2', schema: 'core', uniqueKeys: true, merge: true, prettyErrors: true });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      errors: doc.errors.map((e) => ({
        field: '',
        message: `not valid YAML: ${yamlProblem(e.message, text, e.code, e.pos[0])}`,
      })),
      warnings: [],
    };
  }
  const content: unknown = doc.toJS({ maxAliasCount: 100 });
  if (content === null || content === undefined)
    return {
      ok: false,
      errors: [{ field: '', message: 'the file is empty: a stack file maps service names to services' }],
      warnings: [],
    };
  if (!isMapping(content)) {
    return {
      ok: false,
      errors: [
        {
          field: '',
          message: `a stack file maps service names to services; this file is ${typeName(content)} (${show(content)})`,
        },
      ],
      warnings: [],
    };
  }
  keepWrittenText(doc, content);
  const errors: FieldError[] = [];
  for (const [key, value] of Object.entries(content)) {
    if (composeSection(key, value)) {
      errors.push({
        field: key,
        message: `"${key}:" at the top level is Compose file format 2 or later; Docker Cloud stack files are the flat version-1 format, where every top-level key is a service`,
      });
    }
  }
  if (errors.length > 0) return { ok: false, errors, warnings: [] };
  // A top-level list of mappings (`services: [{name: ...}]`) is another tool's format: the
  // keys beside it are no services either, so nothing is said of their settings.
  for (const [key, value] of Object.entries(content)) {
    if (Array.isArray(value) && value.length > 0 && value.every(isMapping)) {
      errors.push({
        field: key,
        message: `is a list of ${value.length} ${value.length === 1 ? 'mapping' : 'mappings'}: this is not a Docker Cloud stack file, where every top-level key is a service mapping to its settings (it looks like the format of another tool)`,
      });
    }
  }
  if (errors.length > 0) return { ok: false, errors, warnings: [] };

  const env = opts.env ?? {};
  const state: Interpolation = { env, unset: new Map(), problems: [] };
  const services: StackFileService[] = [];
  const warnings: StackFileWarning[] = [];
  for (const [name, value] of Object.entries(content)) {
    if (value === null) {
      errors.push({ field: name, message: 'has no settings: a service needs at least an image' });
      continue;
    }
    if (!isMapping(value)) {
      errors.push({
        field: name,
        message: `must be a mapping of keys to values (a service), not ${typeName(value)} (${show(value)})`,
      });
      continue;
    }
    if ('name' in value && value['name'] !== name && value['name'] !== null) {
      errors.push({
        field: `${name}.name`,
        message: `${show(value['name'])} differs from the service's key "${name}": in a stack file the key names the service`,
      });
      continue;
    }
    const before = state.problems.length;
    const unsetBefore = state.unset.size;
    const body = interpolateValue(value, '', state) as Record<string, unknown>;
    for (const p of state.problems.slice(before)) errors.push({ field: `${name}.${p.at}`, message: p.message });
    for (const [variable, at] of [...state.unset].slice(unsetBefore))
      warnings.push({
        service: name,
        key: at,
        message: `the ${variable} variable is not set: it is replaced by an empty string`,
      });
    if ('environment' in body) body['environment'] = injectEnvironment(body['environment'], env);
    // The CLI names each service after its key, overriding any "name" inside.
    delete body['name'];
    services.push({ name, body: { ...body, name } });
  }
  if (errors.length > 0) return { ok: false, errors, warnings };
  return { ok: true, value: services, warnings };
}

/** A service issue as a stack-file path: `web.ports[0]`, `web` for the service itself. */
export function stackFileField(issue: ServiceIssue, services: readonly StackFileService[]): string {
  if (issue.index === undefined) return '';
  const name = services[issue.index]?.name ?? `services[${issue.index}]`;
  if (issue.at === '') return name;
  return issue.at.startsWith('[') ? `${name}${issue.at}` : `${name}.${issue.at}`;
}

/** A flat stack file's services as specs, converted exactly as a request from the docker-cloud CLI. */
export function parseStackFile(
  text: string,
  opts: StackFileOptions = {},
): Checked<ServiceSpec[]> & { warnings: StackFileWarning[] } {
  const read = readStackFile(text, opts);
  if (!read.ok) return read;
  const converted = convertServices(read.value.map((s) => s.body));
  if (converted.ok) return { ok: true, value: converted.value, warnings: read.warnings };
  return {
    ok: false,
    errors: converted.errors.map((issue) => ({ field: stackFileField(issue, read.value), message: issue.message })),
    warnings: read.warnings,
  };
}
