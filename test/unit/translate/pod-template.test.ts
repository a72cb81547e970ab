import { describe, expect, it } from 'vitest';
import { pick, service, stack, translate, translateOne } from './fixtures.ts';

describe('the container', () => {
  it('is named as the service, runs its image and pulls it on every deployment, as Docker Cloud did', () => {
    const { container } = translateOne(service('web', { image: 'nginx:1.25' }));
    expect(container).toMatchObject({ name: 'web', image: 'nginx:1.25', imagePullPolicy: 'Always' });
  });

  it('runs the digest the controller resolved its tag to, keeping the name as written', () => {
    const digest = `sha256:${'c'.repeat(64)}`;
    const pinned = translateOne(service('web', { image: 'nginx:1.25' }), {}, [], {
      imageDigest: (name) => (name === 'web' ? digest : undefined),
    });
    expect(pinned.container?.image).toBe(`nginx@${digest}`);
    const other = translateOne(service('web', { image: 'nginx:1.25' }), {}, [], { imageDigest: () => undefined });
    expect(other.container?.image).toBe('nginx:1.25');
  });

  it('gets runCommand as args and entrypoint as command, split like a shell', () => {
    const { container } = translateOne(
      service('logspout', { entrypoint: '/bin/sh', runCommand: `-c '/bin/logspout syslog://$ADDR:5000'` }),
    );
    expect(container?.command).toEqual(['/bin/sh']);
    expect(container?.args).toEqual(['-c', '/bin/logspout syslog://$$ADDR:5000']);
    const runOnly = translateOne(service('db', { runCommand: '--replSet "rs0"' })).container;
    expect(runOnly?.command).toBeUndefined();
    expect(runOnly?.args).toEqual(['--replSet', 'rs0']);
  });

  it('runs the run command as the whole command line when the entrypoint is emptied', () => {
    const { container } = translateOne(service('web', { entrypoint: '', runCommand: 'python app.py' }));
    expect(container?.command).toEqual(['python', 'app.py']);
    expect(container?.args).toBeUndefined();
  });

  it('reports a command that cannot be split, or an empty entrypoint with nothing to run', () => {
    const t = translate(stack([service('a', { runCommand: 'echo "oops' }), service('b', { entrypoint: '  ' })]));
    expect(t.problems.map((p) => `${p.service} ${p.field}`)).toEqual(['a runCommand', 'b entrypoint']);
    expect(t.problems[0]?.message).toBe('cannot be split into words: it has a double quote that is never closed');
    expect(t.objects.filter((o) => o.metadata.labels['longshore.io/service'] === 'a')).toEqual([]);
  });

  it('sees its variables exactly as written: Kubernetes $(...) expansion is escaped', () => {
    const { container } = translateOne(
      service('web', {
        containerEnvvars: [
          { key: 'GREETING', value: 'hi $(whoami) $$ $HOME' },
          { key: 'EMPTY', value: '' },
          { key: 'MODE', value: 'a' },
          { key: 'MODE', value: 'b' },
        ],
      }),
    );
    expect(container?.env).toEqual([
      { name: 'GREETING', value: 'hi $$(whoami) $$$$ $$HOME' },
      { name: 'EMPTY', value: '' },
      { name: 'MODE', value: 'b' },
    ]);
  });

  it('refuses variable names Kubernetes does not accept', () => {
    const t = translate(stack([service('web', { containerEnvvars: [{ key: 'CAFÉ', value: '1' }] })]));
    expect(t.problems.map((p) => p.field)).toEqual(['containerEnvvars[0].key']);
  });

  it('gets workingDir, its ports, stdin and tty', () => {
    const { container } = translateOne(
      service('web', {
        workingDir: '/srv',
        stdinOpen: true,
        tty: true,
        containerPorts: [{ innerPort: 9000, protocol: 'udp' }, { innerPort: 80 }],
      }),
    );
    expect(container).toMatchObject({
      workingDir: '/srv',
      stdin: true,
      tty: true,
      ports: [
        { containerPort: 80, protocol: 'TCP' },
        { containerPort: 9000, protocol: 'UDP' },
      ],
    });
  });

  it('limits and requests memory in MiB, and requests CPU from cpu shares (1024 = one CPU, at least 1m)', () => {
    expect(translateOne(service('web', { memory: 512, cpuShares: 512 })).container?.resources).toEqual({
      limits: { memory: '512Mi' },
      requests: { cpu: '500m', memory: '512Mi' },
    });
    expect(translateOne(service('web', { cpuShares: 2 })).container?.resources).toEqual({ requests: { cpu: '2m' } });
    expect(translateOne(service('web')).container?.resources).toBeUndefined();
  });

  it('gets privileged, capabilities, a read-only root and the user as numeric ids', () => {
    expect(
      translateOne(
        service('vpn', {
          privileged: true,
          capAdd: ['SYS_ADMIN', 'NET_ADMIN', 'NET_ADMIN'],
          capDrop: ['MKNOD'],
          readOnly: true,
          user: '1000:50',
        }),
        {},
        [],
        { podSecurityLevel: 'privileged' },
      ).container?.securityContext,
    ).toEqual({
      privileged: true,
      capabilities: { add: ['NET_ADMIN', 'SYS_ADMIN'], drop: ['MKNOD'] },
      readOnlyRootFilesystem: true,
      runAsUser: 1000,
      runAsGroup: 50,
    });
    expect(translateOne(service('web', { user: '0' })).container?.securityContext).toEqual({ runAsUser: 0 });
    expect(translateOne(service('web', { privileged: false })).container?.securityContext).toBeUndefined();
  });
});

