// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${VAR} here is stack-file interpolation syntax, not a template
import { describe, expect, it } from 'vitest';
import { parseStackFile, readStackFile } from '../../../src/dockercloud/stackfile.ts';
import type { ServiceSpec } from '../../../src/model/stack.ts';

function specs(text: string, env: Record<string, string> = {}): ServiceSpec[] {
  const result = parseStackFile(text, { env });
  if (!result.ok) throw new Error(result.errors.map((e) => `${e.field}: ${e.message}`).join('\n'));
  return result.value;
}

function errors(text: string, env: Record<string, string> = {}): string[] {
  const result = parseStackFile(text, { env });
  if (result.ok) throw new Error(`accepted: ${JSON.stringify(result.value)}`);
  return result.errors.map((e) => (e.field === '' ? e.message : `${e.field}: ${e.message}`));
}

describe('YAML 1.1 against 1.2: what the user meant', () => {
  it('reads an unquoted 22:22 as the port mapping, not as the number 1342', () => {
    expect(specs('ssh:\n  image: sshd\n  ports:\n    - 22:22\n')[0]?.containerPorts).toEqual([
      { innerPort: 22, outerPort: 22, published: true },
    ]);
  });

  it('reads autodestroy: no and restart: no as off', () => {
    const [svc] = specs('web:\n  image: nginx\n  autodestroy: no\n  restart: no\n');
    expect(svc).toMatchObject({ autodestroy: 'OFF', autorestart: 'OFF' });
  });

  it('reads yes/no booleans as booleans where a boolean is expected', () => {
    expect(specs('web:\n  image: nginx\n  privileged: yes\n  tty: off\n')[0]).toMatchObject({ privileged: true, tty: false });
  });

  it('keeps environment, label and extra_hosts values as written', () => {
    const [svc] = specs(
      'web:\n  image: nginx\n  environment:\n    DEBUG: True\n    MODE: 0755\n    HEX: 0x10\n    F: 1.0\n    Q: "quoted"\n    EMPTY:\n  labels:\n    n: 010\n',
    );
    expect(svc?.containerEnvvars).toEqual([
      { key: 'DEBUG', value: 'True' },
      { key: 'MODE', value: '0755' },
      { key: 'HEX', value: '0x10' },
      { key: 'F', value: '1.0' },
      { key: 'Q', value: 'quoted' },
      { key: 'EMPTY', value: '' },
    ]);
    expect(svc?.labels).toEqual({ n: '010' });
  });

  it('keeps block scalars, with their final newline', () => {
    const [svc] = specs('lb:\n  image: haproxy\n  environment:\n    - |\n      CERT=line1\n      line2\n');
    expect(svc?.containerEnvvars).toEqual([{ key: 'CERT', value: 'line1\nline2\n' }]);
  });

  it('follows anchors and merge keys', () => {
    const text = 'a:\n  image: x\n  environment: &env\n    A: "1"\nb:\n  <<: {image: y}\n  environment: *env\n';
    expect(specs(text)).toEqual([
      { name: 'a', image: 'x', containerEnvvars: [{ key: 'A', value: '1' }] },
      { name: 'b', image: 'y', containerEnvvars: [{ key: 'A', value: '1' }] },
    ]);
  });
});

