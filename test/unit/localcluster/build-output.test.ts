import { describe, expect, it } from 'vitest';
import { binaryFromBuildOutput } from '../../../src/localcluster/build-output.ts';
import { registryFromBuildOutput } from '../../../src/localcluster/registry.ts';

const lines = ['COREDNS=/c/coredns-v1/coredns', 'REGISTRY=/c/registry-v0.22.1/registry', '/c/k8s'];

describe("cluster/build.sh's NAME=<path> lines", () => {
  it('name each part cached under its own key', () => {
    expect(binaryFromBuildOutput(lines, 'COREDNS')).toBe('/c/coredns-v1/coredns');
    expect(registryFromBuildOutput(lines)).toBe('/c/registry-v0.22.1/registry');
  });

  it('say when an older build.sh printed no such line', () => {
    expect(() => registryFromBuildOutput(['/c/k8s'])).toThrow('cluster/build.sh printed no REGISTRY=<path> line');
  });
});
