// The Pod Security Standards (https://kubernetes.io/docs/concepts/security/pod-security-standards/)
// as a pure check of a pod template: Longshore never asks Kubernetes for a pod that the
// namespace's level does not allow, so that a user with rights on Stacks only cannot get
// through Longshore what they could not create as a Pod themselves.
//
// The checks follow k8s.io/pod-security-admission's policy package (policy/check_*.go) at its
// latest version (1.35+: user-namespaced pods, hostUsers false, may run as uid 0 and with any
// procMount under baseline). Each check belongs to the lowest level that forbids it; a level
// forbids what its own checks and those of the levels below forbid (restricted's capability
// and seccomp checks replace baseline's, as upstream's OverrideCheckIDs say).
import type { V1Container, V1PodSpec, V1SecurityContext } from '@kubernetes/client-node';

export const POD_SECURITY_LEVELS = ['privileged', 'baseline', 'restricted'] as const;
export type PodSecurityLevel = (typeof POD_SECURITY_LEVELS)[number];

/** The namespace label Kubernetes' Pod Security admission enforces: Longshore's level too. */
export const POD_SECURITY_ENFORCE_LABEL = 'pod-security.kubernetes.io/enforce';

/** The level out of the box for a namespace without the enforce label (LONGSHORE_POD_SECURITY_DEFAULT). */
export const DEFAULT_POD_SECURITY_LEVEL: PodSecurityLevel = 'baseline';

export function isPodSecurityLevel(value: string | undefined): value is PodSecurityLevel {
  return (POD_SECURITY_LEVELS as readonly string[]).includes(value ?? '');
}

/**
 * A namespace's level from its labels, as Pod Security admission reads them: the enforce
 * label when present (an invalid value counts as restricted: admission fails closed), else
 * the default.
 */
export function namespaceLevel(
  labels: Readonly<Record<string, string>> | undefined,
  fallback: PodSecurityLevel = DEFAULT_POD_SECURITY_LEVEL,
): PodSecurityLevel {
  const value = labels?.[POD_SECURITY_ENFORCE_LABEL];
  if (value === undefined) return fallback;
  return isPodSecurityLevel(value) ? value : 'restricted';
}

export interface PodSecurityViolation {
  /** Where, in the pod template: `spec.containers[0].securityContext.privileged`. */
  field: string;
  /** What the standard says, in its words. */
  rule: string;
  /** The lowest level that forbids it: baseline (allowed only at privileged) or restricted. */
  forbiddenFrom: 'baseline' | 'restricted';
}

/** Whether `level` forbids what `forbiddenFrom`'s checks forbid. */
function enforces(level: PodSecurityLevel, forbiddenFrom: 'baseline' | 'restricted'): boolean {
  return POD_SECURITY_LEVELS.indexOf(level) >= POD_SECURITY_LEVELS.indexOf(forbiddenFrom);
}

/** The loosest level that still refuses nothing of what a violation forbids. */
export function levelAllowing(v: PodSecurityViolation): PodSecurityLevel {
  return v.forbiddenFrom === 'baseline' ? 'privileged' : 'baseline';
}

const BASELINE_CAPABILITIES = new Set([
  'AUDIT_WRITE',
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'FSETID',
  'KILL',
  'MKNOD',
  'NET_BIND_SERVICE',
  'SETFCAP',
  'SETGID',
  'SETPCAP',
  'SETUID',
  'SYS_CHROOT',
]);
const SAFE_SYSCTLS = new Set([
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.ip_local_reserved_ports',
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
  'net.ipv4.tcp_rmem',
  'net.ipv4.tcp_wmem',
  'net.ipv4.tcp_slow_start_after_idle',
  'net.ipv4.tcp_notsent_lowat',
]);
const SELINUX_TYPES = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t']);
/** The inline volume sources restricted allows. */
const RESTRICTED_VOLUME_SOURCES = new Set([
  'name',
  'configMap',
  'downwardAPI',
  'emptyDir',
  'projected',
  'secret',
  'csi',
  'persistentVolumeClaim',
  'ephemeral',
  'image',
]);
const APPARMOR_ANNOTATION = 'container.apparmor.security.beta.kubernetes.io/';

const validSeccomp = (type: string | undefined) => type === 'RuntimeDefault' || type === 'Localhost';
const validAppArmor = (type: string | undefined) => type === undefined || type === 'RuntimeDefault' || type === 'Localhost';

/** Every container of the pod with its path, as upstream's visitContainers. */
function containersOf(spec: V1PodSpec): { path: string; container: V1Container }[] {
  return [
    ...(spec.initContainers ?? []).map((container, i) => ({ path: `spec.initContainers[${i}]`, container })),
    ...spec.containers.map((container, i) => ({ path: `spec.containers[${i}]`, container })),
    ...(spec.ephemeralContainers ?? []).map((container, i) => ({
      path: `spec.ephemeralContainers[${i}]`,
      container: container as V1Container,
    })),
  ];
}

