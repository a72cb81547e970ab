import { describe, expect, it } from 'vitest';
import { joinCommandLine } from '../../../src/dockercloud/command-line.ts';
import {
  linkTarget,
  nameFromImage,
  serviceName,
  toDns1123Label,
  volumesFromService,
} from '../../../src/dockercloud/service-names.ts';
import { splitShellWords } from '../../../src/translate/shell-words.ts';

describe('command lines', () => {
  it.each<[string[], string]>([
    [['nginx', '-g', 'daemon off;'], "nginx -g 'daemon off;'"],
    [['sh', '-c', "echo 'a b'"], `sh -c 'echo '"'"'a b'"'"''`],
    [['printf', ''], "printf ''"],
    [['/bin/true'], '/bin/true'],
  ])('joins %j so that it splits back', (args, line) => {
    expect(joinCommandLine(args)).toBe(line);
    expect(splitShellWords(line)).toEqual({ ok: true, value: args });
  });
});

describe('service names', () => {
  it.each([
    ['web', 'web'],
    ['pieTracker', 'pietracker'],
    ['MariadbGalera', 'mariadbgalera'],
  ])('%s is the service %s', (raw, name) => {
    expect(serviceName(raw)).toEqual({ ok: true, value: name });
  });

  it.each([
    ['my_db', 'my-db'],
    ['web.1', 'web-1'],
    ['-web-', 'web'],
    ['a'.repeat(70), 'a'.repeat(63)],
  ])('%s is refused, suggesting %s', (raw, suggestion) => {
    const result = serviceName(raw);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toContain(`for example to "${suggestion}"`);
  });

  it('makes labels of anything, for stack names', () => {
    expect(toDns1123Label('docker-cloud')).toBe('docker-cloud');
    expect(toDns1123Label('My Stack_v2!')).toBe('my-stack-v2');
    expect(toDns1123Label('___')).toBe('');
  });

  it("takes Docker Cloud's default name from an image", () => {
    expect(nameFromImage('tutum/hello-world:latest')).toBe('hello-world');
    expect(nameFromImage('registry:5000/a/b/c@sha256:abc')).toBe('c');
    expect(nameFromImage('redis')).toBe('redis');
  });

  it("reads a link's target: a service, or service.stack folded to lower case", () => {
    expect(linkTarget('DB')).toEqual({ ok: true, value: 'db' });
    expect(linkTarget('postgres.PostgREST')).toEqual({ ok: true, value: 'postgres.postgrest' });
    expect(linkTarget('a.b.c')).toMatchObject({ ok: false, error: expect.stringContaining('one dot at most') });
    expect(linkTarget('my_db.other')).toMatchObject({
      ok: false,
      error: expect.stringContaining('"my_db" is not a valid service name'),
    });
    expect(linkTarget('/api/app/v1/service/x/')).toMatchObject({ ok: false, error: expect.stringContaining('resource URI') });
  });

  it('refuses volumes from another stack, and resource URIs', () => {
    expect(volumesFromService('db.other')).toMatchObject({
      ok: false,
      error: expect.stringContaining('of stack "other": volumes are not shared across stacks'),
    });
    expect(volumesFromService('/api/app/v1/service/x/')).toMatchObject({
      ok: false,
      error: expect.stringContaining('resource URI'),
    });
    expect(volumesFromService('DB')).toEqual({ ok: true, value: 'db' });
  });
});
