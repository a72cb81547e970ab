// A StackReconciler over an in-memory cluster, case by case (issue #11): what a user of the
// controller relies on, without a control plane. Each row starts from a cluster state, runs one
// reconcile, and says what it answered and wrote.
import type { KubernetesObject } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import type { StackReconciler } from '../../../src/controller/stack-reconciler.ts';
import type { Condition, Stack, StackSpec, StackState } from '../../../src/model/stack.ts';
import type { ReconcileContext, ReconcileResult } from '../../../src/runtime/controller.ts';
import { desiredObjects } from '../../../src/translate/desired.ts';
import { defaultTranslateOptions } from '../../../src/translate/options.ts';
import { EMPTY_SURROUNDINGS } from '../../../src/translate/surroundings.ts';
import { service, stack } from '../translate/fixtures.ts';
import { apiError, FakeCluster } from './support/fake-cluster.ts';

const NS = 'team-a';
const KEY = `${NS}/shop`;
const web = service('web', { containerPorts: [{ innerPort: 80 }] });
const db = service('db', { containerPorts: [{ innerPort: 5432 }] });

/** The cluster a row starts from, and the reconciler that runs: a fresh process unless the row keeps one. */
interface Given {
  c: FakeCluster;
  reconciler: StackReconciler;
  ctx?: Partial<ReconcileContext>;
}

interface Case {
  case: string;
  given: () => Promise<Given>;
  /** What reconcile answers; or `fails`, what it fails with. */
  answers?: ReconcileResult;
  fails?: object;
  /** Every write, sorted: `apply Kind/name`, `delete Kind/name`, `create Kind/name`, `status State`. */
  writes?: string[];
  /** Only the deletes, sorted. */
  deletes?: string[];
  /** Only the applies, sorted. */
  applies?: string[];
  state?: StackState;
  condition?: Partial<Condition>;
  /** The reasons of the Events recorded, among others. */
  events?: string[];
  also?: (g: Given) => void;
}

function fresh(s: Stack): Given {
  const c = new FakeCluster();
  c.addStack(s);
  return { c, reconciler: c.reconciler() };
}

/** A converged, Running stack: reconciled, rolled out, reconciled again by `reconciler`. */
async function converged(spec: Partial<StackSpec> = {}): Promise<Given> {
  const g = fresh(stack([web, db], spec, { namespace: NS }));
  await g.reconciler.reconcile(KEY);
  g.c.rollOut(KEY);
  await g.reconciler.reconcile(KEY);
  expect(g.c.stack(NS, 'shop').status?.state).toBe('Running');
  return g;
}

/** The cluster as it is, seen by a process that has just started. */
const restarted = ({ c }: Given): Given => ({ c, reconciler: c.reconciler() });

/** Puts a new spec on the stack (a new generation), as `kubectl apply` would. */
function respec(g: Given, spec: (s: StackSpec) => StackSpec): Given {
  const current = g.c.stack(NS, 'shop');
  g.c.addStack({ ...current, metadata: { ...current.metadata, generation: 2 }, spec: spec(current.spec) });
  return g;
}

function terminatedAt(destroyedAt: string): Given {
  const s = stack([web], { desiredState: 'Terminated' }, { namespace: NS });
  return fresh({ ...s, status: { state: 'Terminated', destroyedAt, observedGeneration: 1 } });
}

const deletedStacks = new Map<FakeCluster, string[]>();
/** A cluster whose Stack deletions are noted (the retention's end). */
function noteDeletions(g: Given): Given {
  const deleted: string[] = [];
  deletedStacks.set(g.c, deleted);
  return { ...g, reconciler: g.c.reconciler({ deleteStack: async (_namespace, name) => void deleted.push(name) }) };
}

const stored = (c: FakeCluster) =>
  Object.entries(c.children)
    .flatMap(([kind, store]) => [...store.list()].map((o) => `${kind}/${o.metadata?.name}`))
    .sort();
const names = (objects: readonly KubernetesObject[]) => objects.map((o) => `${o.kind}/${o.metadata?.name}`).sort();