/**
 * What `level` forbids in a pod: nothing at privileged. `annotations` are the pod template's
 * (AppArmor's legacy annotations are checked too). Pure: the same pod and level, the same
 * answer in the same order.
 */
export function podSecurityViolations(
  spec: V1PodSpec,
  level: PodSecurityLevel,
  annotations: Readonly<Record<string, string>> = {},
): PodSecurityViolation[] {
  if (level === 'privileged') return [];
  const restricted = level === 'restricted';
  const out: PodSecurityViolation[] = [];
  const forbid = (field: string, rule: string, from: 'baseline' | 'restricted' = 'baseline') => {
    if (enforces(level, from)) out.push({ field, rule, forbiddenFrom: from });
  };
  const userNamespace = spec.hostUsers === false;
  const pod = spec.securityContext;

  // Host namespaces.
  if (spec.hostNetwork === true) forbid('spec.hostNetwork', "sharing the host's network namespace is forbidden");
  if (spec.hostPID === true) forbid('spec.hostPID', "sharing the host's process namespace is forbidden");
  if (spec.hostIPC === true) forbid('spec.hostIPC', "sharing the host's IPC namespace is forbidden");

  // Volumes: no hostPath (baseline); only the listed inline sources (restricted).
  (spec.volumes ?? []).forEach((volume, i) => {
    if (volume.hostPath !== undefined) {
      forbid(`spec.volumes[${i}].hostPath`, 'hostPath volumes are forbidden');
      return;
    }
    for (const [source, value] of Object.entries(volume)) {
      if (value !== undefined && !RESTRICTED_VOLUME_SOURCES.has(source))
        forbid(`spec.volumes[${i}].${source}`, `${source} volumes are forbidden`, 'restricted');
    }
  });

  // Pod-level security context.
  if (pod?.windowsOptions?.hostProcess === true)
    forbid('spec.securityContext.windowsOptions.hostProcess', 'Windows HostProcess pods are forbidden');
  if (pod?.seccompProfile?.type === 'Unconfined')
    forbid('spec.securityContext.seccompProfile.type', 'the Unconfined seccomp profile is forbidden');
  seLinux(pod, 'spec.securityContext', forbid);
  if (!validAppArmor(pod?.appArmorProfile?.type))
    forbid(
      'spec.securityContext.appArmorProfile.type',
      'AppArmor profiles other than RuntimeDefault and Localhost are forbidden',
    );
  (pod?.sysctls ?? []).forEach((s, i) => {
    if (!SAFE_SYSCTLS.has(s.name)) forbid(`spec.securityContext.sysctls[${i}].name`, `the sysctl ${s.name} is not a safe sysctl`);
  });
  if (!userNamespace && pod?.runAsUser === 0)
    forbid('spec.securityContext.runAsUser', 'running as uid 0 is forbidden', 'restricted');
  if (!userNamespace && pod?.runAsNonRoot === false)
    forbid('spec.securityContext.runAsNonRoot', 'runAsNonRoot must be true', 'restricted');
  for (const [key, value] of Object.entries(annotations)) {
    if (key.startsWith(APPARMOR_ANNOTATION) && value !== '' && value !== 'runtime/default' && !value.startsWith('localhost/'))
      forbid(
        `metadata.annotations[${JSON.stringify(key)}]`,
        'AppArmor profiles other than runtime/default and localhost/* are forbidden',
      );
  }
  const podRunsAsNonRoot = pod?.runAsNonRoot === true;
  const podSeccompSet = validSeccomp(pod?.seccompProfile?.type);

  for (const { path, container } of containersOf(spec)) {
    const sc = container.securityContext;
    const at = `${path}.securityContext`;
    if (sc?.privileged === true) forbid(`${at}.privileged`, 'privileged containers are forbidden');
    if (sc?.windowsOptions?.hostProcess === true)
      forbid(`${at}.windowsOptions.hostProcess`, 'Windows HostProcess containers are forbidden');
    (container.ports ?? []).forEach((p, i) => {
      if (p.hostPort !== undefined && p.hostPort !== 0) forbid(`${path}.ports[${i}].hostPort`, 'host ports are forbidden');
    });
    if (sc?.procMount !== undefined && sc.procMount !== 'Default') {
      if (!userNamespace) forbid(`${at}.procMount`, 'only the Default /proc mount is allowed');
      else forbid(`${at}.procMount`, 'only the Default /proc mount is allowed', 'restricted');
    }
    seLinux(sc, at, forbid);
    if (!validAppArmor(sc?.appArmorProfile?.type))
      forbid(`${at}.appArmorProfile.type`, 'AppArmor profiles other than RuntimeDefault and Localhost are forbidden');
    probeHosts(container, path, forbid);

    // Capabilities: baseline's default set, or restricted's drop ALL and NET_BIND_SERVICE only.
    const added = sc?.capabilities?.add ?? [];
    if (restricted) {
      if (!(sc?.capabilities?.drop ?? []).includes('ALL'))
        forbid(`${at}.capabilities.drop`, 'containers must drop ALL capabilities', 'restricted');
      const beyond = added.filter((c) => c !== 'NET_BIND_SERVICE');
      if (beyond.length > 0)
        forbid(
          `${at}.capabilities.add`,
          `capabilities beyond NET_BIND_SERVICE are forbidden: ${beyond.join(', ')}`,
          'restricted',
        );
    } else {
      const beyond = added.filter((c) => !BASELINE_CAPABILITIES.has(c));
      if (beyond.length > 0)
        forbid(`${at}.capabilities.add`, `capabilities beyond the default set are forbidden: ${beyond.join(', ')}`);
    }
    // Seccomp: not Unconfined (baseline); RuntimeDefault or Localhost, here or on the pod (restricted).
    const seccomp = sc?.seccompProfile?.type;
    if (restricted) {
      if (seccomp !== undefined ? !validSeccomp(seccomp) : !podSeccompSet)
        forbid(`${at}.seccompProfile.type`, 'a seccomp profile must be set to RuntimeDefault or Localhost', 'restricted');
    } else if (seccomp === 'Unconfined') {
      forbid(`${at}.seccompProfile.type`, 'the Unconfined seccomp profile is forbidden');
    }
    if (sc?.allowPrivilegeEscalation !== false)
      forbid(`${at}.allowPrivilegeEscalation`, 'allowPrivilegeEscalation must be false', 'restricted');
    if (!userNamespace) {
      if (sc?.runAsNonRoot === false || (sc?.runAsNonRoot === undefined && !podRunsAsNonRoot))
        forbid(`${at}.runAsNonRoot`, 'runAsNonRoot must be true', 'restricted');
      if (sc?.runAsUser === 0) forbid(`${at}.runAsUser`, 'running as uid 0 is forbidden', 'restricted');
    }
  }
  return out;
}

