// The Stack resource: spec and status as zod schemas, the one source of truth for the
// TypeScript types, the CRD's OpenAPI schema (see crd.ts) and request validation.
//
// Field names are Docker Cloud's service parameters in Kubernetes camelCase. Fields stay
// absent when the user did not set them (no defaults are written into the stored spec), so
// that conversions back to the API and the stack file give back exactly what was sent;
// defaults are applied where the spec is read (src/model/defaults.ts).
import { z } from 'zod';

export const GROUP = 'longshore.io';
export const VERSION = 'v1alpha1';
export const KIND = 'Stack';
export const PLURAL = 'stacks';
export const API_VERSION = `${GROUP}/${VERSION}`;

/** A DNS-1123 label: what Kubernetes accepts as a Deployment's or a Service's name. */
export const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const dns1123Label = z
  .string()
  .max(63, 'must be at most 63 characters (a DNS-1123 label)')
  .regex(
    DNS1123_LABEL,
    'must be a DNS-1123 label: lowercase letters, digits and "-", starting and ending with a letter or digit',
  );

// Control characters (C0, DEL and C1: what Unicode calls Cc) have no place in a name, an image,
// a path or any other identifier: a NUL cuts a string short in C, a newline forges log lines
// and breaks the files (/etc/hosts, resolv.conf) such values are written to. The same pattern
// goes into the CRD (Go's regexp reads \xNN as the code point, as JavaScript does), so the
// Kubernetes API and the façade refuse the same values. A zod string carries one pattern at
// most (two become an allOf, which a structural schema cannot hold): rules that already have
// a pattern fold the control characters into it.
//
// Free text that goes to a process (commands, environment values, label values) may hold any
// character a container accepts, tab and newline included, except NUL: execve() and the
// environment block are NUL-terminated, so a NUL could only be cut off or refused.
const CONTROL = String.raw`\x00-\x1f\x7f-\x9f`;
export const NO_CONTROL_CHARACTERS = new RegExp(`^[^${CONTROL}]*$`);
const CONTROL_MESSAGE = 'must not contain control characters (NUL, tab, newline, ...)';
// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing NUL is the point of this pattern
export const NO_NUL = /^[^\x00]*$/;
const NUL_MESSAGE = 'must not contain NUL characters (a process cannot be given them)';

/** Text without control characters, for names and other identifier-like values. */
const identifierText = (max: number) => z.string().max(max).regex(NO_CONTROL_CHARACTERS, CONTROL_MESSAGE);
/** Free text for a process: anything but NUL. */
const processText = (max: number) => z.string().max(max).regex(NO_NUL, NUL_MESSAGE);
/** An absolute path without control characters. */
const absolutePath = z
  .string()
  .regex(new RegExp(`^/[^${CONTROL}]*$`), 'must be an absolute path, without control characters')
  .max(4096);

/** An environment variable name as a container runtime accepts it. */
const envName = z
  .string()
  .min(1)
  .max(253)
  .regex(new RegExp(`^[^=${CONTROL}]+$`), 'must not be empty or contain "=" or control characters');

/**
 * The most items each list of a service holds (and labels a service has). The request readers
 * check a list's length against these before reading any item, so an oversized list costs one
 * comparison, not a conversion and an error per item.
 */
export const LIST_LIMITS = {
  // At most 100 ports: the CRD checks ports for duplicates with CEL, whose estimated cost grows
  // with the square of this bound times MAX_SERVICES; 1000 exceeded the API server's budget.
  containerPorts: 100,
  containerEnvvars: 1000,
  linkedToService: 100,
  bindings: 100,
  tags: 100,
  roles: 10,
  capabilities: 64,
  dns: 3,
  dnsSearch: 6,
  extraHosts: 100,
  labels: 1000,
} as const;

export const PORT_PROTOCOLS = ['tcp', 'udp'] as const;
export const ContainerPort = z
  .object({
    protocol: z.enum(PORT_PROTOCOLS).optional().describe('tcp (default) or udp'),
    innerPort: z.int().min(1).max(65535).describe('the port the container listens on'),
    outerPort: z.int().min(1).max(65535).optional().describe('the port published outside; chosen by the cluster when absent'),
    published: z.boolean().optional().describe('whether the port is reachable from outside the cluster (default false)'),
  })
  .strict();

export const EnvVar = z.object({ key: envName, value: processText(131072) }).strict();

/** A link target: `service` (of this stack, or a Service of the namespace) or `service.stack`. */
export const LINK_TARGET = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)?$/;