const cases: Case[] = [
  {
    case: 'converges from nothing: every object the translation wants is applied, and the stack says Starting',
    given: async () => fresh(stack([web, db], {}, { namespace: NS })),
    answers: {},
    state: 'Starting',
    also: ({ c }) => {
      const wanted = desiredObjects(c.stack(NS, 'shop'), defaultTranslateOptions, EMPTY_SURROUNDINGS).objects;
      expect(stored(c)).toEqual(names(wanted));
      expect(c.log.filter((e) => e.what === 'apply')).toHaveLength(wanted.length);
      // One status write: a stack with no state yet is not announced before the applies; its
      // first status says Starting with what the applies did (Synced).
      expect(c.statusWrites().map((s) => s.state)).toEqual(['Starting']);
      expect(c.statusWrites()[0]?.conditions?.find((x) => x.type === 'Synced')).toMatchObject({ status: 'True' });
    },
  },
  {
    case: 'writes nothing when the stack has converged, in the same process',
    given: converged,
    writes: [],
    state: 'Running',
  },
  {
    case: 'adopts its children after a restart: a fresh process (no memory of its applies) writes nothing',
    given: async () => restarted(await converged()),
    writes: [],
    state: 'Running',
  },
  {
    case: 'after a restart, still undoes an edit made while it was down (another field manager owns part of a spec)',
    given: async () => {
      const g = await converged();
      const d = g.c.children.Deployment.get(`${NS}/shop-web`)!;
      const edited = { ...d, metadata: { ...d.metadata, generation: (d.metadata?.generation ?? 0) + 1 } };
      g.c.children.Deployment.put({ ...edited, specEditors: ['kubectl-scale'] } as KubernetesObject);
      return restarted(g);
    },
    applies: ['apply Deployment/shop-web'],
  },
  {
    case: 'prunes the children of a service removed from the spec, and only those',
    given: async () => respec(restarted(await converged()), (s) => ({ ...s, services: [web] })),
    deletes: ['delete Deployment/shop-db', 'delete Service/shop-db'],
    also: ({ c }) => expect(stored(c).filter((n) => n.includes('shop-web'))).toEqual(['Deployment/shop-web', 'Service/shop-web']),
  },
  {
    case: 'leaves alone an object of the same name it does not own, and says so',
    given: async () => {
      const g = fresh(stack([web, db], {}, { namespace: NS }));
      g.c.children.Deployment.put(FOREIGN);
      return g;
    },
    condition: { type: 'Degraded', status: 'True', reason: 'NameConflict' },
    events: ['NameConflict'],
    also: ({ c }) => {
      expect(c.children.Deployment.get(`${NS}/shop-web`)).toEqual(FOREIGN);
      expect(c.log.some((e) => e.what === 'apply' && e.name === 'shop-web')).toBe(false);
    },
  },
  {
    case: 'defers while its cache is behind its own last status write (a stale cache decides nothing)',
    given: async () => {
      const g = fresh(stack([web, db], {}, { namespace: NS }));
      await g.reconciler.reconcile(KEY);
      // The cache shows a copy older than the status this process just wrote.
      const latest = g.c.stack(NS, 'shop');
      g.c.stacks.put({ ...latest, metadata: { ...latest.metadata, resourceVersion: '1' } } as Stack & KubernetesObject);
      return g;
    },
    answers: { deferred: true },
    writes: [],
  },
  {
    case: 'never lands a status derived from an old copy: a spec changed meanwhile makes the write fail (409), to be retried',
    given: async () => {
      const { c } = fresh(stack([web, db], {}, { namespace: NS }));
      const reconciler = c.reconciler({
        writeStatus: async (s, status) => {
          // Someone patches the spec between our read and our status write.
          respec({ c, reconciler }, (spec) => spec);
          return c.writeStatus(s, status);
        },
      });
      return { c, reconciler };
    },
    fails: { code: 409 },
    also: ({ c }) => expect(c.statusWrites()).toEqual([]),
  },
  {
    case: 'deletes a Terminated stack once its retention (an hour) has passed',
    given: async () => noteDeletions(terminatedAt('2024-05-01T10:00:00Z')), // two hours before the clock
    answers: {},
    also: ({ c }) => expect(deletedStacks.get(c)).toEqual(['shop']),
  },
  {
    case: 'keeps a Terminated stack until its retention has passed, and looks again then',
    given: async () => noteDeletions(terminatedAt('2024-05-01T11:30:00Z')), // half an hour before the clock
    answers: { requeueAfterMs: 30 * 60_000 },
    also: ({ c }) => expect(deletedStacks.get(c)).toEqual([]),
  },
  {
    case: 'applies nothing of a spec the schema refuses, and says why in status, naming the field',
    given: async () => fresh(stack([service('web', { targetNumContainers: -1 })], {}, { namespace: NS })),
    answers: {},
    condition: { type: 'Degraded', status: 'True', reason: 'InvalidSpec' },
    also: ({ c }) => {
      expect(stored(c)).toEqual([]);
      const degraded = c.stack(NS, 'shop').status?.conditions?.find((x) => x.type === 'Degraded');
      expect(degraded?.message).toMatch(/^spec\.services\[0\]\.targetNumContainers: /);
      expect(c.statusWrites()).toHaveLength(1);
    },
  },
  {
    case: 'applies the other services when one cannot be translated, and names the one that cannot',
    given: async () => fresh(stack([web, service('db', { tags: ['not a label'] })], {}, { namespace: NS })),
    condition: { type: 'Degraded', status: 'True', reason: 'UntranslatableService' },
    events: ['InvalidService'],
    also: ({ c }) => {
      expect(stored(c).some((n) => n.endsWith('shop-web'))).toBe(true);
      expect(stored(c).some((n) => n.endsWith('shop-db'))).toBe(false);
      expect(c.stack(NS, 'shop').status?.conditions?.find((x) => x.type === 'Degraded')?.message).toContain('db');
    },
  },
  {
    case: 'retries what may pass by itself: a first 503 fails the reconcile before any status says so',
    given: async () => {
      const g = fresh(stack([web], {}, { namespace: NS }));
      g.c.refuse.set('Deployment/shop-web', {
        error: apiError(503, 'the server is currently unable to handle the request'),
        persist: false,
      });
      return g;
    },
    fails: { code: 503 },
    also: ({ c }) =>
      expect(
        c
          .statusWrites()
          .flatMap((s) => s.conditions ?? [])
          .filter((x) => x.type === 'Synced' && x.status === 'False'),
      ).toEqual([]),
  },
];

