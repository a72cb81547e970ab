// The Pod Security Standards as Longshore checks them (k8s.io/pod-security-admission's
// policy checks): what baseline and restricted each forbid in a pod, the settings the
// translation adds in restricted namespaces, and the problems a violating service becomes.
import type { V1Container, V1PodSpec } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import {
  namespaceLevel,
  type PodSecurityLevel,
  podSecurityViolations,
  restrictedDefaults,
} from '../../../src/translate/pod-security.ts';
import { service, stack, translate, translateOne } from './fixtures.ts';

const pod = (container: Partial<V1Container> = {}, spec: Partial<V1PodSpec> = {}): V1PodSpec => ({
  containers: [{ name: 'web', image: 'nginx', ...container }],
  ...spec,
});
/** A pod that restricted admits: what restrictedDefaults makes of a plain container. */
const hardened = (container: Partial<V1Container> = {}, spec: Partial<V1PodSpec> = {}) =>
  restrictedDefaults(pod(container, spec));
const fields = (spec: V1PodSpec, level: PodSecurityLevel) => podSecurityViolations(spec, level).map((v) => v.field);
const c0 = 'spec.containers[0].securityContext';

describe('podSecurityViolations at baseline and restricted', () => {
  it('allows anything at privileged, and a plain pod at baseline', () => {
    const everything = pod({ securityContext: { privileged: true, capabilities: { add: ['ALL'] } } }, { hostNetwork: true });
    expect(podSecurityViolations(everything, 'privileged')).toEqual([]);
    expect(podSecurityViolations(pod(), 'baseline')).toEqual([]);
  });

  it.each(['baseline', 'restricted'] as const)('forbids privileged containers at %s', (level) => {
    const base = level === 'restricted' ? hardened : pod;
    const v = podSecurityViolations(base({ securityContext: { privileged: true } }), level);
    expect(v).toContainEqual({
      field: `${c0}.privileged`,
      rule: 'privileged containers are forbidden',
      forbiddenFrom: 'baseline',
    });
  });

  it('forbids capabilities beyond the default set at baseline (ALL, SYS_ADMIN, NET_RAW), not the default ones', () => {
    for (const cap of ['ALL', 'SYS_ADMIN', 'NET_ADMIN', 'NET_RAW'])
      expect(fields(pod({ securityContext: { capabilities: { add: [cap] } } }), 'baseline')).toEqual([`${c0}.capabilities.add`]);
    expect(
      fields(pod({ securityContext: { capabilities: { add: ['CHOWN', 'NET_BIND_SERVICE', 'SETUID'] } } }), 'baseline'),
    ).toEqual([]);
  });

  it('at restricted, requires drop ALL and allows only NET_BIND_SERVICE to be added', () => {
    expect(fields(hardened({ securityContext: { capabilities: { add: ['NET_BIND_SERVICE'] } } }), 'restricted')).toEqual([]);
    for (const cap of ['ALL', 'SYS_ADMIN', 'CHOWN'])
      expect(fields(hardened({ securityContext: { capabilities: { add: [cap] } } }), 'restricted')).toEqual([
        `${c0}.capabilities.add`,
      ]);
    const noDrop = pod(
      { securityContext: { allowPrivilegeEscalation: false } },
      { securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } } },
    );
    expect(podSecurityViolations(noDrop, 'restricted')).toEqual([
      { field: `${c0}.capabilities.drop`, rule: 'containers must drop ALL capabilities', forbiddenFrom: 'restricted' },
    ]);
  });

  it.each(['baseline', 'restricted'] as const)('forbids host namespaces, host paths and host ports at %s', (level) => {
    const base = level === 'restricted' ? hardened : pod;
    const spec = base(
      { ports: [{ containerPort: 80, hostPort: 8080 }, { containerPort: 81 }] },
      { hostNetwork: true, hostPID: true, hostIPC: true, volumes: [{ name: 'h', hostPath: { path: '/' } }] },
    );
    expect(fields(spec, level)).toEqual([
      'spec.hostNetwork',
      'spec.hostPID',
      'spec.hostIPC',
      'spec.volumes[0].hostPath',
      'spec.containers[0].ports[0].hostPort',
    ]);
    expect(podSecurityViolations(spec, level).every((v) => v.forbiddenFrom === 'baseline')).toBe(true);
  });

  it('at restricted only: uid 0, runAsNonRoot, privilege escalation, seccomp, volume types', () => {
    const rootish = pod(
      { securityContext: { runAsUser: 0 } },
      {
        volumes: [
          { name: 'n', nfs: { server: 'x', path: '/' } },
          { name: 'c', persistentVolumeClaim: { claimName: 'c' } },
        ],
      },
    );
    expect(fields(rootish, 'baseline')).toEqual([]);
    expect(podSecurityViolations(rootish, 'restricted')).toEqual([
      { field: 'spec.volumes[0].nfs', rule: 'nfs volumes are forbidden', forbiddenFrom: 'restricted' },
      { field: `${c0}.capabilities.drop`, rule: 'containers must drop ALL capabilities', forbiddenFrom: 'restricted' },
      {
        field: `${c0}.seccompProfile.type`,
        rule: 'a seccomp profile must be set to RuntimeDefault or Localhost',
        forbiddenFrom: 'restricted',
      },
      { field: `${c0}.allowPrivilegeEscalation`, rule: 'allowPrivilegeEscalation must be false', forbiddenFrom: 'restricted' },
      { field: `${c0}.runAsNonRoot`, rule: 'runAsNonRoot must be true', forbiddenFrom: 'restricted' },
      { field: `${c0}.runAsUser`, rule: 'running as uid 0 is forbidden', forbiddenFrom: 'restricted' },
    ]);
    expect(fields(hardened({ securityContext: { runAsUser: 0 } }), 'restricted')).toEqual([
      `${c0}.runAsNonRoot`,
      `${c0}.runAsUser`,
    ]);
    expect(fields(hardened({ securityContext: { runAsNonRoot: false } }), 'restricted')).toEqual([`${c0}.runAsNonRoot`]);
    expect(fields(hardened({ securityContext: { allowPrivilegeEscalation: true } }), 'restricted')).toEqual([
      `${c0}.allowPrivilegeEscalation`,
    ]);
  });

  it('lets user-namespaced pods (hostUsers false) run as uid 0, as upstream does since 1.35', () => {
    expect(
      fields(hardened({ securityContext: { runAsUser: 0, runAsNonRoot: false } }, { hostUsers: false }), 'restricted'),
    ).toEqual([]);
  });

  it('forbids Unconfined seccomp, custom SELinux, AppArmor unconfined, unsafe sysctls, unmasked /proc at baseline', () => {
    const spec = pod(
      {
        securityContext: {
          seccompProfile: { type: 'Unconfined' },
          seLinuxOptions: { type: 'spc_t', user: 'root' },
          appArmorProfile: { type: 'Unconfined' },
          procMount: 'Unmasked',
        },
        livenessProbe: { httpGet: { host: '10.0.0.1', port: 80 } },
      },
      {
        securityContext: {
          sysctls: [
            { name: 'kernel.msgmax', value: '1' },
            { name: 'net.ipv4.tcp_syncookies', value: '1' },
          ],
        },
      },
    );
    expect(fields(spec, 'baseline')).toEqual([
      'spec.securityContext.sysctls[0].name',
      `${c0}.procMount`,
      `${c0}.seLinuxOptions.type`,
      `${c0}.seLinuxOptions.user`,
      `${c0}.appArmorProfile.type`,
      'spec.containers[0].livenessProbe.httpGet.host',
      `${c0}.seccompProfile.type`,
    ]);
    expect(
      fields(pod(), 'baseline').concat(
        podSecurityViolations(pod(), 'baseline', { 'container.apparmor.security.beta.kubernetes.io/web': 'unconfined' }).map(
          (v) => v.field,
        ),
      ),
    ).toEqual(['metadata.annotations["container.apparmor.security.beta.kubernetes.io/web"]']);
  });

  it('checks init and ephemeral containers too', () => {
    const spec = pod({}, { initContainers: [{ name: 'init', image: 'x', securityContext: { privileged: true } }] });
    expect(fields(spec, 'baseline')).toEqual(['spec.initContainers[0].securityContext.privileged']);
  });
});

