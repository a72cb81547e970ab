// What the controller reads off Jobs and Nodes for one-shot services: how many indexes a
// Job's interval list names (its failed containers), and which nodes an EVERY_NODE one-shot
// counts.
import { describe, expect, it } from 'vitest';
import { isSchedulable } from '../../../src/controller/schedulable-nodes.ts';
import { countIndexes } from '../../../src/controller/status.ts';

describe('a Job interval list', () => {
  it('counts single indexes and ranges', () => {
    expect(countIndexes(undefined)).toBe(0);
    expect(countIndexes('')).toBe(0);
    expect(countIndexes('3')).toBe(1);
    expect(countIndexes('1,3-5,7')).toBe(5);
  });
});

describe('a schedulable node', () => {
  it('is one neither cordoned nor tainted NoSchedule or NoExecute', () => {
    expect(isSchedulable({ spec: {} })).toBe(true);
    expect(isSchedulable({ spec: { taints: [{ key: 'k', effect: 'PreferNoSchedule' }] } })).toBe(true);
    expect(isSchedulable({ spec: { unschedulable: true } })).toBe(false);
    expect(isSchedulable({ spec: { taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] } })).toBe(
      false,
    );
    expect(isSchedulable({ spec: { taints: [{ key: 'k', effect: 'NoExecute' }] } })).toBe(false);
  });
});