const FOREIGN = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'shop-web', namespace: NS, uid: 'theirs' } };

describe('a StackReconciler, case by case', () => {
  it.each(cases)('$case', async (row) => {
    const g = await row.given();
    const mark = g.c.log.length;
    const outcome = g.reconciler.reconcile(KEY, g.ctx);
    if (row.fails !== undefined) await expect(outcome).rejects.toMatchObject(row.fails);
    else if (row.answers !== undefined) expect(await outcome).toEqual(row.answers);
    else await outcome;
    const written = g.c.log.slice(mark).flatMap((e) => {
      if (e.what === 'event') return [];
      return [e.what === 'status' ? `status ${e.state}` : `${e.what} ${e.kind}/${e.name}`];
    });
    if (row.writes !== undefined) expect(written.sort()).toEqual(row.writes);
    if (row.deletes !== undefined) expect(written.filter((w) => w.startsWith('delete ')).sort()).toEqual(row.deletes);
    if (row.applies !== undefined) expect(written.filter((w) => w.startsWith('apply ')).sort()).toEqual(row.applies);
    const status = g.c.stack(NS, 'shop').status;
    if (row.state !== undefined) expect(status?.state).toBe(row.state);
    if (row.condition !== undefined)
      expect(status?.conditions?.find((x) => x.type === row.condition?.type)).toMatchObject(row.condition);
    if (row.events !== undefined) expect(g.c.events().map((e) => e.reason)).toEqual(expect.arrayContaining(row.events));
    row.also?.(g);
  });
});