describe('restrictedDefaults', () => {
  it('adds what restricted requires, leaving what the service set', () => {
    expect(
      restrictedDefaults(
        pod({ securityContext: { runAsUser: 1000, capabilities: { drop: ['MKNOD'], add: ['NET_BIND_SERVICE'] } } }),
      ),
    ).toEqual({
      securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [
        {
          name: 'web',
          image: 'nginx',
          securityContext: {
            runAsUser: 1000,
            allowPrivilegeEscalation: false,
            capabilities: { add: ['NET_BIND_SERVICE'], drop: ['ALL', 'MKNOD'] },
          },
        },
      ],
    });
  });

  it('does not contradict a privileged container or uid 0: those stay violations', () => {
    const spec = restrictedDefaults(pod({ securityContext: { privileged: true, runAsUser: 0 } }));
    expect(spec.securityContext?.runAsNonRoot).toBeUndefined();
    expect(spec.containers[0]?.securityContext?.allowPrivilegeEscalation).toBeUndefined();
    expect(fields(spec, 'restricted')).toContain(`${c0}.privileged`);
  });
});

describe("a namespace's level", () => {
  it('is its enforce label, else the default; an invalid label is restricted, as admission fails closed', () => {
    expect(namespaceLevel(undefined)).toBe('baseline');
    expect(namespaceLevel({}, 'privileged')).toBe('privileged');
    expect(namespaceLevel({ 'pod-security.kubernetes.io/enforce': 'privileged' }, 'restricted')).toBe('privileged');
    expect(namespaceLevel({ 'pod-security.kubernetes.io/enforce': 'restricted' })).toBe('restricted');
    expect(namespaceLevel({ 'pod-security.kubernetes.io/enforce': 'lax' }, 'privileged')).toBe('restricted');
    expect(namespaceLevel({ 'pod-security.kubernetes.io/warn': 'privileged' })).toBe('baseline');
  });
});