export const Link = z
  .object({
    toService: z
      .string()
      .max(127)
      .regex(
        LINK_TARGET,
        'must be a service name, or "service.stack" for a service of another stack: DNS-1123 labels (at most 63 characters each) joined by one "."',
      )
      .describe(
        'a service of this stack, a Kubernetes Service of the namespace, or "service.stack" for a service of another stack',
      ),
    name: z
      .string()
      .min(1)
      .max(63)
      .regex(
        /^[A-Za-z0-9]([A-Za-z0-9_-]*[A-Za-z0-9])?$/,
        'must be letters, digits, "_" or "-", starting and ending with a letter or digit',
      )
      .optional()
      .describe('the alias the link is known by; defaults to toService'),
  })
  .strict();

export const Binding = z
  .object({
    hostPath: absolutePath.optional(),
    containerPath: absolutePath.optional(),
    rewritable: z.boolean().optional().describe('false mounts read-only (default true)'),
    volumesFrom: dns1123Label.optional().describe('a sibling service whose volumes are mounted too'),
  })
  .strict();

export const AUTORESTART = ['OFF', 'ON_FAILURE', 'ALWAYS'] as const;
export const AUTODESTROY = ['OFF', 'ON_SUCCESS', 'ALWAYS'] as const;
export const DEPLOYMENT_STRATEGIES = ['EMPTIEST_NODE', 'HIGH_AVAILABILITY', 'EVERY_NODE'] as const;
export const NET_MODES = ['bridge', 'host'] as const;
export const PID_MODES = ['none', 'host'] as const;

export const ServiceSpec = z
  .object({
    name: dns1123Label,
    image: z
      .string()
      .min(1)
      .max(1024)
      .regex(new RegExp(String.raw`^[^\s${CONTROL}]+$`), 'must not contain white space or control characters'),
    targetNumContainers: z.int().min(0).max(10000).optional().describe('default 1'),
    runCommand: processText(131072).optional().describe('the command, as Docker Cloud run_command (container args)'),
    entrypoint: processText(131072).optional(),
    containerPorts: z.array(ContainerPort).max(LIST_LIMITS.containerPorts).optional(),
    containerEnvvars: z.array(EnvVar).max(LIST_LIMITS.containerEnvvars).optional(),
    linkedToService: z.array(Link).max(LIST_LIMITS.linkedToService).optional(),
    bindings: z.array(Binding).max(LIST_LIMITS.bindings).optional(),
    autorestart: z.enum(AUTORESTART).optional(),
    autorestartRetries: z
      .int()
      .min(0)
      .max(1000000)
      .optional()
      .describe(
        'with autorestart ON_FAILURE: how many times a failed container is started again (on-failure:N); unlimited when absent',
      ),
    autodestroy: z.enum(AUTODESTROY).optional(),
    deploymentStrategy: z.enum(DEPLOYMENT_STRATEGIES).optional(),
    sequentialDeployment: z.boolean().optional(),
    privileged: z.boolean().optional(),
    workingDir: absolutePath.optional(),
    memory: z.int().min(4).max(1048576).optional().describe('memory limit in MB'),
    cpuShares: z.int().min(2).max(262144).optional().describe('relative CPU weight, 1024 = one CPU'),
    net: z.enum(NET_MODES).optional(),
    pid: z.enum(PID_MODES).optional(),
    tags: z.array(identifierText(253).min(1)).max(LIST_LIMITS.tags).optional(),
    roles: z.array(identifierText(63).min(1)).max(LIST_LIMITS.roles).optional(),
    autoredeploy: z.boolean().optional(),
    // Compose keys beyond Docker Cloud's service parameters that Kubernetes can express.
    capAdd: z
      .array(
        z
          .string()
          .max(64)
          .regex(/^[A-Z_]+$/, 'must be a capability name such as NET_ADMIN'),
      )
      .max(LIST_LIMITS.capabilities)
      .optional(),
    capDrop: z
      .array(
        z
          .string()
          .max(64)
          .regex(/^[A-Z_]+$/, 'must be a capability name such as NET_ADMIN'),
      )
      .max(LIST_LIMITS.capabilities)
      .optional(),
    dns: z.array(identifierText(253).min(1)).max(LIST_LIMITS.dns).optional(),
    dnsSearch: z.array(identifierText(253).min(1)).max(LIST_LIMITS.dnsSearch).optional(),
    extraHosts: z
      .array(
        z
          .string()
          .max(512)
          .regex(
            new RegExp(String.raw`^[^:\s${CONTROL}]+:[^\s${CONTROL}]+$`),
            'must be "hostname:ip", without white space or control characters',
          ),
      )
      .max(LIST_LIMITS.extraHosts)
      .optional(),
    // Label keys: the CRD cannot say their rules (a structural schema takes no propertyNames),
    // so the keys' length and characters are checked in process only; the number of labels is
    // in both.
    labels: z
      .record(identifierText(317), processText(4096))
      .refine((labels) => Object.keys(labels).length <= LIST_LIMITS.labels, `must have at most ${LIST_LIMITS.labels} labels`)
      .meta({ maxProperties: LIST_LIMITS.labels })
      .optional(),
    user: z
      .string()
      .regex(/^\d+(:\d+)?$/, 'must be a numeric "uid" or "uid:gid" (Kubernetes cannot run as a user name)')
      .optional(),
    hostname: dns1123Label.optional(),
    readOnly: z.boolean().optional(),
    stdinOpen: z.boolean().optional(),
    tty: z.boolean().optional(),
  })
  .strict();

