// stackWarnings: what a stack relied on from its images on Docker Cloud, said from the spec alone.
import { describe, expect, it } from 'vitest';
import { stackWarnings } from '../../../src/translate/warnings.ts';
import { service } from './fixtures.ts';

describe('stackWarnings', () => {
  it('warns of a link to a sibling that lists no ports: no ALIAS_PORT_* variables', () => {
    const warnings = stackWarnings({
      services: [
        service('web', { linkedToService: [{ toService: 'queue', name: 'rabbit-mq' }, { toService: 'db' }] }),
        service('queue'),
        service('db', { containerPorts: [{ innerPort: 5432 }] }),
      ],
    });
    expect(warnings).toEqual([
      {
        service: 'web',
        field: 'linkedToService[0]',
        message:
          '"queue" lists no ports, so the link sets no RABBIT_MQ_PORT_* variables (Docker set them for the ports its image EXPOSEs, which Longshore cannot read): list the ports "queue" listens on (expose) if its users read those variables',
      },
    ]);
  });

  it('says nothing of links outside the stack: their ports are known only in the namespace', () => {
    expect(
      stackWarnings({ services: [service('web', { linkedToService: [{ toService: 'db.other' }, { toService: 'plain' }] })] }),
    ).toEqual([]);
  });

  it('warns of volumes_from a sibling that declares no volumes, directly or through its own volumes_from', () => {
    const warnings = stackWarnings({
      services: [
        service('web', { bindings: [{ volumesFrom: 'certs' }, { volumesFrom: 'data' }, { volumesFrom: 'relay' }] }),
        service('certs'),
        service('data', { bindings: [{ containerPath: '/data' }] }),
        service('relay', { bindings: [{ volumesFrom: 'data' }] }),
      ],
    });
    expect(warnings).toEqual([
      {
        service: 'web',
        field: 'bindings[0].volumesFrom',
        message:
          '"certs" declares no volumes, so nothing is mounted from it (on Docker Cloud they came from the VOLUME lines of its image, which Longshore cannot read): list those paths as volumes of "certs"',
      },
    ]);
  });

  it('ends on services taking volumes from each other in a circle', () => {
    const warnings = stackWarnings({
      services: [service('a', { bindings: [{ volumesFrom: 'b' }] }), service('b', { bindings: [{ volumesFrom: 'a' }] })],
    });
    expect(warnings.map((w) => [w.service, w.field])).toEqual([
      ['a', 'bindings[0].volumesFrom'],
      ['b', 'bindings[0].volumesFrom'],
    ]);
  });
});