describe('the translation under a Pod Security level', () => {
  it('refuses a privileged service at baseline, naming the field, the level and the label that allows it', () => {
    const t = translate(stack([service('vpn', { privileged: true, capAdd: ['NET_ADMIN'] }), service('web')]));
    expect(t.problems).toEqual([
      {
        service: 'vpn',
        field: 'privileged',
        message:
          'privileged containers are forbidden in namespace "team-a", whose Pod Security level is "baseline" (spec.containers[0].securityContext.privileged); a cluster administrator can allow it by labelling the namespace pod-security.kubernetes.io/enforce=privileged',
      },
      {
        service: 'vpn',
        field: 'capAdd',
        message:
          'capabilities beyond the default set are forbidden: NET_ADMIN in namespace "team-a", whose Pod Security level is "baseline" (spec.containers[0].securityContext.capabilities.add); a cluster administrator can allow it by labelling the namespace pod-security.kubernetes.io/enforce=privileged',
      },
    ]);
    // Nothing is applied for it; its siblings are.
    expect(t.objects.filter((o) => o.metadata.labels['longshore.io/service'] === 'vpn')).toEqual([]);
    expect(t.objects.some((o) => o.metadata.labels['longshore.io/service'] === 'web')).toBe(true);
    expect(translate(stack([service('vpn', { privileged: true })]), {}, { podSecurityLevel: 'privileged' }).problems).toEqual([]);
  });

  it('makes an ordinary service admissible at restricted, and leaves it unchanged at baseline', () => {
    const { podSpec, container } = translateOne(service('web', { user: '1000' }), {}, [], { podSecurityLevel: 'restricted' });
    expect(podSpec?.securityContext).toEqual({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(container?.securityContext).toEqual({
      runAsUser: 1000,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
    });
    expect(podSecurityViolations(podSpec as V1PodSpec, 'restricted')).toEqual([]);
    const baseline = translateOne(service('web'));
    expect(baseline.podSpec?.securityContext).toBeUndefined();
    expect(baseline.container?.securityContext).toBeUndefined();
  });

  it('refuses user 0 and capabilities beyond NET_BIND_SERVICE at restricted, naming baseline as the remedy', () => {
    const t = translate(stack([service('web', { user: '0', capAdd: ['CHOWN'] })]), {}, { podSecurityLevel: 'restricted' });
    expect(t.problems.map((p) => p.field)).toEqual(['capAdd', 'user', 'user']);
    expect(t.problems.map((p) => p.message.split(' in namespace')[0])).toEqual([
      'capabilities beyond NET_BIND_SERVICE are forbidden: CHOWN',
      'runAsNonRoot must be true',
      'running as uid 0 is forbidden',
    ]);
    expect(t.problems[0]?.message).toContain('pod-security.kubernetes.io/enforce=baseline');
    expect(translate(stack([service('web', { capAdd: ['CHOWN'] })]), {}, { podSecurityLevel: 'baseline' }).problems).toEqual([]);
  });
});
