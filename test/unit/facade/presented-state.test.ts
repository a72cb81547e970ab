import { describe, expect, it } from 'vitest';
import { isSynchronized, presentedState } from '../../../src/facade/presented-state.ts';
import type { DesiredState, Stack, StackState } from '../../../src/model/stack.ts';

function stack(desired: DesiredState | undefined, generation: number, observed: number | undefined, state?: StackState): Stack {
  return {
    apiVersion: 'longshore.io/v1alpha1',
    kind: 'Stack',
    metadata: { name: 's', namespace: 'default', generation },
    spec: { services: [], ...(desired ? { desiredState: desired } : {}) },
    ...(observed !== undefined ? { status: { observedGeneration: observed, ...(state ? { state } : {}) } } : {}),
  };
}

describe('presentedState', () => {
  it('is what the controller reported once it observed the spec, "Not Running" before any report', () => {
    expect(presentedState(stack(undefined, 1, undefined))).toBe('Not Running');
    expect(presentedState(stack('Running', 2, 2, 'Partly running'))).toBe('Partly running');
  });

  it('shows where an unobserved change is heading', () => {
    expect(presentedState(stack('Running', 2, 1, 'Not Running'))).toBe('Starting');
    expect(presentedState(stack('Running', 3, 2, 'Stopped'))).toBe('Starting');
    expect(presentedState(stack('Running', 3, 2, 'Running'))).toBe('Redeploying');
    expect(presentedState(stack('Stopped', 3, 2, 'Running'))).toBe('Stopping');
    expect(presentedState(stack('Terminated', 3, 2, 'Running'))).toBe('Terminating');
    expect(presentedState(stack(undefined, 2, 1, 'Not Running'))).toBe('Not Running');
  });

  it('is Terminating while Kubernetes deletes the Stack', () => {
    const s = stack('Running', 2, 2, 'Running');
    s.metadata.deletionTimestamp = '2024-03-01T12:00:00Z';
    expect(presentedState(s)).toBe('Terminating');
  });
});

describe('isSynchronized', () => {
  it('is false until the controller observed the spec, then what it reported', () => {
    expect(isSynchronized(stack('Running', 2, 1, 'Running'))).toBe(false);
    expect(isSynchronized(stack('Running', 2, 2, 'Running'))).toBe(true);
    const s = stack('Running', 2, 2, 'Running');
    s.status!.synchronized = false;
    expect(isSynchronized(s)).toBe(false);
  });
});