/** What the user wants the stack to be; absent means never started (Not Running). */
export const DESIRED_STATES = ['Running', 'Stopped', 'Terminated'] as const;

/** Services a stack may have (and so spec.redeploy.services may name). */
export const MAX_SERVICES = 100;

export const Redeploy = z
  .object({
    revision: z.int().min(0).describe('bump to redeploy every service with fresh containers'),
    volumesRevision: z
      .int()
      .min(0)
      .optional()
      .describe('set to the new revision to redeploy with fresh volumes (reuse_volumes=false)'),
    services: z
      .record(dns1123Label, z.int().min(0))
      .optional()
      .meta({ maxProperties: MAX_SERVICES })
      .describe('by service name: bump one to redeploy that service alone with fresh containers (a REDEPLOY trigger)'),
  })
  .strict()
  // A volumes revision names a redeploy that happened or is happening; one ahead of the
  // revision would never be reached. The CRD says the same with CEL (crd.ts).
  .refine((r) => r.volumesRevision === undefined || r.volumesRevision <= r.revision, {
    path: ['volumesRevision'],
    message: 'must not be greater than revision',
  })
  .refine((r) => Object.keys(r.services ?? {}).length <= MAX_SERVICES, {
    path: ['services'],
    message: `must name at most ${MAX_SERVICES} services`,
  });

/** What a stack is shown as; defaults to its name. */
export const Nickname = identifierText(253);

export const StackSpec = z
  .object({
    nickname: Nickname.optional(),
    desiredState: z.enum(DESIRED_STATES).optional(),
    redeploy: Redeploy.optional(),
    services: z.array(ServiceSpec).max(MAX_SERVICES),
  })
  .strict()
  .superRefine((spec, ctx) => {
    for (const issue of crossServiceIssues(spec)) ctx.addIssue({ code: 'custom', ...issue });
  });

export type ContainerPort = z.infer<typeof ContainerPort>;
export type EnvVar = z.infer<typeof EnvVar>;
export type Link = z.infer<typeof Link>;
export type Binding = z.infer<typeof Binding>;
export type ServiceSpec = z.infer<typeof ServiceSpec>;
export type StackSpec = z.infer<typeof StackSpec>;
export type DesiredState = (typeof DESIRED_STATES)[number];

/**
 * Rules that span services: unique names, volumes_from naming a sibling, bindings' shapes,
 * ports listed once. Links may name what lies outside the stack (another stack's service, a
 * Service of the namespace): whether that exists is known only where the namespace is, so the
 * façade and the controller check it. Plain JSON schema cannot say these; the CRD says them with
 * CEL (crd.ts) and this function says them for everything validated in process.
 */
