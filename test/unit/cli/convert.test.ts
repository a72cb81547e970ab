// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${VAR} here is stack-file interpolation syntax, not a template
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { convertStackFiles, formatWarning, runConvert } from '../../../src/cli/convert.ts';
import { IGNORED_KEYS } from '../../../src/dockercloud/stackfile-keys.ts';

import { CORPUS_DIR as CORPUS } from '../../support/corpus.ts';

/** runConvert with files in memory; what it printed and its exit code. */
/** The warning about services that set no restart policy: asserted by its own test, left out of the others. */
const RESTART_DEFAULT = /^warning: .*set no restart policy: .*\n/gm;

async function run(args: string[], files: Record<string, string>, env: Record<string, string> = {}, keepRestartWarning = false) {
  let stdout = '';
  let stderr = '';
  const code = await runConvert(args, {
    readFile: async (path) => {
      const text = files[path];
      if (text === undefined) throw Object.assign(new Error(`no ${path}`), { code: 'ENOENT' });
      return text;
    },
    env,
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
  });
  return { code, stdout, stderr: keepRestartWarning ? stderr : stderr.replace(RESTART_DEFAULT, '') };
}

describe('longshore convert', () => {
  it("warns once per file of the services that set no restart policy (Docker Cloud's default was OFF)", async () => {
    const files = {
      'a.yml':
        'web:\n  image: nginx\ncert:\n  image: certbot\n  command: certonly\nonce:\n  image: x\n  autodestroy: always\njob:\n  image: y\n  restart: "no"\n',
    };
    const { code, stderr } = await run(['a.yml'], files, {}, true);
    expect(code).toBe(0);
    expect(stderr).toBe(
      'warning: a.yml: "web", "cert" set no restart policy: Docker Cloud did not restart their containers (autorestart OFF by default); Longshore restarts them (ALWAYS). Give a service that runs once `restart: no` (or `on-failure`)\n',
    );
  });

  it('writes a Stack manifest for kubectl, named after the file', async () => {
    const { code, stdout, stderr } = await run(['docker-cloud.yml'], {
      'docker-cloud.yml': 'web:\n  image: nginx\n  ports: ["30080:80"]\n',
    });
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(parse(stdout)).toEqual({
      apiVersion: 'longshore.io/v1alpha1',
      kind: 'Stack',
      metadata: { name: 'docker-cloud' },
      spec: {
        services: [{ name: 'web', image: 'nginx', containerPorts: [{ innerPort: 80, outerPort: 30080, published: true }] }],
      },
    });
  });

  it('warns when a published port will not keep its number, for the publishing mode in the environment', async () => {
    const files = { 'docker-cloud.yml': 'web:\n  image: nginx\n  ports: ["80:80", "30080:8080", "4500:4500/udp"]\n' };
    const byDefault = await run(['docker-cloud.yml'], files);
    expect(byDefault.code).toBe(0);
    expect(byDefault.stderr).toBe(
      'warning: docker-cloud.yml: service "web": ports: port 80:80/tcp: outer port 80 lies outside the node port range 30000-32767: the cluster picks a node port (LONGSHORE_PUBLISHED_SERVICE_TYPE=HostPort or LoadBalancer keeps it) [assuming LONGSHORE_PUBLISHED_SERVICE_TYPE=NodePort]\n' +
        'warning: docker-cloud.yml: service "web": ports: port 4500:4500/udp: outer port 4500 lies outside the node port range 30000-32767: the cluster picks a node port (LONGSHORE_PUBLISHED_SERVICE_TYPE=HostPort or LoadBalancer keeps it) [assuming LONGSHORE_PUBLISHED_SERVICE_TYPE=NodePort]\n',
    );
    const hostPorts = await run(['docker-cloud.yml'], files, { LONGSHORE_PUBLISHED_SERVICE_TYPE: 'HostPort' });
    expect({ code: hostPorts.code, stderr: hostPorts.stderr }).toEqual({ code: 0, stderr: '' });
  });

  it('takes --name, --namespace and --start', async () => {
    const { code, stdout } = await run(['--name', 'shop', 'a.yml', '--namespace', 'prod', '--start'], {
      'a.yml': 'web:\n  image: nginx\n',
    });
    expect(code).toBe(0);
    expect(parse(stdout)).toMatchObject({ metadata: { name: 'shop', namespace: 'prod' }, spec: { desiredState: 'Running' } });
  });

  it('quotes the strings that kubectl (YAML 1.1) would read as booleans', async () => {
    const { stdout } = await run(['s.yml'], {
      's.yml': 'web:\n  image: nginx\n  autodestroy: no\n  environment:\n    - DEMO=yes\n',
    });
    expect(stdout).toContain('autodestroy: "OFF"');
    expect(stdout).toContain('value: "yes"');
    expect(parse(stdout, { version: '1.1' })).toEqual(parse(stdout));
  });

  it('lets a later file replace a service whole, as the docker-cloud CLI does', async () => {
    const { code, stdout } = await run(['base.yml', 'override.yml'], {
      'base.yml': 'web:\n  image: nginx\n  environment: [A=1]\ndb:\n  image: postgres\n',
      'override.yml': 'web:\n  image: httpd\n  links: [db]\n',
    });
    expect(code).toBe(0);
    expect(parse(stdout).spec.services).toEqual([
      { name: 'web', image: 'httpd', linkedToService: [{ toService: 'db' }] },
      { name: 'db', image: 'postgres' },
    ]);
  });

  it('interpolates from the environment and warns about unset variables', async () => {
    const { code, stdout, stderr } = await run(
      ['s.yml'],
      { 's.yml': 'web:\n  image: app:${TAG}\n  command: run $MISSING\n' },
      { TAG: '7' },
    );
    expect(code).toBe(0);
    expect(parse(stdout).spec.services[0]).toEqual({ name: 'web', image: 'app:7', runCommand: 'run ' });
    expect(stderr).toBe(
      'warning: s.yml: service "web": command: the MISSING variable is not set: it is replaced by an empty string\n',
    );
  });

  it('refuses with exit code 1, naming file, service and key', async () => {
    const { code, stdout, stderr } = await run(['a.yml', 'b.yml'], {
      'a.yml': 'web:\n  image: nginx\n  cpuset: "0,1"\n',
      'b.yml': 'db:\n  image: postgres\n  ports: ["http"]\n',
    });
    expect({ code, stdout }).toEqual({ code: 1, stdout: '' });
    expect(stderr).toBe(
      'a.yml: service "web": "cpuset" is not supported: Kubernetes has no per-container CPU pinning\n' +
        'b.yml: service "db": ports[0]: "http" is not a port: use "80", "8080:80" or "500/udp"\n',
    );
  });

  it('names the file of a file that is not a stack file', async () => {
    const { code, stderr } = await run(['v2.yml'], { 'v2.yml': "version: '3'\nservices: {}\n" });
    expect(code).toBe(1);
    expect(stderr).toContain('v2.yml: version: "version:" at the top level is Compose file format 2 or later');
  });

  it('names a file it cannot read', async () => {
    expect(await run(['missing.yml'], {})).toEqual({ code: 1, stdout: '', stderr: 'missing.yml: cannot read: ENOENT\n' });
  });

  it('refuses wrong usage with exit code 2 and the usage', async () => {
    const noFile = await run([], {});
    expect(noFile.code).toBe(2);
    expect(noFile.stderr).toContain('no stack file given');
    const badOption = await run(['--replicas', '3', 'a.yml'], { 'a.yml': 'web:\n  image: nginx\n' });
    expect(badOption.code).toBe(2);
    expect(badOption.stderr).toContain('usage: longshore convert FILE');
  });

  it('refuses a --name or --namespace that is no DNS-1123 label, suggesting one', async () => {
    const { code, stderr } = await run(['--name', 'My_Stack', '--namespace', 'Prod', 'a.yml'], {
      'a.yml': 'web:\n  image: nginx\n',
    });
    expect(code).toBe(1);
    expect(stderr).toBe(
      '--name "My_Stack" is not a valid stack name: it must be a DNS-1123 label, such as "my-stack"\n' +
        '--namespace "Prod" is not a valid namespace: it must be a DNS-1123 label\n',
    );
  });

  it('warns, naming file, service and key in file order, and still converts', async () => {
    const { code, stdout, stderr } = await run(['s.yml'], {
      's.yml': [
        'web:',
        '  image: nginx',
        '  container_name: my-web',
        '  environment: [SECRET, MODE=prod]',
        '  links: [cache.other, db]',
        '  volumes_from: [data]',
        'db:',
        '  image: postgres',
        'data:',
        '  image: busybox',
        '',
      ].join('\n'),
    });
    expect(code).toBe(0);
    expect(parse(stdout).spec.services[0].containerEnvvars).toEqual([
      { key: 'SECRET', value: '' },
      { key: 'MODE', value: 'prod' },
    ]);
    expect(stderr.trimEnd().split('\n')).toEqual([
      'warning: s.yml: service "web": container_name: is ignored: Kubernetes names a service\'s containers itself; other services reach this one by the service\'s name, not by a container name',
      'warning: s.yml: service "web": environment[0]: "SECRET" has no value and is not set in the converting shell, so it is set to the empty string; give it a value (SECRET=...) or set it before converting',
      'warning: s.yml: service "web": links[0]: needs stack "other" with a service "cache" in the namespace',
      'warning: s.yml: service "web": links[1]: "db" lists no ports, so the link sets no DB_PORT_* variables (Docker set them for the ports its image EXPOSEs, which Longshore cannot read): list the ports "db" listens on (expose) if its users read those variables',
      'warning: s.yml: service "web": volumes_from[0]: "data" declares no volumes, so nothing is mounted from it (on Docker Cloud they came from the VOLUME lines of its image, which Longshore cannot read): list those paths as volumes of "data"',
    ]);
  });

  it('takes a variable without a value from the shell, silently', async () => {
    const { code, stdout, stderr } = await run(
      ['s.yml'],
      { 's.yml': 'web:\n  image: nginx\n  environment: [SECRET]\n' },
      { SECRET: 's3' },
    );
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(parse(stdout).spec.services[0].containerEnvvars).toEqual([{ key: 'SECRET', value: 's3' }]);
  });

  it('refuses what the Pod Security level refuses (baseline by default), naming the setting that allows it', async () => {
    const files = { 's.yml': 'web:\n  image: nginx\n  volumes: ["/var/run/docker.sock:/var/run/docker.sock"]\n  net: host\n' };
    const { code, stdout, stderr } = await run(['s.yml'], files);
    expect({ code, stdout }).toEqual({ code: 1, stdout: '' });
    expect(stderr.trimEnd().split('\n')).toEqual([
      's.yml: service "web": volumes[0]: hostPath volumes are forbidden in a namespace whose Pod Security level is "baseline" (spec.volumes[0].hostPath); a cluster administrator can allow it by labelling the namespace pod-security.kubernetes.io/enforce=privileged',
      's.yml: service "web": net: sharing the host\'s network namespace is forbidden in a namespace whose Pod Security level is "baseline" (spec.hostNetwork); a cluster administrator can allow it by labelling the namespace pod-security.kubernetes.io/enforce=privileged',
      '(checked against Pod Security level "baseline", as Longshore would check a namespace without the pod-security.kubernetes.io/enforce label; give the level of the namespace the stack is for with --pod-security-level)',
    ]);
    // The namespace's own level, given: converted.
    expect((await run(['--pod-security-level', 'privileged', 's.yml'], files)).code).toBe(0);
    // Longshore's default for namespaces without a label, as the operator is configured.
    expect((await run(['s.yml'], files, { LONGSHORE_POD_SECURITY_DEFAULT: 'privileged' })).code).toBe(0);
    // Named with --namespace, the namespace is named.
    const named = await run(['--namespace', 'prod', 's.yml'], files);
    expect(named.stderr).toContain('in namespace "prod", whose Pod Security level is "baseline"');
  });

  it('refuses a privileged container at baseline, and uid 0 at restricted', async () => {
    const privileged = await run(['s.yml'], { 's.yml': 'web:\n  image: nginx\n  privileged: true\n' });
    expect(privileged.code).toBe(1);
    expect(privileged.stderr).toContain('s.yml: service "web": privileged: privileged containers are forbidden');
    const root = { 's.yml': 'web:\n  image: nginx\n  user: "0"\n' };
    expect((await run(['s.yml'], root)).code).toBe(0);
    const restricted = await run(['--pod-security-level', 'restricted', 's.yml'], root);
    expect(restricted.code).toBe(1);
    expect(restricted.stderr).toContain('s.yml: service "web": user: running as uid 0 is forbidden');
  });

  it('refuses an unknown Pod Security level as wrong usage', async () => {
    const files = { 's.yml': 'web:\n  image: nginx\n' };
    expect(await run(['--pod-security-level', 'lax', 's.yml'], files)).toEqual({
      code: 2,
      stdout: '',
      stderr: 'longshore convert: --pod-security-level "lax" is not a Pod Security level: use privileged, baseline, restricted\n',
    });
    const fromEnv = await run(['s.yml'], files, { LONGSHORE_POD_SECURITY_DEFAULT: 'open' });
    expect(fromEnv.code).toBe(2);
    expect(fromEnv.stderr).toContain('LONGSHORE_POD_SECURITY_DEFAULT "open" is not a Pod Security level');
  });

  it('prints help', async () => {
    const { code, stdout } = await run(['--help'], {});
    expect(code).toBe(0);
    expect(stdout).toContain('--namespace NS');
  });
});