describe('interpolation, as the docker-cloud CLI does it', () => {
  it('replaces $VAR and ${VAR}, and $$ with "$"', () => {
    const [svc] = specs('web:\n  image: app:${TAG}\n  environment:\n    - URL=http://$HOST/x\n    - PASS=a$$b\n', {
      TAG: '1.2',
      HOST: 'h',
    });
    expect(svc).toMatchObject({
      image: 'app:1.2',
      containerEnvvars: [
        { key: 'URL', value: 'http://h/x' },
        { key: 'PASS', value: 'a$b' },
      ],
    });
  });

  it('replaces an unset variable with nothing and warns once', () => {
    const result = parseStackFile('web:\n  image: app:$TAG\n  command: run $TAG\n');
    expect(result).toMatchObject({ ok: true, value: [{ image: 'app:', runCommand: 'run ' }] });
    expect(result.warnings).toEqual([
      { service: 'web', key: 'image', message: 'the TAG variable is not set: it is replaced by an empty string' },
    ]);
  });

  it('refuses a "$" that starts no variable, naming service and key', () => {
    expect(errors('web:\n  image: nginx\n  environment:\n    - PRICE=5$\n    - X=${A:-b}\n')).toEqual([
      'web.environment[0]: "PRICE=5$": invalid interpolation: use $NAME or ${NAME}, and $$ for a literal "$"',
      'web.environment[1]: "X=${A:-b}": invalid interpolation: use $NAME or ${NAME}, and $$ for a literal "$"',
    ]);
  });

  it('does not interpolate keys', () => {
    expect(specs('web:\n  image: nginx\n  environment:\n    $KEY: v\n', { KEY: 'X' })[0]?.containerEnvvars).toEqual([
      { key: '$KEY', value: 'v' },
    ]);
  });

  it('fills variables given without a value from the environment', () => {
    const [list] = specs('a:\n  image: x\n  environment:\n    - SECRET\n    - OTHER\n', { SECRET: 's3' });
    expect(list?.containerEnvvars).toEqual([
      { key: 'SECRET', value: 's3' },
      { key: 'OTHER', value: '' },
    ]);
    const [map] = specs('a:\n  image: x\n  environment:\n    SECRET:\n', { SECRET: 's3' });
    expect(map?.containerEnvvars).toEqual([{ key: 'SECRET', value: 's3' }]);
  });
});

describe('files that are not flat stack files', () => {
  it.each<[string, string, string[]]>([
    ['an empty file', '# nothing\n', ['the file is empty: a stack file maps service names to services']],
    [
      'a scalar document',
      './docker-compose.yml\n',
      ['a stack file maps service names to services; this file is a string ("./docker-compose.yml")'],
    ],
    ['a list', '- web\n', ['a stack file maps service names to services; this file is a list (["web"])']],
    [
      'compose version 2',
      "version: '2'\nservices:\n  web:\n    image: nginx\n",
      [
        'version: "version:" at the top level is Compose file format 2 or later; Docker Cloud stack files are the flat version-1 format, where every top-level key is a service',
        'services: "services:" at the top level is Compose file format 2 or later; Docker Cloud stack files are the flat version-1 format, where every top-level key is a service',
      ],
    ],
    [
      'a top-level volumes section without version',
      'web:\n  image: nginx\nvolumes:\n  db_data: {}\n',
      [
        'volumes: "volumes:" at the top level is Compose file format 2 or later; Docker Cloud stack files are the flat version-1 format, where every top-level key is a service',
      ],
    ],
    [
      'a duplicate key',
      'web:\n  image: nginx\n  image: httpd\n',
      ['not valid YAML: duplicate key "image" at line 3, column 3: give each key once'],
    ],
    [
      'a syntax error',
      'web:\n  image: [nginx\n',
      ['not valid YAML: Flow sequence in block collection must be sufficiently indented and end with a ] at line 3, column 1'],
    ],
    ['a service without settings', 'web:\n', ['web: has no settings: a service needs at least an image']],
    [
      'a service that is a list',
      'web:\n  - nginx\n',
      ['web: must be a mapping of keys to values (a service), not a list (["nginx"])'],
    ],
    [
      'a "name" that differs from the key',
      'web:\n  name: api\n  image: nginx\n',
      ['web.name: "api" differs from the service\'s key "web": in a stack file the key names the service'],
    ],
    [
      'a bad value, named by service and key',
      'web:\n  image: nginx\n  ports:\n    - "80"\n    - "http"\n',
      ['web.ports[1]: "http" is not a port: use "80", "8080:80" or "500/udp"'],
    ],
    [
      'an unsupported key, named by service',
      'fuse:\n  image: s3ql\n  cpuset: "0,1"\n',
      ['fuse: "cpuset" is not supported: Kubernetes has no per-container CPU pinning'],
    ],
  ])('%s', (_title, text, expected) => {
    expect(errors(text)).toEqual(expected);
  });

  it('accepts a "name" equal to the key, as the CLI overrides it anyway', () => {
    expect(specs('mongo:\n  name: mongo\n  image: mongo\n')).toEqual([{ name: 'mongo', image: 'mongo' }]);
  });
});

describe('readStackFile', () => {
  it('gives the services as the docker-cloud CLI sends them: the keys plus the name, last', () => {
    expect(readStackFile('web:\n  image: nginx\n  ports: ["80"]\n')).toEqual({
      ok: true,
      value: [{ name: 'web', body: { image: 'nginx', ports: ['80'], name: 'web' } }],
      warnings: [],
    });
  });
});
