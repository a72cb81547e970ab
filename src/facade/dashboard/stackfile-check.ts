// What `longshore convert` and the façade's create would refuse in a stack file, each problem
// placed at the line of the key it concerns, for the dashboard's editor. The reading and the
// conversion are the model's (readStackFile, convertServices: the very path of convert and of a
// request from the docker-cloud CLI); this adds only where in the text each problem is. The
// façade's own checks of a whole spec (schema, namespace policy, links) are added by the route.
import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import { convertServices } from '../../dockercloud/service-request.ts';
import { readStackFile, type StackFileWarning, stackFileField } from '../../dockercloud/stackfile.ts';
import { STACKFILE_KEYS } from '../../dockercloud/stackfile-keys.ts';
import { type Checked, type FieldError, snakeCase } from '../../model/errors.ts';
import type { ServiceSpec } from '../../model/stack.ts';

/**
 * The stack-file key of a spec field, in either spelling (`linkedToService`,
 * `linked_to_service` → `links`): whole-spec errors name fields, the editor shows keys.
 */
const KEY_OF_FIELD = new Map<string, string>();
for (const [key, handler] of Object.entries(STACKFILE_KEYS)) {
  if (KEY_OF_FIELD.has(handler.field)) continue;
  KEY_OF_FIELD.set(handler.field, key);
  KEY_OF_FIELD.set(snakeCase(handler.field), key);
}

export interface PlacedProblem {
  /** Where, in the file's own keys (`web.ports[0]`); empty for the file as a whole. */
  key: string;
  /** 1-based line of that key in the text, when it can be found. */
  line: number | null;
  message: string;
}

export interface CheckedStackFile {
  /** The services as the docker-cloud CLI sends them: the body of a create or an update. */
  services: Record<string, unknown>[];
  specs: ServiceSpec[];
}

export type StackFileCheck = Checked<CheckedStackFile, PlacedProblem> & { warnings: string[] };

/** A reading warning as convert prints it, without the file: `service "web": key: message`. */
function warningText(w: StackFileWarning): string {
  return [w.service === undefined ? '' : `service "${w.service}"`, w.key ?? '', w.message].filter((p) => p !== '').join(': ');
}

export function checkStackFile(text: string): StackFileCheck {
  const read = readStackFile(text);
  const warnings = read.warnings.map(warningText);
  const place = placer(text);
  if (!read.ok) return { ok: false, errors: read.errors.map((e) => place(e)), warnings };
  const converted = convertServices(read.value.map((s) => s.body));
  if (!converted.ok) {
    return {
      ok: false,
      errors: converted.errors.map((issue) => place({ field: stackFileField(issue, read.value), message: issue.message })),
      warnings,
    };
  }
  return { ok: true, value: { services: read.value.map((s) => s.body), specs: converted.value }, warnings };
}

/**
 * Field errors about a whole spec (`spec.services[1].image`, a policy's `services[1] (web).privileged`)
 * placed in the file: the service index becomes its name, the rest is looked up as written.
 */
export function placeSpecErrors(
  text: string,
  services: readonly { name: string }[],
  errors: readonly FieldError[],
): PlacedProblem[] {
  const place = placer(text);
  return errors.map((e) => {
    const m = /^(?:spec\.)?services\[(\d+)\](?: \([^)]*\))?\.?(.*)$/.exec(e.field);
    const name = m === null ? undefined : services[Number(m[1])]?.name;
    if (m === null || name === undefined) return place(e);
    const rest = m[2] ?? '';
    // A field the file spells differently is placed at its key (the list items may differ:
    // ports and expose fill one field).
    const field = /^[A-Za-z_]+/.exec(rest)?.[0] ?? '';
    const key = KEY_OF_FIELD.get(field);
    const where = key !== undefined ? key : rest;
    return place({
      field: where === '' ? name : where.startsWith('[') ? `${name}${where}` : `${name}.${where}`,
      message: e.message,
    });
  });
}

/** Places field errors in `text`: the line of the deepest key of the path that the file has. */
function placer(text: string): (e: FieldError) => PlacedProblem {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: false });
  return (e) => {
    const yamlLine = /at line (\d+)/.exec(e.message)?.[1];
    if (e.field === '') return { key: '', line: yamlLine === undefined ? null : Number(yamlLine), message: e.message };
    const offset = offsetOf(doc.contents, pathSegments(e.field));
    return { key: e.field, line: offset === undefined ? null : lines.linePos(offset).line, message: e.message };
  };
}

/** `web.ports[0].x` → ['web', 'ports', 0, 'x']. */
export function pathSegments(field: string): (string | number)[] {
  const out: (string | number)[] = [];
  for (const part of field.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) out.push(part[2] !== undefined ? Number(part[2]) : (part[1] ?? ''));
  return out;
}

/** The text offset of the deepest key (or list item) along `path`. */
function offsetOf(root: Node | null, path: readonly (string | number)[]): number | undefined {
  let node: unknown = root;
  let found: number | undefined;
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(segment));
      if (pair === undefined || !isScalar(pair.key)) break;
      found = pair.key.range?.[0] ?? found;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment] as Node | undefined;
      if (item === undefined) break;
      found = item.range?.[0] ?? found;
      node = item;
    } else {
      break;
    }
  }
  return found;
}
