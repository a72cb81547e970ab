// What cannot be known is said (issue #10, item 5), against the real API server: a stack file
// whose link targets a service listing no ports and whose volumes_from names a service
// declaring no volumes converts with those warnings, and the Stack made of it shows the same
// warnings in its Warnings condition and as CannotBeKnown Events, once each (not at every
// reconcile); the condition goes back to False when the spec says what was missing.
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { convertStackFiles, formatWarning } from '../../src/cli/convert.ts';
import type { Condition, Stack, StackSpec } from '../../src/model/stack.ts';
import { createTestNamespace, kubeConfig } from './support/cluster.ts';
import { runLongshore } from './support/longshore.ts';
import { StackClient } from './support/stacks.ts';
import { waitFor } from './support/wait.ts';

const kc = kubeConfig();
const ns = await createTestNamespace('warnings');
await runLongshore(ns);
const stacks = new StackClient(kc, ns);

const FILE = `
web:
  image: nginx:1.27
  links: ["queue:rabbitmq"]
  volumes_from: [certs]
queue:
  image: rabbitmq:3
certs:
  image: busybox:1
`;

const condition = (s: Stack | undefined, type: string): Condition | undefined =>
  s?.status?.conditions?.find((c) => c.type === type);

describe('the warnings of a stack', () => {
  it('are said by convert, and shown by the Stack in its Warnings condition and Events, once each', async () => {
    const converted = convertStackFiles([{ path: 'docker-cloud.yml', text: FILE }], { start: true });
    expect(converted.ok).toBe(true);
    if (!converted.ok) return;
    expect(converted.warnings.map(formatWarning)).toEqual([
      expect.stringMatching(/^docker-cloud\.yml: "web", "queue", "certs" set no restart policy/),
      expect.stringMatching(
        /^docker-cloud\.yml: service "web": links\[0\]: "queue" lists no ports, so the link sets no RABBITMQ_PORT_\* variables/,
      ),
      expect.stringMatching(/^docker-cloud\.yml: service "web": volumes_from\[0\]: "certs" declares no volumes/),
    ]);
    const spec = (parse(converted.value) as { spec: StackSpec }).spec;
    await stacks.create('chat', spec);

    const expected = [
      expect.stringMatching(/^web: linkedToService\[0\]: "queue" lists no ports, so the link sets no RABBITMQ_PORT_\* variables/),
      expect.stringMatching(/^web: bindings\[0\]\.volumesFrom: "certs" declares no volumes/),
    ];
    const shown = await waitFor('the Warnings condition', 60_000, async () => {
      const warnings = condition(await stacks.get('chat'), 'Warnings');
      return warnings?.status === 'True' ? warnings : undefined;
    });
    expect(shown.reason).toBe('CannotBeKnown');
    expect(shown.message.split('; ')).toEqual(expected);

    // Several reconciles later (the stack started and runs), each warning has been said once.
    const running = await stacks.waitForState('chat', 'Running', 90_000);
    expect(condition(running, 'Degraded')?.status).toBe('False');
    const events = await waitFor('an Event for each warning', 30_000, async () => {
      const list = await stacks.core.listNamespacedEvent({ namespace: ns, fieldSelector: 'involvedObject.name=chat' });
      const mine = list.items.filter((e) => e.reason === 'CannotBeKnown');
      return mine.length >= 2 ? mine : undefined;
    });
    expect(events.map((e) => e.type)).toEqual(['Warning', 'Warning']);
    expect(events.map((e) => e.message).sort()).toEqual([...expected].reverse());
    expect(events.map((e) => e.count ?? 1)).toEqual([1, 1]);
  });

  it('go away once the spec says what the images said: Warnings=False', async () => {
    await stacks.patchSpec('chat', {
      services: [
        {
          name: 'web',
          image: 'nginx:1.27',
          linkedToService: [{ toService: 'queue', name: 'rabbitmq' }],
          bindings: [{ volumesFrom: 'certs' }],
        },
        { name: 'queue', image: 'rabbitmq:3', containerPorts: [{ innerPort: 5672 }] },
        { name: 'certs', image: 'busybox:1', bindings: [{ containerPath: '/certs' }] },
      ],
    });
    const cleared = await waitFor('Warnings=False', 60_000, async () => {
      const warnings = condition(await stacks.get('chat'), 'Warnings');
      return warnings?.status === 'False' ? warnings : undefined;
    });
    expect(cleared).toMatchObject({ reason: 'NoWarnings', message: 'nothing to warn about' });
  });
});
