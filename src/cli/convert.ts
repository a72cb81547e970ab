// `longshore convert`: stack files in, a Stack manifest out, for `kubectl apply -f -`.
//
// The files are read as the docker-cloud CLI reads them (`docker-cloud stack create -f a.yml
// -f b.yml`): each interpolated with the caller's environment, a service of a later file
// replacing the one of the same name from an earlier file whole. The services then go
// through the very conversion the REST façade applies to a request from that CLI, so a file
// that converts here is accepted there, and the other way round.
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import { isDns1123Label, toDns1123Label } from '../dockercloud/service-names.ts';
import { type ConvertedServices, convertServices, type ServiceIssue } from '../dockercloud/service-request.ts';
import { readStackFile, type StackFileService } from '../dockercloud/stackfile.ts';
import { type Checked, formatFieldError } from '../model/errors.ts';
import { API_VERSION, KIND, type ServiceSpec, type Stack, StackName, type StackSpec } from '../model/stack.ts';
import {
  DEFAULT_POD_SECURITY_LEVEL,
  defaultTranslateOptions,
  isPodSecurityLevel,
  POD_SECURITY_ENFORCE_LABEL,
  POD_SECURITY_LEVELS,
  type PodSecurityLevel,
  policyProblems,
  stackWarnings,
} from '../translate/index.ts';
import { fail, ok, type Result } from '../util/result.ts';
import { convertPortWarnings } from './port-warnings.ts';

export interface StackFileInput {
  path: string;
  text: string;
}

export interface ConvertOptions {
  name?: string;
  namespace?: string;
  /** Sets desiredState: Running, as `docker-cloud stack up` creates and starts. */
  start?: boolean;
  env?: Readonly<Record<string, string | undefined>>;
  /**
   * The Pod Security level of the namespace the stack is meant for, as the controller and the
   * façade will enforce it (DEFAULT_POD_SECURITY_LEVEL by default): a service beyond it is refused.
   */
  podSecurityLevel?: PodSecurityLevel;
}

/**
 * Something the user must know about a file that converts: where (the file, and the service
 * and the key as the file writes them, when there are), and what. Every source of warnings
 * (reading the file, the conversion, what the spec cannot know) gives this one shape.
 */
export interface ConvertWarning {
  file: string;
  service?: string;
  key?: string;
  message: string;
}

/** `a.yml: service "web": links[0]: message`, as convert prints a warning after "warning: ". */
export function formatWarning(w: ConvertWarning): string {
  const where = [w.file, w.service === undefined ? '' : `service "${w.service}"`, w.key ?? ''].filter((s) => s !== '');
  return [...where, w.message].join(': ');
}

/** The Stack manifest (YAML), or every error; the warnings either way. */
export type ConvertResult = Checked<string, string> & {
  warnings: ConvertWarning[];
  /** A refusal by the Pod Security level only: another level would take the services. */
  refusedByPolicy?: boolean;
};

/** The stack's name: --name, or the first file's base name made a DNS-1123 label (docker-cloud.yml -> docker-cloud). */
function stackName(files: readonly StackFileInput[], given: string | undefined): Result<string> {
  if (given !== undefined) {
    if (StackName.safeParse(given).success) return ok(given);
    const suggestion = toDns1123Label(given);
    return fail(
      `--name "${given}" is not a valid stack name: it must be a DNS-1123 label${suggestion === '' ? '' : `, such as "${suggestion}"`}`,
    );
  }
  const first = files[0]?.path ?? '';
  const derived = toDns1123Label(basename(first).replace(/\.(ya?ml)$/i, ''));
  if (derived === '') return fail(`cannot make a stack name of "${basename(first)}": give one with --name`);
  return ok(derived);
}

interface Origin {
  path: string;
  service: StackFileService;
}

/** `bindings[0].hostPath` → `['bindings', 0, 'hostPath']`: a spec field as a path. */
function specPath(field: string): (string | number)[] {
  return [...field.matchAll(/([^.[\]]+)|\[(\d+)\]/g)].map(([, key, index]) => (index !== undefined ? Number(index) : key!));
}

/**
 * Problems and warnings of the spec (service name, spec field) where the file wrote them: the
 * file, the service as the file names it, the key as the file spells it (`volumes[0]`).
 */
