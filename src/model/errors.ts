// Validation errors as users read them: "where: rule", the where spelled the way the reader
// spelled their input (Docker Cloud's snake_case for the REST façade, the Stack's camelCase
// under `spec.` for Kubernetes), so a message can be acted on without knowing our internals.
import type { z } from 'zod';
import { quote } from '../util/show.ts';
import { StackSpec } from './stack.ts';

/** One refused value: `field` says where (a path in the reader's own key names), `message` the rule. */
export interface FieldError {
  field: string;
  message: string;
}

/**
 * The outcome of a conversion or validation that reports every problem, not just the first:
 * util/result.ts's Result with the list as `errors`, up to a limit. `omitted` counts problems
 * found but not kept; `incomplete` says the input was not looked at to the end (too many
 * problems already), so there may be more.
 */
export type Checked<T, E = FieldError> = { ok: true; value: T } | ({ ok: false; errors: E[] } & Unlisted);

/** Problems a bounded report leaves out. */
export interface Unlisted {
  omitted?: number;
  incomplete?: boolean;
}

/**
 * How much of a list of errors one message holds: a request is hostile input, and its errors
 * must not grow with it (100,000 bad ports must not make a 6 MB answer). The first errors are
 * listed, each cut short; the rest are counted.
 */
export const MAX_LISTED_ERRORS = 10;
const MAX_FIELD_LENGTH = 200;
const MAX_MESSAGE_LENGTH = 400;

function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 3)}...` : text;
}

/** How the keys of a path are spelled: the REST API's snake_case or the Stack resource's camelCase. */
export type NameStyle = 'api' | 'kubernetes';

/** `linkedToService` → `linked_to_service`; the API's field names are the spec's in snake_case. */
export function snakeCase(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** Joins path segments as people write them: `services[1].linkedToService[0].toService`. */
export function formatPath(segments: readonly PropertyKey[], prefix = '', nameStyle: NameStyle = 'kubernetes'): string {
  let out = prefix;
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else {
      const name = nameStyle === 'api' ? snakeCase(String(segment)) : String(segment);
      out += out === '' ? name : `.${name}`;
    }
  }
  return out;
}

/** `field: message`, one line per error, as error bodies and the CLI print them. */
export function formatFieldError(error: FieldError): string {
  return error.field === '' ? error.message : `${error.field}: ${error.message}`;
}

/**
 * The errors in one line (`a: rule; b: rule`), for an HTTP error body: at most
 * MAX_LISTED_ERRORS of them, each at most a few hundred characters, then how many more.
 */
export function formatFieldErrors(errors: readonly FieldError[], unlisted: Unlisted = {}): string {
  const listed = errors
    .slice(0, MAX_LISTED_ERRORS)
    .map((e) => formatFieldError({ field: cut(e.field, MAX_FIELD_LENGTH), message: cut(e.message, MAX_MESSAGE_LENGTH) }));
  const more = errors.length - Math.min(errors.length, MAX_LISTED_ERRORS) + (unlisted.omitted ?? 0);
  if (unlisted.incomplete === true)
    listed.push(`and ${more > 0 ? `at least ${more} ` : ''}more errors (not all were looked for)`);
  else if (more > 0) listed.push(`and ${more} more error${more === 1 ? '' : 's'}`);
  return listed.join('; ');
}

/**
 * Zod issues as field errors. Unknown keys get one error each, naming the key (zod reports
 * them together on the parent object); a missing required value says "is required" rather
 * than zod's "expected string, received undefined". Parse with `reportInput: true` so a
 * missing value can be told from a value of the wrong type.
 */
export function formatZodIssues(issues: readonly z.core.$ZodIssue[], prefix: string, nameStyle: NameStyle): FieldError[] {
  const errors: FieldError[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        errors.push({ field: formatPath([...issue.path, key], prefix, nameStyle), message: `unknown field ${quote(key)}` });
      }
      continue;
    }
    errors.push({ field: formatPath(issue.path, prefix, nameStyle), message: zodIssueMessage(issue) });
  }
  return errors;
}

/** A zod issue's rule, with "is required" for a missing value (parsed with `reportInput: true`). */
export function zodIssueMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type' && issue.input === undefined) return 'is required';
  if (issue.code === 'unrecognized_keys') return issue.keys.map((k) => `unknown field ${quote(k)}`).join(', ');
  // A record's key that breaks the key's rule: the rule, not zod's "Invalid key in record".
  if (issue.code === 'invalid_key' && issue.issues.length > 0) return issue.issues.map((i) => i.message).join('; ');
  return issue.message;
}

/** Validates a Stack's spec as the Kubernetes API will (see crd.ts), with `spec.` paths. */
export function validateStackSpec(input: unknown): Checked<StackSpec> {
  const parsed = StackSpec.safeParse(input, { reportInput: true });
  if (parsed.success) return { ok: true, value: parsed.data };
  return { ok: false, errors: formatZodIssues(parsed.error.issues, 'spec', 'kubernetes') };
}