describe('convertStackFiles on the corpus', () => {
  it('converts a real file with a DNS-1123 name made of its file name', () => {
    const path = `${CORPUS}/018-develar-cloud-intellij.yml`;
    const result = convertStackFiles([{ path, text: readFileSync(path, 'utf8') }]);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const manifest = parse(result.value);
    expect(manifest.metadata.name).toBe('018-develar-cloud-intellij');
    expect(manifest.spec.services.map((s: { name: string }) => s.name)).toEqual(['mqauth', 'certs-mq', 'certs-web', 'mq', 'web']);
  });

  it('refuses a real file, naming file, service and key', () => {
    const path = `${CORPUS}/059-murf0-pieTrackr.yml`;
    expect(convertStackFiles([{ path, text: readFileSync(path, 'utf8') }])).toEqual({
      ok: false,
      errors: [
        `${path}: service "pieTracker": restart: "on_failure" is not a restart policy: use no, on-failure or always (did you mean on-failure?)`,
      ],
      warnings: [],
    });
  });
});

describe('convert over the whole corpus', () => {
  const files = readdirSync(CORPUS)
    .filter((f) => f.endsWith('.yml'))
    .sort();
  const results = files.map((file) => {
    const path = `${CORPUS}/${file}`;
    const text = readFileSync(path, 'utf8');
    return { file, text, result: convertStackFiles([{ path: file, text }], { podSecurityLevel: 'privileged' }) };
  });
  const warnings = results.flatMap(({ result }) => result.warnings);
  const count = (part: string) => warnings.filter((w) => w.message.includes(part)).length;

  it('converts 57 of the 60 files at the privileged level; the default level refuses 23 of them, as the controller would', () => {
    expect(results.filter((r) => r.result.ok)).toHaveLength(57);
    const refusedByLevel = results.flatMap(({ file, text }) => {
      const atDefault = convertStackFiles([{ path: file, text }]);
      return !atDefault.ok && atDefault.refusedByPolicy === true ? [file.slice(0, 3)] : [];
    });
    expect(refusedByLevel).toEqual(
      '007 008 011 013 014 015 019 020 023 025 028 029 030 031 033 034 035 040 042 043 047 056 057'.split(' '),
    );
  });

  it('says what cannot be known: links to siblings without ports, volumes_from siblings without volumes, a variable without a value, container_name', () => {
    expect(count('lists no ports, so the link sets no')).toBe(54);
    expect(count('RABBITMQ_PORT_*')).toBeGreaterThan(0);
    expect(
      warnings.filter((w) => w.message.includes('declares no volumes')).map((w) => `${w.file.slice(0, 3)} ${w.service}`),
    ).toEqual([
      '001 haproxy',
      '007 ikev2-vpn-mobileconfig',
      '008 mongo',
      '018 mq',
      '018 web',
      '045 haproxy',
      '046 haproxy',
      '052 mongo-db-uptime',
    ]);
    expect(warnings.filter((w) => w.message.includes('has no value and is not set'))).toEqual([
      expect.objectContaining({ file: '024-ditinc-airwatch.yml', service: 'airwatch-proxy', key: 'environment[0]' }),
    ]);
    expect(warnings.filter((w) => w.key === 'container_name')).toEqual([
      expect.objectContaining({ file: '048-asosgaming-jira.yml', service: 'jira' }),
    ]);
  });

  it('names file, service and key in every warning about a service, in file order', () => {
    for (const { file, result } of results) {
      for (const w of result.warnings) {
        expect(w.file).toBe(file);
        if (w.service !== undefined) expect(w.key, formatWarning(w)).toBeDefined();
      }
    }
    const links = results
      .find((r) => r.file.startsWith('022'))
      ?.result.warnings.map((w) => w.key)
      .filter((k) => k?.startsWith('links'));
    expect(links).toEqual(['links[0]', 'links[1]']);
  });

  it('drops no key silently: every key of every service is mapped, refused or warned of', () => {
    const table = readFileSync(new URL('../../../docs/stack-files.md', import.meta.url), 'utf8');
    const warned = new Set(Object.keys(IGNORED_KEYS));
    for (const { file, text, result } of results) {
      const services = parse(text) as Record<string, Record<string, unknown>>;
      for (const [name, body] of Object.entries(services)) {
        for (const key of Object.keys(body ?? {})) {
          // In the key table, so its treatment is documented (test/unit/model/key-table.test.ts)...
          expect(table, `${file}: ${name}.${key} in docs/stack-files.md`).toContain(`\`${key}\``);
          // ...and a key that is ignored is warned of where it is used.
          if (warned.has(key) && result.ok)
            expect(
              result.warnings.some((w) => w.service === name && w.key === key),
              `${file}: ${name}.${key}`,
            ).toBe(true);
        }
      }
    }
  });
});
