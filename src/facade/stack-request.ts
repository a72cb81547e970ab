// The bodies of create (POST) and update (PATCH), checked field by field. Services come in
// either shape the clients send (API fields, or the CLI's stack-file keys): the model's
// servicesFromRequest converts and validates both. Every mistake is a 400 naming the field.

import { servicesFromRequest } from '../dockercloud/service-request.ts';
import { formatFieldErrors, formatZodIssues } from '../model/errors.ts';
import { Nickname, type ServiceSpec, StackName } from '../model/stack.ts';
import { quote } from '../util/show.ts';
import { badRequest } from './errors.ts';

export interface CreateRequest {
  name: string;
  nickname?: string;
  services: ServiceSpec[];
}

export interface UpdateRequest {
  /** Replaces every service when present. */
  services?: ServiceSpec[];
  /** A new nickname; null goes back to the default (the name). */
  nickname?: string | null;
}

const CREATE_FIELDS = ['name', 'nickname', 'services'];

export function parseCreateRequest(body: unknown): CreateRequest {
  const fields = asObject(body ?? {});
  rejectUnknown(fields, CREATE_FIELDS);
  const name = fields['name'];
  if (name === undefined || name === null || name === '')
    throw badRequest('name: required (a DNS-1123 label such as "my-stack")');
  if (typeof name !== 'string') throw badRequest(`name: must be a string, got ${typeName(name)}`);
  const checked = StackName.safeParse(name);
  if (!checked.success) throw badRequest(formatFieldErrors(formatZodIssues(checked.error.issues, 'name', 'api')));
  const nickname = parseNickname(fields['nickname']);
  return {
    name,
    ...(typeof nickname === 'string' ? { nickname } : {}),
    services: fields['services'] === undefined ? [] : parseServices(fields['services']),
  };
}

export function parseUpdateRequest(body: unknown, currentName: string): UpdateRequest {
  const fields = asObject(body ?? {});
  rejectUnknown(fields, CREATE_FIELDS);
  const name = fields['name'];
  if (name !== undefined && name !== currentName) {
    throw badRequest(`name: a stack cannot be renamed (it is "${currentName}"; the name is its Kubernetes object name)`);
  }
  const out: UpdateRequest = {};
  if ('nickname' in fields) out.nickname = parseNickname(fields['nickname']) ?? null;
  if (fields['services'] !== undefined) out.services = parseServices(fields['services']);
  return out;
}

/**
 * `services` as given: a list, `[]` for none. Anything else is refused before it is read, null
 * included: JSON merge patch would read `"services": null` as "remove every service" of a
 * running stack, and Docker Cloud's create took a list or nothing. (Leaving the key out is
 * "no services" on create and "unchanged" on update.)
 */
function parseServices(services: unknown): ServiceSpec[] {
  if (!Array.isArray(services)) {
    throw badRequest(`services: must be a list of services ([] for none), not ${typeName(services)}`);
  }
  const result = servicesFromRequest(services);
  if (!result.ok) throw badRequest(formatFieldErrors(result.errors, result));
  return result.value;
}

/** A nickname, by the spec's rule (length, no control characters); null and absent are undefined. */
function parseNickname(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw badRequest(`nickname: must be a string, got ${typeName(value)}`);
  const checked = Nickname.safeParse(value);
  if (!checked.success) throw badRequest(formatFieldErrors(formatZodIssues(checked.error.issues, 'nickname', 'api')));
  return value;
}

function asObject(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw badRequest(`the request body must be a JSON object, got ${typeName(body)}`);
  }
  return body as Record<string, unknown>;
}

/** Unknown keys are refused, the first few named (short), the rest counted. */
function rejectUnknown(fields: Record<string, unknown>, known: string[]): void {
  const unknown = Object.keys(fields).filter((k) => !known.includes(k));
  if (unknown.length > 0) {
    const named = unknown.slice(0, MAX_NAMED_FIELDS).map(quote).join(', ');
    const more = unknown.length > MAX_NAMED_FIELDS ? ` and ${unknown.length - MAX_NAMED_FIELDS} more` : '';
    throw badRequest(`unknown field${unknown.length > 1 ? 's' : ''} ${named}${more}: a stack takes ${known.join(', ')}`);
  }
}

const MAX_NAMED_FIELDS = 5;

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}
