import { describe, expect, it } from 'vitest';
import { checkStackFile, pathSegments, placeSpecErrors } from '../../../../src/facade/dashboard/stackfile-check.ts';

describe('checking a stack file for the dashboard', () => {
  it('gives the services as the docker-cloud CLI sends them when the file converts', () => {
    const result = checkStackFile('web:\n  image: nginx:1.27\n  ports:\n    - "80"\n');
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.services).toEqual([{ name: 'web', image: 'nginx:1.27', ports: ['80'] }]);
    expect(result.value.specs[0]?.containerPorts?.[0]).toMatchObject({ innerPort: 80, published: true });
  });

  it('places a refused value at the line of its key, named as in the file', () => {
    const text = 'db:\n  image: redis:7\nweb:\n  image: nginx:1.27\n  ports:\n    - "80"\n    - "http"\n';
    const result = checkStackFile(text);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toEqual([{ key: 'web.ports[1]', line: 7, message: expect.stringMatching(/http/) }]);
  });

  it('places a YAML syntax error at the line the parser names', () => {
    const result = checkStackFile('web:\n  image: nginx\n  image: redis\n');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors[0]?.message).toMatch(/duplicate key "image"/);
  });

  it('places whole-spec errors (schema, policy) at the service named by their index', () => {
    const text = 'a:\n  image: x\nb:\n  image: y\n  privileged: true\n';
    const placed = placeSpecErrors(
      text,
      [{ name: 'a' }, { name: 'b' }],
      [
        { field: 'services[1] (b).privileged', message: 'forbidden by the namespace' },
        { field: 'spec.services[0]', message: 'whole service' },
        { field: 'elsewhere', message: 'not in the file' },
        { field: 'spec.services[1].containerPorts[0].outerPort', message: 'taken' },
      ],
    );
    expect(placed).toEqual([
      { key: 'b.privileged', line: 5, message: 'forbidden by the namespace' },
      { key: 'a', line: 1, message: 'whole service' },
      { key: 'elsewhere', line: null, message: 'not in the file' },
      // A spec field is placed at the key that fills it (b has none: at b).
      { key: 'b.ports', line: 3, message: 'taken' },
    ]);
  });

  it('splits a key path into map keys and list indexes', () => {
    expect(pathSegments('web.ports[0].x')).toEqual(['web', 'ports', 0, 'x']);
    expect(pathSegments('web')).toEqual(['web']);
  });
});