type Forbid = (field: string, rule: string, from?: 'baseline' | 'restricted') => void;

function seLinux(sc: { seLinuxOptions?: V1SecurityContext['seLinuxOptions'] } | undefined, at: string, forbid: Forbid): void {
  const o = sc?.seLinuxOptions;
  if (o === undefined) return;
  if (!SELINUX_TYPES.has(o.type ?? '')) forbid(`${at}.seLinuxOptions.type`, `the SELinux type ${o.type} is forbidden`);
  if ((o.user ?? '') !== '') forbid(`${at}.seLinuxOptions.user`, 'a custom SELinux user is forbidden');
  if ((o.role ?? '') !== '') forbid(`${at}.seLinuxOptions.role`, 'a custom SELinux role is forbidden');
}

function probeHosts(container: V1Container, path: string, forbid: Forbid): void {
  const handlers = {
    livenessProbe: container.livenessProbe,
    readinessProbe: container.readinessProbe,
    startupProbe: container.startupProbe,
    'lifecycle.postStart': container.lifecycle?.postStart,
    'lifecycle.preStop': container.lifecycle?.preStop,
  };
  for (const [name, h] of Object.entries(handlers)) {
    if ((h?.httpGet?.host ?? '') !== '') forbid(`${path}.${name}.httpGet.host`, 'probes and hooks may not name a host');
    if ((h?.tcpSocket?.host ?? '') !== '') forbid(`${path}.${name}.tcpSocket.host`, 'probes and hooks may not name a host');
  }
}

/**
 * The security settings a pod needs to be admitted at restricted, added where the service
 * does not say otherwise: runAsNonRoot and the RuntimeDefault seccomp profile on the pod;
 * allowPrivilegeEscalation false and capabilities dropped (ALL) on the container. A setting
 * the service made that contradicts them (privileged, user 0, an added capability) is left as
 * it is and reported by podSecurityViolations. Only for restricted: lower levels need none of
 * them, and a template changed for nothing would roll every pod.
 */
export function restrictedDefaults(spec: V1PodSpec): V1PodSpec {
  const runsAsRoot = spec.containers.some((c) => c.securityContext?.runAsUser === 0);
  return {
    ...spec,
    securityContext: {
      ...(!runsAsRoot && { runAsNonRoot: true }),
      ...spec.securityContext,
      seccompProfile: spec.securityContext?.seccompProfile ?? { type: 'RuntimeDefault' },
    },
    containers: spec.containers.map((c) => {
      const sc = c.securityContext ?? {};
      const drop = sc.capabilities?.drop ?? [];
      return {
        ...c,
        securityContext: {
          ...sc,
          ...(sc.privileged !== true && sc.allowPrivilegeEscalation === undefined && { allowPrivilegeEscalation: false }),
          capabilities: { ...sc.capabilities, drop: drop.includes('ALL') ? drop : ['ALL', ...drop].sort() },
        },
      };
    }),
  };
}
