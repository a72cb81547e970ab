// Configuration from environment variables, validated with zod at start: a bad value stops
// the process with a message naming the variable and the rule. Every setting and its default
// is listed in the README.
import { isIP } from 'node:net';
import { z } from 'zod';
import { formatZodIssues } from '../model/errors.ts';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
const port = z.coerce.number().int('must be a whole number').min(0).max(65535);
const positive = z.coerce.number().int('must be a whole number').min(1);

/**
 * A switch of earlier releases whose job the namespaces' Pod Security levels now do: `false`
 * (what it meant unset) is accepted and means nothing; `true` stops the process, naming the
 * replacement, rather than silently denying what it used to allow.
 */
const replacedByPodSecurity = (what: string) =>
  bool
    .refine(
      (v) => !v,
      `was removed: ${what} follow the Pod Security level of each stack's namespace; label the namespace pod-security.kubernetes.io/enforce=privileged, or set LONGSHORE_POD_SECURITY_DEFAULT=privileged for every namespace without that label`,
    )
    .optional();

/**
 * The façade's address for the stacks' pods: http or https, a host and maybe a port, nothing
 * else (the clients append /api/... and some drop or double a path). Kept without a trailing slash.
 */
const facadeUrl = z
  .string()
  .refine((v) => {
    if (!URL.canParse(v)) return false;
    const u = new URL(v);
    return (
      (u.protocol === 'http:' || u.protocol === 'https:') &&
      u.username === '' &&
      u.password === '' &&
      u.pathname === '/' &&
      u.search === '' &&
      u.hash === '' &&
      !v.includes('$')
    );
  }, 'must be an http:// or https:// URL with a host and maybe a port, and no path, query or credentials')
  .transform((v) => v.replace(/\/+$/, ''));