export function crossServiceIssues(spec: Pick<StackSpec, 'services'>): { path: (string | number)[]; message: string }[] {
  const issues: { path: (string | number)[]; message: string }[] = [];
  const names = new Set<string>();
  spec.services.forEach((svc, i) => {
    if (names.has(svc.name))
      issues.push({
        path: ['services', i, 'name'],
        message: `duplicate service name "${svc.name}": service names must be unique in a stack`,
      });
    names.add(svc.name);
  });
  spec.services.forEach((svc, i) => {
    if (svc.autorestartRetries !== undefined && svc.autorestart !== 'ON_FAILURE')
      issues.push({
        path: ['services', i, 'autorestartRetries'],
        message: 'a retry limit needs autorestart ON_FAILURE (only a failed container is started again)',
      });
    svc.bindings?.forEach((b, j) => {
      if (b.volumesFrom !== undefined && !names.has(b.volumesFrom))
        issues.push({
          path: ['services', i, 'bindings', j, 'volumesFrom'],
          message: `takes volumes from "${b.volumesFrom}", which is not a service of this stack`,
        });
      if (b.volumesFrom === undefined && b.containerPath === undefined)
        issues.push({ path: ['services', i, 'bindings', j], message: 'a binding needs containerPath or volumesFrom' });
      if (b.volumesFrom !== undefined && (b.containerPath !== undefined || b.hostPath !== undefined))
        issues.push({
          path: ['services', i, 'bindings', j],
          message: 'a binding with volumesFrom takes no containerPath or hostPath',
        });
    });
    // One container port may be published on several outer ports ("80:80" and "8080:80"), as
    // Docker allowed; the same container port with the same outer port (or none) twice is a
    // repetition.
    const ports = new Set<string>();
    svc.containerPorts?.forEach((p, j) => {
      const key = `${p.innerPort}/${p.protocol ?? 'tcp'}`;
      const full = `${key}:${p.outerPort ?? ''}`;
      if (ports.has(full))
        issues.push({
          path: ['services', i, 'containerPorts', j],
          message:
            p.outerPort === undefined
              ? `port ${key} is listed twice`
              : `port ${key} is listed twice with outer port ${p.outerPort}`,
        });
      ports.add(full);
    });
  });
  return issues;
}

// ---------------------------------------------------------------------------------------
// Status, written by the controller only.

export const STACK_STATES = [
  'Not Running',
  'Starting',
  'Running',
  'Partly running',
  'Stopping',
  'Stopped',
  'Redeploying',
  'Terminating',
  'Terminated',
] as const;
export type StackState = (typeof STACK_STATES)[number];

export const SERVICE_STATES = [
  'Not running',
  'Starting',
  'Running',
  'Partly running',
  'Scaling',
  'Redeploying',
  'Stopping',
  'Stopped',
  'Terminating',
  'Terminated',
] as const;
export type ServiceState = (typeof SERVICE_STATES)[number];

export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
  lastTransitionTime: string;
  observedGeneration?: number;
}

export interface ServiceStatus {
  name: string;
  state: ServiceState;
  targetContainers: number;
  currentContainers: number;
  readyContainers: number;
  /** Containers that exist and have ended (exited and not restarted); absent when none has. */
  endedContainers?: number;
  /** Where its published ports are reachable from outside (translate/published-ports.ts). */
  publishedPorts?: PublishedPortStatus[];
  /** The digest its image reference was resolved to (src/controller/image-pins.ts); absent when not resolved. */
  image?: ServiceImageStatus;
}

/**
 * What a service's image tag was resolved to, and runs as `repository@digest`. Kept in status so
 * that a restart of Longshore keeps every service on the digest it runs.
 */
export interface ServiceImageStatus {
  /** The reference as the stack names it (the tag resolved). */
  reference: string;
  /** The digest the service runs; absent while never resolved (the reference runs as written). */
  digest?: string;
  /** The spec.redeploy.revision the digest was resolved for: a higher one resolves again. */
  revision: number;
  /** The spec.redeploy.services[name] it was resolved for, when not 0: a higher one resolves again. */
  serviceRevision?: number;
  /** Why the last resolution failed, while it does (the digest, if any, is the last good one). */
  message?: string;
}

export interface PublishedPortStatus {
  protocol: 'tcp' | 'udp';
  innerPort: number;
  /** The port it is reachable on from outside; absent while the cluster has not chosen it. */
  outerPort?: number;
  /** The outer port the service asks for, when it names one. */
  requestedOuterPort?: number;
  /** NodePort: on every node; LoadBalancer: on the balancer's address; HostPort: on the node running the container. */
  via: 'NodePort' | 'LoadBalancer' | 'HostPort';
  /** LoadBalancer: the balancer's address (IP or host name), once the cluster reports one. */
  address?: string;
  /** Why the reachable port is not the requested one, when it is not. */
  message?: string;
}

export interface StackStatus {
  observedGeneration?: number;
  state?: StackState;
  synchronized?: boolean;
  servicesReady?: string;
  deployedAt?: string | null;
  destroyedAt?: string | null;
  services?: ServiceStatus[];
  conditions?: Condition[];
}

export interface StackMetadata {
  name: string;
  namespace: string;
  uid?: string;
  generation?: number;
  resourceVersion?: string;
  creationTimestamp?: string | Date;
  deletionTimestamp?: string | Date;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface Stack {
  apiVersion: typeof API_VERSION;
  kind: typeof KIND;
  metadata: StackMetadata;
  spec: StackSpec;
  status?: StackStatus;
}

/** Stack names end up in object names and labels: a DNS-1123 label as well. */
export const StackName = dns1123Label;
