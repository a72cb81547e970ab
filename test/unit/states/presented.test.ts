import { describe, expect, it } from 'vitest';
import type { DesiredState, Stack, StackState } from '../../../src/model/stack.ts';
import { isSynchronized, presentedState, reportedServiceState } from '../../../src/states/presented.ts';

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

  it('shows a stop of a stack that is Not Running (a failed start) as Stopping until seen', () => {
    expect(presentedState(stack('Stopped', 3, 2, 'Not Running'))).toBe('Stopping');
    expect(presentedState(stack('Stopped', 3, 2, 'Stopped'))).toBe('Stopped');
    expect(presentedState(stack('Stopped', 3, 2, 'Starting'))).toBe('Stopping');
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

  it('stays false while a stack meant to run is Starting or Redeploying: not every service runs the definition yet', () => {
    for (const state of ['Starting', 'Redeploying'] as const) {
      const s = stack('Running', 3, 3, state);
      s.status!.synchronized = true; // every workload has taken the new template...
      expect(isSynchronized(s)).toBe(false); // ...but old Pods, or none, still run
    }
    const running = stack('Running', 3, 3, 'Running');
    running.status!.synchronized = true;
    expect(isSynchronized(running)).toBe(true);
  });

  it('is true for a stopped or never-started stack whose workloads took the definition', () => {
    for (const [desired, state] of [
      ['Stopped', 'Stopped'],
      ['Stopped', 'Stopping'],
      [undefined, 'Not Running'],
    ] as const) {
      const s = stack(desired, 2, 2, state);
      s.status!.synchronized = true;
      expect(isSynchronized(s)).toBe(true);
    }
  });
});

describe('reportedServiceState', () => {
  it('is the state of the service\'s entry in status, "Not running" before the controller reported one', () => {
    expect(reportedServiceState(undefined)).toBe('Not running');
    expect(
      reportedServiceState({ name: 'web', state: 'Scaling', targetContainers: 2, currentContainers: 1, readyContainers: 1 }),
    ).toBe('Scaling');
  });
});
