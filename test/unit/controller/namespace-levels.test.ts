// The namespace cache: a namespace's level from its enforce label (else the default), and a
// call for each namespace whose level may have changed. The informer is fed by hand, as its
// watch would feed it.
import { KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { NamespaceLevels } from '../../../src/controller/namespace-levels.ts';

function levels(defaultLevel: 'privileged' | 'baseline' | 'restricted' = 'baseline') {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: [{ name: 'c', server: 'https://127.0.0.1:1' }],
    users: [{ name: 'u' }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
  const l = new NamespaceLevels({ kubeConfig, logger: pino({ level: 'silent' }), defaultLevel });
  const informer = l.informer as unknown as { put(o: KubernetesObject): void; remove(o: KubernetesObject): void };
  const ns = (name: string, labels: Record<string, string> = {}) => ({
    metadata: { name, labels: { 'kubernetes.io/metadata.name': name, ...labels }, annotations: { big: 'x'.repeat(1000) } },
  });
  return { l, put: (o: KubernetesObject) => informer.put(o), remove: (o: KubernetesObject) => informer.remove(o), ns };
}

describe('NamespaceLevels', () => {
  it("answers each namespace's enforce label, else the default", () => {
    const { l, put, ns } = levels('baseline');
    expect(l.levelOf('team-a')).toBe('baseline');
    put(ns('team-a', { 'pod-security.kubernetes.io/enforce': 'privileged' }));
    put(ns('team-b', { 'pod-security.kubernetes.io/enforce': 'restricted' }));
    put(ns('team-c'));
    put(ns('team-d', { 'pod-security.kubernetes.io/enforce': 'whatever' }));
    expect(['team-a', 'team-b', 'team-c', 'team-d'].map((n) => l.levelOf(n))).toEqual([
      'privileged',
      'restricted',
      'baseline',
      'restricted',
    ]);
    expect(levels('restricted').l.levelOf('anything')).toBe('restricted');
    // Only the label that counts is kept.
    expect(l.informer.get('/team-a')).toEqual({
      metadata: { name: 'team-a', labels: { 'pod-security.kubernetes.io/enforce': 'privileged' } },
    });
  });

  it('calls back when a namespace appears, goes or changes its enforce label, not for other changes', () => {
    const { l, put, remove, ns } = levels();
    const changed: string[] = [];
    l.onChange((n) => changed.push(n));
    put(ns('team-a'));
    put(ns('team-a', { other: 'label' }));
    put(ns('team-a', { 'pod-security.kubernetes.io/enforce': 'privileged' }));
    put(ns('team-a', { 'pod-security.kubernetes.io/enforce': 'privileged', more: 'x' }));
    remove(ns('team-a'));
    expect(changed).toEqual(['team-a', 'team-a', 'team-a']);
    expect(l.levelOf('team-a')).toBe('baseline');
  });
});
