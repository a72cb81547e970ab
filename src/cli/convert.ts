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
import { isDns1123Label, toDns1123Label } from '../model/service-names.ts';
import { convertServices, type ServiceIssue } from '../model/service-request.ts';
import { API_VERSION, KIND, type ServiceSpec, type Stack, StackName } from '../model/stack.ts';
import { readStackFile, type StackFileService } from '../model/stackfile.ts';
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
}

export type ConvertResult =
  | { ok: true; manifest: string; warnings: string[] }
  | { ok: false; errors: string[]; warnings: string[] };

/** The stack's name: --name, or the first file's base name made a DNS-1123 label (docker-cloud.yml -> docker-cloud). */
function stackName(
  files: readonly StackFileInput[],
  given: string | undefined,
): { ok: true; name: string } | { ok: false; error: string } {
  if (given !== undefined) {
    if (StackName.safeParse(given).success) return { ok: true, name: given };
    const suggestion = toDns1123Label(given);
    return {
      ok: false,
      error: `--name "${given}" is not a valid stack name: it must be a DNS-1123 label${suggestion === '' ? '' : `, such as "${suggestion}"`}`,
    };
  }
  const first = files[0]?.path ?? '';
  const derived = toDns1123Label(basename(first).replace(/\.(ya?ml)$/i, ''));
  if (derived === '') return { ok: false, error: `cannot make a stack name of "${basename(first)}": give one with --name` };
  return { ok: true, name: derived };
}

function describeIssue(issue: ServiceIssue, origin: { path: string; service: StackFileService } | undefined): string {
  if (origin === undefined) return issue.at === '' ? issue.message : `${issue.at}: ${issue.message}`;
  const where = `${origin.path}: service "${origin.service.name}"`;
  return issue.at === '' ? `${where}: ${issue.message}` : `${where}: ${issue.at}: ${issue.message}`;
}

/**
 * Links that name something outside the files: they work once it exists in the namespace the
 * stack is created in (another stack's service, a plain Service), which a file cannot show.
 */
function outsideLinkWarnings(
  services: readonly ServiceSpec[],
  origins: readonly { path: string; service: StackFileService }[],
): string[] {
  const names = new Set(services.map((s) => s.name));
  return services.flatMap((svc, i) =>
    (svc.linkedToService ?? []).flatMap((link, j) => {
      const where = describeIssue({ at: `links[${j}]`, message: '' }, origins[i]).replace(/: $/, '');
      const [service, other] = link.toService.split('.');
      if (other !== undefined) return [`${where}: needs stack "${other}" with a service "${service}" in the namespace`];
      if (!names.has(link.toService))
        return [`${where}: "${link.toService}" is no service of these files: it must be a Service of the namespace`];
      return [];
    }),
  );
}

/** Converts the files' services into one Stack manifest, or says what stops it (naming file, service and key). */
export function convertStackFiles(files: readonly StackFileInput[], opts: ConvertOptions = {}): ConvertResult {
  const errors: string[] = [];
  const warnings: string[] = [];
  const name = stackName(files, opts.name);
  if (!name.ok) errors.push(name.error);
  if (opts.namespace !== undefined && !isDns1123Label(opts.namespace))
    errors.push(`--namespace "${opts.namespace}" is not a valid namespace: it must be a DNS-1123 label`);

  // Later files replace earlier services whole; a Map keeps each name at its first position.
  const merged = new Map<string, { path: string; service: StackFileService }>();
  for (const file of files) {
    const read = readStackFile(file.text, { env: opts.env ?? {} });
    warnings.push(...read.warnings.map((w) => `${file.path}: ${w}`));
    if (!read.ok) {
      errors.push(
        ...read.errors.map((e) => (e.field === '' ? `${file.path}: ${e.message}` : `${file.path}: ${e.field}: ${e.message}`)),
      );
      continue;
    }
    for (const service of read.value) merged.set(service.name, { path: file.path, service });
  }
  if (!name.ok || errors.length > 0) return { ok: false, errors, warnings };

  const origins = [...merged.values()];
  const converted = convertServices(origins.map((o) => o.service.body));
  if (!converted.ok) {
    return {
      ok: false,
      errors: converted.issues.map((i) => describeIssue(i, i.index === undefined ? undefined : origins[i.index])),
      warnings,
    };
  }
  warnings.push(...outsideLinkWarnings(converted.value, origins));
  warnings.push(...convertPortWarnings(converted.value, opts.env ?? {}));
  const stack: Omit<Stack, 'metadata'> & { metadata: { name: string; namespace?: string } } = {
    apiVersion: API_VERSION,
    kind: KIND,
    metadata: { name: name.name, ...(opts.namespace === undefined ? {} : { namespace: opts.namespace }) },
    spec: { ...(opts.start === true ? { desiredState: 'Running' as const } : {}), services: converted.value },
  };
  // kubectl reads YAML 1.1, where an unquoted OFF, yes or 22:22 is no string: write for it, quoting those.
  return { ok: true, manifest: stringify(stack, { version: '1.1', lineWidth: 0, aliasDuplicateObjects: false }), warnings };
}

export const CONVERT_USAGE = `usage: longshore convert FILE [FILE...] [--name NAME] [--namespace NS] [--start]

Converts Docker Cloud stack files (docker-cloud.yml, tutum.yml, flat docker-compose.yml)
into a Stack manifest on standard output, for kubectl apply -f -.

  --name NAME        the stack's name (default: the first file's name, e.g. docker-cloud)
  --namespace NS     the namespace to put in the manifest (default: none, kubectl's)
  --start            ask for the stack to run (desiredState: Running), like docker-cloud stack up
  -h, --help         this help

A service in a later file replaces the one of the same name in an earlier file. $VAR and
\${VAR} are replaced with environment variables, as the docker-cloud CLI does.`;

export interface ConvertIo {
  readFile(path: string): Promise<string>;
  env: Readonly<Record<string, string | undefined>>;
  stdout(text: string): void;
  stderr(text: string): void;
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
  });
  for (const w of result.warnings) io.stderr(`warning: ${w}\n`);
  if (!result.ok) {
    io.stderr(`${result.errors.join('\n')}\n`);
    return 1;
  }
  io.stdout(result.manifest);
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
      help: { type: 'boolean', short: 'h' },
    },
  });
}