function locate(
  converted: ConvertedServices,
  origins: readonly Origin[],
): (p: { service: string; field: string; message: string }) => ConvertWarning {
  return (p) => {
    const index = converted.value.findIndex((s) => s.name === p.service);
    const origin = origins[index];
    if (origin === undefined) return { file: origins[0]?.path ?? '', message: `${p.field}: ${p.message}` };
    const at = p.field === '' ? '' : (converted.originOf[index]?.(specPath(p.field)).at ?? p.field);
    return { file: origin.path, service: origin.service.name, ...(at === '' ? {} : { key: at }), message: p.message };
  };
}

/**
 * Services that say nothing of restarting: Docker Cloud's default was OFF (a container that
 * exits stays stopped); Longshore's is to restart them (a Deployment), as Kubernetes users
 * expect of servers, unless they ask for autodestroy (then they run once). One warning per
 * file, naming them, so that a one-shot (`certonly`, `/bin/true`) can be given `restart: no`.
 */
function defaultRestartWarnings(services: readonly ServiceSpec[], origins: readonly Origin[]): ConvertWarning[] {
  const byFile = new Map<string, string[]>();
  services.forEach((svc, i) => {
    if (svc.autorestart !== undefined || (svc.autodestroy !== undefined && svc.autodestroy !== 'OFF')) return;
    const origin = origins[i];
    if (origin !== undefined) byFile.set(origin.path, [...(byFile.get(origin.path) ?? []), origin.service.name]);
  });
  return [...byFile].map(([file, names]) => ({
    file,
    message: `${names.map((n) => `"${n}"`).join(', ')} set no restart policy: Docker Cloud did not restart their containers (autorestart OFF by default); Longshore restarts them (ALWAYS). Give a service that runs once \`restart: no\` (or \`on-failure\`)`,
  }));
}

/**
 * Links that name something outside the files: they work once it exists in the namespace the
 * stack is created in (another stack's service, a plain Service), which a file cannot show.
 */
function outsideLinkWarnings(converted: ConvertedServices, origins: readonly Origin[]): ConvertWarning[] {
  const names = new Set(converted.value.map((s) => s.name));
  const at = locate(converted, origins);
  return converted.value.flatMap((svc) =>
    (svc.linkedToService ?? []).flatMap((link, j) => {
      const field = `linkedToService[${j}]`;
      const [service, other] = link.toService.split('.');
      if (other !== undefined)
        return [at({ service: svc.name, field, message: `needs stack "${other}" with a service "${service}" in the namespace` })];
      if (!names.has(link.toService))
        return [
          at({
            service: svc.name,
            field,
            message: `"${link.toService}" is no service of these files: it must be a Service of the namespace`,
          }),
        ];
      return [];
    }),
  );
}

/** A conversion issue (a problem or a warning of one service) where the file wrote it. */
function fromIssue(issue: ServiceIssue, origins: readonly Origin[]): ConvertWarning {
  const origin = issue.index === undefined ? undefined : origins[issue.index];
  if (origin === undefined)
    return { file: origins[0]?.path ?? '', message: issue.at === '' ? issue.message : `${issue.at}: ${issue.message}` };
  return {
    file: origin.path,
    service: origin.service.name,
    ...(issue.at === '' ? {} : { key: issue.at }),
    message: issue.message,
  };
}

/**
 * Warnings in the order of what they are about: by file, by service in the stack, by key as
 * the service writes them, by item (`links[0]` before `links[1]`); found first, first among equals.
 */