describe('the pod', () => {
  it('always restarts, gets no service-link variables and no API token unless the service has the global role', () => {
    const plain = translateOne(service('web')).podSpec;
    expect(plain).toMatchObject({ restartPolicy: 'Always', enableServiceLinks: false, automountServiceAccountToken: false });
    const global = translateOne(service('lb', { roles: ['global'] }));
    expect(global.podSpec?.automountServiceAccountToken).toBe(true);
    expect(global.template?.metadata?.annotations?.['longshore.io/roles']).toBe('global');
  });

  it('records autorestart, autodestroy, autoredeploy and tags as annotations (the workload kind says how they act)', () => {
    const { template } = translateOne(
      service('web', { autorestart: 'ALWAYS', autodestroy: 'ALWAYS', autoredeploy: true, tags: ['web', 'eu', 'web'] }),
    );
    expect(template?.metadata?.annotations).toEqual({
      'longshore.io/autodestroy': 'ALWAYS',
      'longshore.io/autoredeploy': 'true',
      'longshore.io/autorestart': 'ALWAYS',
      'longshore.io/redeploy-revision': '0',
      'longshore.io/tags': 'eu,web',
    });
  });

  it('gets the hostname, and extra hosts as host aliases grouped by address', () => {
    const { podSpec } = translateOne(
      service('web', { hostname: 'frontend', extraHosts: ['db:10.0.0.2', 'cache:10.0.0.1', 'db-old:10.0.0.2', 'v6:::1'] }),
    );
    expect(podSpec?.hostname).toBe('frontend');
    expect(podSpec?.hostAliases).toEqual([
      { ip: '10.0.0.1', hostnames: ['cache'] },
      { ip: '10.0.0.2', hostnames: ['db', 'db-old'] },
      { ip: '::1', hostnames: ['v6'] },
    ]);
  });

  it('refuses an extra host whose address is not an IP address', () => {
    const t = translate(stack([service('web', { extraHosts: ['db:database.local'] })]));
    expect(t.problems.map((p) => p.field)).toEqual(['extraHosts[0]']);
  });

  it("searches the stack's domain first, then the namespace's, with the cluster DNS address known", () => {
    const { podSpec } = translateOne(service('web', { dnsSearch: ['corp.example'] }), { clusterDnsIp: '10.96.0.10' });
    expect(podSpec?.dnsPolicy).toBe('None');
    expect(podSpec?.dnsConfig).toEqual({
      nameservers: ['10.96.0.10'],
      searches: [
        'shop.team-a.svc.cluster.local',
        'team-a.svc.cluster.local',
        'svc.cluster.local',
        'cluster.local',
        'corp.example',
      ],
      options: [{ name: 'ndots', value: '5' }],
    });
  });

  it('uses only the given resolvers with dns, keeping the stack search list', () => {
    expect(translateOne(service('web', { dns: ['8.8.8.8'] }), { clusterDnsIp: '10.96.0.10' }).podSpec).toMatchObject({
      dnsPolicy: 'None',
      dnsConfig: { nameservers: ['8.8.8.8'], searches: expect.arrayContaining(['shop.team-a.svc.cluster.local']) },
    });
  });

  it("appends the stack's domain to ClusterFirst when the cluster DNS address is not known", () => {
    const { podSpec } = translateOne(service('web', { dnsSearch: ['corp.example'] }), { clusterDomain: 'k8s.internal' });
    expect(podSpec?.dnsPolicy).toBeUndefined();
    expect(podSpec?.dnsConfig).toEqual({ searches: ['shop.team-a.svc.k8s.internal', 'corp.example'] });
  });

  it("uses the host's network and process namespace only where the namespace's Pod Security level is privileged", () => {
    const vpn = service('vpn', { net: 'host', pid: 'host' });
    const allowed = translateOne(vpn, {}, [], { podSecurityLevel: 'privileged' }).podSpec;
    expect(allowed).toMatchObject({ hostNetwork: true, hostPID: true, dnsPolicy: 'ClusterFirstWithHostNet' });
    const refused = translate(stack([vpn]));
    expect(refused.problems).toEqual([
      {
        service: 'vpn',
        field: 'net',
        message:
          'sharing the host\'s network namespace is forbidden in namespace "team-a", whose Pod Security level is "baseline" (spec.hostNetwork); a cluster administrator can allow it by labelling the namespace pod-security.kubernetes.io/enforce=privileged',
      },
      {
        service: 'vpn',
        field: 'pid',
        message:
          'sharing the host\'s process namespace is forbidden in namespace "team-a", whose Pod Security level is "baseline" (spec.hostPID); a cluster administrator can allow it by labelling the namespace pod-security.kubernetes.io/enforce=privileged',
      },
    ]);
    expect(refused.objects.filter((o) => o.metadata.labels['longshore.io/service'] === 'vpn')).toEqual([]);
    expect(translate(stack([vpn]), {}, { podSecurityLevel: 'restricted' }).problems.map((p) => p.field)).toEqual(['net', 'pid']);
    const bridge = translateOne(service('web', { net: 'bridge', pid: 'none' })).podSpec;
    expect(bridge?.hostNetwork).toBeUndefined();
    expect(bridge?.hostPID).toBeUndefined();
  });

  it('puts Docker labels on the pods as annotations only, so that no selector a stack does not own matches its pods', () => {
    const { template } = translateOne(
      service('web', { labels: { app: 'victim-svc', tier: 'front', 'com.example.maintainer': 'ops@example.com', '1': '' } }),
    );
    expect(template?.metadata?.labels).toEqual({
      'app.kubernetes.io/component': 'web',
      'app.kubernetes.io/instance': 'shop',
      'app.kubernetes.io/managed-by': 'longshore',
      'app.kubernetes.io/name': 'web',
      'app.kubernetes.io/part-of': 'shop',
      'longshore.io/service': 'web',
      'longshore.io/stack': 'shop',
    });
    expect(template?.metadata?.annotations).toMatchObject({
      app: 'victim-svc',
      tier: 'front',
      '1': '',
      'com.example.maintainer': 'ops@example.com',
    });
  });

  it('refuses Docker labels in the domains Kubernetes and Longshore reserve, and keys Kubernetes refuses', () => {
    const t = translate(
      stack([
        service('web', {
          labels: {
            'app.kubernetes.io/name': 'x',
            'longshore.io/stack': 'y',
            'Bad Key': 'z',
            'container.apparmor.security.beta.kubernetes.io/web': 'unconfined',
            'node.k8s.io/x': '1',
            'example.com/fine': 'ok',
          },
        }),
      ]),
    );
    expect(t.problems.map((p) => p.field)).toEqual([
      'labels["Bad Key"]',
      'labels["app.kubernetes.io/name"]',
      'labels["container.apparmor.security.beta.kubernetes.io/web"]',
      'labels["longshore.io/stack"]',
      'labels["node.k8s.io/x"]',
    ]);
    expect(t.problems[1]?.message).toContain('reserves');
  });

  it('keeps the selector labels on the pods whatever the user labels say', () => {
    const t = translate(stack([service('web', { labels: { tier: 'front' } })]));
    const { deployment } = pick(t.objects, 'web');
    const podLabels = deployment?.spec?.template.metadata?.labels ?? {};
    for (const [k, v] of Object.entries(deployment?.spec?.selector.matchLabels ?? {})) expect(podLabels[k]).toBe(v);
  });
});
