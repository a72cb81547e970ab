// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${VAR} here is stack-file interpolation syntax, not a template
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { convertStackFiles, runConvert } from '../../../src/cli/convert.ts';

import { CORPUS_DIR as CORPUS } from '../../support/corpus.ts';

/** runConvert with files in memory; what it printed and its exit code. */
async function run(args: string[], files: Record<string, string>, env: Record<string, string> = {}) {
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
  return { code, stdout, stderr };
}

describe('longshore convert', () => {
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
      'warning: service "web": port 80:80/tcp: outer port 80 lies outside the node port range 30000-32767: the cluster picks a node port (LONGSHORE_PUBLISHED_SERVICE_TYPE=HostPort or LoadBalancer keeps it) [assuming LONGSHORE_PUBLISHED_SERVICE_TYPE=NodePort]\n' +
        'warning: service "web": port 4500:4500/udp: outer port 4500 lies outside the node port range 30000-32767: the cluster picks a node port (LONGSHORE_PUBLISHED_SERVICE_TYPE=HostPort or LoadBalancer keeps it) [assuming LONGSHORE_PUBLISHED_SERVICE_TYPE=NodePort]\n',
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
    expect(stderr).toBe('warning: s.yml: the MISSING variable is not set: it is replaced by an empty string\n');
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
    const manifest = parse(result.manifest);
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
