// Every stack file of the corpus (real Docker Cloud stacks) that the model's stack-file reader
// accepts must translate without throwing, under strict and permissive options alike.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseStackFile } from '../../../src/dockercloud/stackfile.ts';
import type { ServiceSpec } from '../../../src/model/stack.ts';
import { deriveStatus } from '../../../src/states/derive.ts';
import { CORPUS_DIR as CORPUS } from '../../support/corpus.ts';
import { stack, translate } from './fixtures.ts';

/** The corpus files the reader accepts; files it refuses are the model's tests' business. */
const readable: [string, ServiceSpec[]][] = (() => {
  let files: string[];
  try {
    files = readdirSync(CORPUS).filter((f) => f.endsWith('.yml'));
  } catch {
    return [];
  }
  return files.sort().flatMap((file): [string, ServiceSpec[]][] => {
    const parsed = parseStackFile(readFileSync(join(CORPUS, file), 'utf8'));
    return parsed.ok ? [[file, parsed.value]] : [];
  });
})();

const permissive = { publishMode: 'LoadBalancer' as const };

/**
 * The namespace the corpus would be deployed in: the other stacks its links name as
 * `service.stack` (verdandi, statsd-librato, ...) exist, with the services named.
 */
const otherStacks = (() => {
  const wanted = new Map<string, Set<string>>();
  for (const [, specs] of readable)
    for (const svc of specs)
      for (const link of svc.linkedToService ?? []) {
        const [service, other] = link.toService.split('.');
        if (service !== undefined && other !== undefined) wanted.set(other, (wanted.get(other) ?? new Set()).add(service));
      }
  return new Map(
    [...wanted].map(([name, services]) => [
      name,
      stack(
        [...services].map((n) => ({ name: n, image: 'x' })),
        {},
        { name },
      ),
    ]),
  );
})();
const surroundings = { stack: (name: string) => otherStacks.get(name) };

describe.skipIf(readable.length === 0)('the stack-file corpus', () => {
  it.each(readable)('%s translates in every lifecycle state, problems naming a service and a field', (_file, specs) => {
    for (const desiredState of ['Running', 'Stopped', undefined] as const) {
      for (const [options, podSecurityLevel] of [
        [{}, 'baseline'],
        [permissive, 'privileged'],
        [{}, 'restricted'],
      ] as const) {
        const s = stack(specs, { desiredState });
        const t = translate(s, options, { podSecurityLevel });
        for (const p of t.problems) {
          expect(specs.map((x) => x.name)).toContain(p.service);
          expect(p.field).not.toBe('');
        }
        const names = t.objects.map((o) => `${o.kind}/${o.metadata.name}`);
        expect(new Set(names).size).toBe(names.length);
        for (const o of t.objects) expect(o.metadata.name).toMatch(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/);
        const status = deriveStatus({
          stack: s,
          workloads: {},
          pods: {},
          problems: t.problems,
          conflicts: [],
          remainingChildren: 0,
          now: new Date(0),
        });
        expect(status.services).toHaveLength(specs.length);
      }
    }
  });

  it.each(['NodePort', 'LoadBalancer', 'HostPort'] as const)(
    'translates every readable file without problems in a privileged namespace (%s), but links to nothing',
    (publishMode) => {
      const problems = readable.flatMap(([file, specs]) =>
        translate(stack(specs), { publishMode }, { ...surroundings, podSecurityLevel: 'privileged' }).problems.map(
          (p) => `${file.slice(0, 3)}: ${p.service}.${p.field}`,
        ),
      );
      // Links to a service that is in no stack file and no Service of the namespace: genuine errors.
      const links = [
        '022: web.linkedToService[0].toService',
        '038: lb.linkedToService[0].toService',
        '040: nginx.linkedToService[0].toService',
      ];
      // 008 publishes container port 1440 on host ports 80 and 1440 and exposes container port 80:
      // a balancer's port 80 is reached from inside as well, so it cannot lead to 1440 and 80;
      // with host ports, a container port has one host port.
      const mode = {
        NodePort: [],
        LoadBalancer: ['008: cloudboost-dashboard.containerPorts[2].outerPort'],
        HostPort: ['008: cloudboost-dashboard.containerPorts[1].outerPort'],
      }[publishMode];
      expect(problems.sort()).toEqual([...links, ...mode].sort());
    },
  );
});