function inFileOrder(
  warnings: readonly ConvertWarning[],
  files: readonly StackFileInput[],
  origins: readonly Origin[],
): ConvertWarning[] {
  const rank = (w: ConvertWarning): number[] => {
    const service = origins.findIndex((o) => o.path === w.file && o.service.name === w.service);
    const keys = service < 0 ? [] : Object.keys(origins[service]!.service.body);
    const key = keys.indexOf(/^[^.[]*/.exec(w.key ?? '')?.[0] ?? '');
    const items = [...(w.key ?? '').matchAll(/\[(\d+)\]/g)].map((m) => Number(m[1]));
    return [
      files.findIndex((f) => f.path === w.file),
      w.service === undefined ? -1 : service < 0 ? origins.length : service,
      key,
      ...items,
    ];
  };
  const compare = (a: number[], b: number[]) => {
    for (let i = 0; i < Math.max(a.length, b.length); i++) if ((a[i] ?? -1) !== (b[i] ?? -1)) return (a[i] ?? -1) - (b[i] ?? -1);
    return 0;
  };
  return warnings
    .map((w, order) => ({ w, order, rank: rank(w) }))
    .sort((a, b) => compare(a.rank, b.rank) || a.order - b.order)
    .map((x) => x.w);
}

/**
 * Converts the files' services into one Stack manifest, or says what stops it (naming file,
 * service and key). What the controller and the façade would refuse under the Pod Security
 * level given (a host path, host networking, a privileged container) is refused here too.
 */
export function convertStackFiles(files: readonly StackFileInput[], opts: ConvertOptions = {}): ConvertResult {
  const errors: string[] = [];
  const warnings: ConvertWarning[] = [];
  const name = stackName(files, opts.name);
  if (!name.ok) errors.push(name.error);
  if (opts.namespace !== undefined && !isDns1123Label(opts.namespace))
    errors.push(`--namespace "${opts.namespace}" is not a valid namespace: it must be a DNS-1123 label`);

  // Later files replace earlier services whole; a Map keeps each name at its first position.
  const merged = new Map<string, Origin>();
  for (const file of files) {
    const read = readStackFile(file.text, { env: opts.env ?? {} });
    warnings.push(...read.warnings.map((w) => ({ file: file.path, ...w })));
    if (!read.ok) {
      errors.push(...read.errors.map((e) => `${file.path}: ${formatFieldError(e)}`));
      continue;
    }
    for (const service of read.value) merged.set(service.name, { path: file.path, service });
  }
  if (!name.ok || errors.length > 0) return { ok: false, errors, warnings: inFileOrder(warnings, files, []) };

  const origins = [...merged.values()];
  const converted = convertServices(origins.map((o) => o.service.body));
  warnings.push(...(converted.warnings ?? []).map((w) => fromIssue(w, origins)));
  if (!converted.ok) {
    return {
      ok: false,
      errors: converted.errors.map((i) => formatWarning(fromIssue(i, origins))),
      warnings: inFileOrder(warnings, files, origins),
    };
  }
  const at = locate(converted, origins);
  warnings.push(
    ...outsideLinkWarnings(converted, origins),
    ...stackWarnings({ services: converted.value }).map(at),
    ...convertPortWarnings(converted.value, opts.env ?? {}).map(at),
    ...defaultRestartWarnings(converted.value, origins),
  );
  const sorted = inFileOrder(warnings, files, origins);

  const spec: StackSpec = { ...(opts.start === true ? { desiredState: 'Running' as const } : {}), services: converted.value };
  const level = opts.podSecurityLevel ?? DEFAULT_POD_SECURITY_LEVEL;
  const refused = policyProblems(spec, defaultTranslateOptions, {
    namespace: opts.namespace ?? '',
    name: name.value,
    podSecurityLevel: level,
  });
  if (refused.length > 0)
    return {
      ok: false,
      errors: inFileOrder(refused.map(at), files, origins).map(formatWarning),
      warnings: sorted,
      refusedByPolicy: true,
    };

  const stack: Omit<Stack, 'metadata'> & { metadata: { name: string; namespace?: string } } = {
    apiVersion: API_VERSION,
    kind: KIND,
    metadata: { name: name.value, ...(opts.namespace === undefined ? {} : { namespace: opts.namespace }) },
    spec,
  };
  // kubectl reads YAML 1.1, where an unquoted OFF, yes or 22:22 is no string: write for it, quoting those.
  return {
    ok: true,
    value: stringify(stack, { version: '1.1', lineWidth: 0, aliasDuplicateObjects: false }),
    warnings: sorted,
  };
}

export const CONVERT_USAGE = `usage: longshore convert FILE [FILE...] [--name NAME] [--namespace NS] [--start]
                        [--pod-security-level LEVEL]

Converts Docker Cloud stack files (docker-cloud.yml, tutum.yml, flat docker-compose.yml)
into a Stack manifest on standard output, for kubectl apply -f -.

  --name NAME        the stack's name (default: the first file's name, e.g. docker-cloud)
  --namespace NS     the namespace to put in the manifest (default: none, kubectl's)
  --start            ask for the stack to run (desiredState: Running), like docker-cloud stack up
  --pod-security-level LEVEL
                     the Pod Security level of the namespace the stack is for: privileged,
                     baseline or restricted (default: $LONGSHORE_POD_SECURITY_DEFAULT, else
                     baseline, as Longshore's); services beyond it are refused, as Longshore
                     would refuse them
  -h, --help         this help

A service in a later file replaces the one of the same name in an earlier file. $VAR and
\${VAR} are replaced with environment variables, as the docker-cloud CLI does. Warnings go
to standard error. Exit codes: 0 converted (warnings or not), 1 refused (nothing written
to standard output), 2 wrong usage.`;

export interface ConvertIo {
  readFile(path: string): Promise<string>;
  env: Readonly<Record<string, string | undefined>>;
  stdout(text: string): void;
  stderr(text: string): void;
}

/** The level from --pod-security-level, else LONGSHORE_POD_SECURITY_DEFAULT, else the operator's default. */
function podSecurityLevel(
  given: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
): Result<PodSecurityLevel> {
  const fromEnv = env['LONGSHORE_POD_SECURITY_DEFAULT'];
  const [what, value] =
    given !== undefined
      ? ['--pod-security-level', given]
      : fromEnv !== undefined && fromEnv !== ''
        ? ['LONGSHORE_POD_SECURITY_DEFAULT', fromEnv]
        : ['', DEFAULT_POD_SECURITY_LEVEL];
  if (isPodSecurityLevel(value)) return ok(value);
  return fail(`${what} "${value}" is not a Pod Security level: use ${POD_SECURITY_LEVELS.join(', ')}`);
}

/** Runs `longshore convert ARGS`; returns the exit code (0 converted, 1 refused input, 2 wrong usage). */
export async function runConvert(args: readonly string[], io: ConvertIo): Promise<number> {
  let parsed: ReturnType<typeof parseConvertArgs>;
  try {
    parsed = parseConvertArgs(args);
  } catch (err) {
    io.stderr(`longshore convert: ${(err as Error).message}\n${CONVERT_USAGE}\n`);
    return 2;
  }
  if (parsed.values.help === true) {
    io.stdout(`${CONVERT_USAGE}\n`);
    return 0;
  }
  if (parsed.positionals.length === 0) {
    io.stderr(`longshore convert: no stack file given\n${CONVERT_USAGE}\n`);
    return 2;
  }
  const level = podSecurityLevel(parsed.values['pod-security-level'], io.env);
  if (!level.ok) {
    io.stderr(`longshore convert: ${level.error}\n`);
    return 2;
  }
  const files: StackFileInput[] = [];
  const unreadable: string[] = [];
  for (const path of parsed.positionals) {
    try {
      files.push({ path, text: await io.readFile(path) });
    } catch (err) {
      unreadable.push(`${path}: cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  }
  if (unreadable.length > 0) {
    io.stderr(`${unreadable.join('\n')}\n`);
    return 1;
  }
  const result = convertStackFiles(files, {
    name: parsed.values.name,
    namespace: parsed.values.namespace,
    start: parsed.values.start,
    env: io.env,
    podSecurityLevel: level.value,
  });
  for (const w of result.warnings) io.stderr(`warning: ${formatWarning(w)}\n`);
  if (!result.ok) {
    io.stderr(`${result.errors.join('\n')}\n`);
    if (result.refusedByPolicy === true)
      io.stderr(
        `(checked against Pod Security level "${level.value}", as Longshore would check a namespace without the ${POD_SECURITY_ENFORCE_LABEL} label; ` +
          `give the level of the namespace the stack is for with --pod-security-level)\n`,
      );
    return 1;
  }
  io.stdout(result.value);
  return 0;
}

function parseConvertArgs(args: readonly string[]) {
  return parseArgs({
    args: [...args],
    allowPositionals: true,
    strict: true,
    options: {
      name: { type: 'string' },
      namespace: { type: 'string' },
      start: { type: 'boolean' },
      'pod-security-level': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}