export const ConfigSchema = z.object({
  LONGSHORE_LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
  /** auto: readable lines when stdout is a terminal, JSON (one event a line) otherwise. */
  LONGSHORE_LOG_FORMAT: z.enum(['auto', 'json', 'pretty']).default('auto'),
  LONGSHORE_LISTEN_ADDRESS: z.string().min(1).default('127.0.0.1'),
  LONGSHORE_PORT: port.default(8080),
  LONGSHORE_OPS_PORT: port.default(8081),
  LONGSHORE_CONTROLLER: bool.default(true),
  LONGSHORE_FACADE: bool.default(true),
  LONGSHORE_WATCH_NAMESPACE: z
    .string()
    .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a namespace name')
    .optional(),
  LONGSHORE_WORKERS: positive.max(64).default(4),
  LONGSHORE_PUBLISHED_SERVICE_TYPE: z
    .enum(['NodePort', 'LoadBalancer', 'HostPort'], { message: 'must be NodePort, LoadBalancer or HostPort' })
    .default('NodePort'),
  /** The Pod Security level of a namespace without the pod-security.kubernetes.io/enforce label. */
  LONGSHORE_POD_SECURITY_DEFAULT: z
    .enum(['privileged', 'baseline', 'restricted'], { message: 'must be privileged, baseline or restricted' })
    .default('baseline'),
  LONGSHORE_ALLOW_HOST_PATH: replacedByPodSecurity('host paths'),
  LONGSHORE_ALLOW_HOST_NETWORK: replacedByPodSecurity('host namespaces (net: host, pid: host)'),
  LONGSHORE_VOLUME_SIZE: z
    .string()
    .regex(/^\d+(Ki|Mi|Gi|Ti)$/, 'must be a Kubernetes quantity such as 1Gi')
    .default('1Gi'),
  LONGSHORE_STORAGE_CLASS: z.string().optional(),
  LONGSHORE_PROGRESS_DEADLINE_SECONDS: positive.default(600),
  LONGSHORE_CLUSTER_DOMAIN: z
    .string()
    .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/, 'must be a DNS domain such as cluster.local')
    .default('cluster.local'),
  LONGSHORE_CLUSTER_DNS: z
    .string()
    .refine((v) => v === 'auto' || v === 'none' || isIP(v) !== 0, 'must be an IP address, auto or none')
    .default('auto'),
  /** Where a stack's pods reach the façade (roles: [global]); the in-cluster Service of manifests/ when unset. */
  LONGSHORE_FACADE_URL: facadeUrl.optional(),
  LONGSHORE_TERMINATED_RETENTION_SECONDS: z.coerce.number().int().min(0).default(3600),
  LONGSHORE_DEFAULT_NAMESPACE: z
    .string()
    .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a namespace name')
    .default('default'),
  LONGSHORE_BODY_LIMIT_BYTES: positive.default(1 << 20),
  LONGSHORE_AUTH_CACHE_SECONDS: z.coerce.number().int().min(0).default(10),
  // How long one dashboard event stream lasts before the page reconnects and is authorised anew.
  LONGSHORE_DASHBOARD_STREAM_SECONDS: positive.default(300),
  // Dashboard event streams open at once, per user and for the process (each holds a socket).
  LONGSHORE_DASHBOARD_STREAMS_PER_USER: positive.default(8),
  LONGSHORE_DASHBOARD_STREAMS: positive.default(1000),
  LONGSHORE_LEADER_ELECTION: bool.default(true),
  LONGSHORE_LEASE_NAMESPACE: z.string().optional(),
  LONGSHORE_LEASE_NAME: z.string().default('longshore-controller'),
  LONGSHORE_SHUTDOWN_TIMEOUT_SECONDS: positive.default(25),
  /** Run each service's image at the digest its tag was resolved to (off: as written, for air-gapped clusters). */
  LONGSHORE_RESOLVE_DIGESTS: bool.default(true),
  /** Registries asked over plain HTTP, comma-separated `host[:port]` (loopback ones always are). */
  LONGSHORE_INSECURE_REGISTRIES: z
    .string()
    .transform((v) =>
      v
        .split(',')
        .map((x) => x.trim())
        .filter((x) => x !== ''),
    )
    .default([]),
  LONGSHORE_REGISTRY_TIMEOUT_SECONDS: positive.default(10),
  /** How often the tags of autoredeploy services are asked again; 0: never (webhooks only). */
  LONGSHORE_AUTOREDEPLOY_POLL_SECONDS: z.coerce.number().int('must be a whole number').min(0).default(300),
  /** The secret of the registry webhook's URL, /api/registry/v1/webhook/<token>; unset: no webhook. */
  LONGSHORE_WEBHOOK_TOKEN: z
    .string()
    .regex(/^[A-Za-z0-9_-]{32,256}$/, 'must be 32 to 256 letters, digits, _ or - (openssl rand -hex 32 makes one)')
    .optional(),
  /** At most this many polling questions a minute to one registry. */
  LONGSHORE_REGISTRY_REQUESTS_PER_MINUTE: positive.default(60),
  /**
   * A Docker config file (`{"auths": {...}}`, as `docker login` writes) whose credentials are
   * used for the registries it names, typically a Secret the administrator mounts: Longshore
   * needs no right to read it. Checked at start (a file that cannot be read or parsed stops it).
   */
  LONGSHORE_REGISTRY_AUTH_FILE: z
    .string()
    .refine((v) => v.startsWith('/') && !v.includes('\0'), 'must be an absolute path to a Docker config file')
    .optional(),
  /**
   * Read the imagePullSecrets of the ServiceAccount a service's pods run as, to ask its registry
   * with them. Off by default: it needs `get` on secrets (manifests/rbac-pull-secrets.yaml).
   */
  LONGSHORE_READ_PULL_SECRETS: bool.default(false),
  /** At most this many calls a minute to one trigger (per process). */
  LONGSHORE_TRIGGER_CALLS_PER_MINUTE: positive.max(10_000).default(10),
  /** At most this many trigger calls a minute in all, any trigger (per process; a token bucket that size). */
  LONGSHORE_TRIGGER_CALLS_PER_MINUTE_TOTAL: positive.max(1_000_000).default(120),
});

export type Config = z.infer<typeof ConfigSchema>;

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const picked = Object.fromEntries(
    Object.keys(ConfigSchema.shape)
      .filter((k) => env[k] !== undefined && env[k] !== '')
      .map((k) => [k, env[k]]),
  );
  const parsed = ConfigSchema.safeParse(picked, { reportInput: true });
  if (!parsed.success) {
    // The fields are the variables' names (the schema is flat): each is shown with its value.
    const lines = formatZodIssues(parsed.error.issues, '', 'kubernetes').map(
      (e) => `${e.field}=${JSON.stringify(picked[e.field])}: ${e.message}`,
    );
    throw new ConfigError(`invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  return parsed.data;
}
