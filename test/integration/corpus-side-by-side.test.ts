// Issue #8: the whole corpus side by side. Every real stack file of ../shared/corpus/stackfiles
// is converted (in process, with the code `longshore convert` runs); every stack that converts is
// created, started, in ONE namespace, next to the few stacks the corpus links to but does not
// hold; all of them must become Running, except the files refused for what is wrong in them,
// whose refusals (at conversion, or by the controller once their namespace is known) are the
// exact set listed below. Then every stack is terminated and nothing may be left: no Deployment,
// DaemonSet, Service, PersistentVolumeClaim or EndpointSlice labelled as Longshore's, no Pod at
// all, and every Stack Terminated or gone.
//
// Many stacks in one namespace share service names (`web`, `db`, `redis`, `lb`, ...), so this
// proves that one stack's children never collide with another's, and that a link to a service of
// another stack (`service.stack`, Docker Cloud's form) is resolved when that stack exists.
// Cluster-agnostic: every container runs the pause image (see IMAGE), claims bind through the
// cluster's default StorageClass, and no node port is asked for (no published port of the
// corpus lies in the node port range), and the schedulable nodes are labelled with the corpus's
// tags for the test's duration. Waits are watches with deadlines, never sleeps.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CoreV1Api, CustomObjectsApi, type KubernetesObject, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { convertStackFiles } from '../../src/cli/convert.ts';
import { toDns1123Label } from '../../src/dockercloud/service-names.ts';
import {
  API_VERSION,
  GROUP,
  KIND,
  PLURAL,
  type ServiceSpec,
  type Stack,
  type StackSpec,
  VERSION,
} from '../../src/model/stack.ts';
import { TAG_LABEL_PREFIX } from '../../src/translate/tags.ts';
import { allBounded } from '../../src/util/bounded.ts';
import { CORPUS_DIR } from '../support/corpus.ts';
import { atEnd } from './support/cleanup.ts';
import { createTestNamespace, kubeConfig } from './support/cluster.ts';
import { runLongshore } from './support/longshore.ts';
import { type Collection, namesOf, namespaceCollections, watchCollectionUntil } from './support/namespace-watch.ts';
import { StackClient } from './support/stacks.ts';

// ---------------------------------------------------------------------------------------------
// What the corpus is expected to do. Edit these tables, never the corpus files.

/** A refusal: the service it concerns (as the file spells it) and what the message says. */
interface Refusal {
  service: string;
  says: RegExp;
}

/**
 * Files refused for a genuine error in them: refused now and for good. A refusal may come from
 * the conversion (the file alone shows the error) or from the controller (a link to a service
 * that exists nowhere in the namespace: only there can that be known); either counts, with the
 * same reasons.
 */
const REFUSED: Record<string, Refusal[]> = {
  // web links to "couchdb": the file has no such service, and no stack or Service of the
  // namespace is called that (its other link, redis.redis-staging, is fine: see PLACEHOLDERS).
  '022-ovidiubute-isomorphic-chat.yml': [{ service: 'web', says: /links to "couchdb"/ }],
  // lb links to "vote": the file's service is called "voting".
  '038-borjaburgos-votingappdemo-dockercon.yml': [{ service: 'lb', says: /links to "vote"/ }],
  // nginx links to "client": no service of that name anywhere.
  '040-OysteinAmundsen-gymsystems.yml': [{ service: 'nginx', says: /links to "client"/ }],
  // dockup takes volumes from "serviceA", which the file does not have, and from serviceB of
  // another stack (stack1): a stack's volumes are claims it owns, never shared across stacks.
  '055-ShakataGaNai-dockup.yml': [
    { service: 'dockup', says: /volumes_from\[0\]: .*"serviceA"/ },
    { service: 'dockup', says: /volumes_from\[1\]: .*service "serviceB" of stack "stack1"/ },
  ],
  // restart: on_failure is no restart policy (on-failure is). Its link to "mariadb" names
  // nothing either, but the file is refused before anything looks at links.
  '059-murf0-pieTrackr.yml': [{ service: 'pieTracker', says: /restart: "on_failure" is not a restart policy/ }],
  // the misspelt key "envorinment".
  '060-llimllib-limbo.yml': [{ service: 'limbo', says: /unknown key "envorinment"/ }],
};

/**
 * Refused today for something Kubernetes could do; a later issue revisits these, and then this
 * table shrinks (a file that starts to convert fails this test until it is taken out).
 */
const REFUSED_FOR_NOW: Record<string, Refusal[]> = {};

const EXPECTED_REFUSALS: Record<string, Refusal[]> = { ...REFUSED, ...REFUSED_FOR_NOW };

/**
 * The image every container runs. The corpus's own images are no part of what is tested, and
 * running them is not harmless: on a cluster with real nodes (kind, say) 019 and 023 would add
 * their authors' SSH keys to the node's /root and /home/ubuntu (dockercloud/authorizedkeys),
 * 035 would write a 4 GB swap file into the node's /root, six files mount the Docker socket; and
 * an image that no longer exists never gets Ready. The pause image exists everywhere, does
 * nothing and runs until stopped; kwok runs no image at all.
 */
const IMAGE = 'registry.k8s.io/pause:3.10';

/** The spec as converted, every service running IMAGE (whose entrypoint takes no command). */
function harmless(spec: StackSpec): StackSpec {
  return {
    ...spec,
    services: spec.services.map(({ entrypoint: _entrypoint, runCommand: _runCommand, ...svc }) => ({ ...svc, image: IMAGE })),
  };
}

/**
 * Stacks the corpus links to (`service.stack`) that are none of its files: on Docker Cloud they
 * were other stacks of the same account (001 is the gateway in front of Turistforeningen's
 * verdandi, sherpa and facebook-apps stacks; 002 and 004 report to a statsd-librato stack; 004
 * watches a postgres stack; 022 uses a redis-staging stack; 023 is the maintenance stack of the
 * prettygreenplants stack; 050 uses a PostgREST stack, its name folded to lower case). Without
 * them those links would name nothing, and their files would be refused like 022's "couchdb";
 * with them the files must run, their links reaching another stack's service. Each placeholder
 * has exactly the services linked to, with the port the linking side expects. A test below
 * checks that this table is exactly what the corpus links to.
 * The corpus's own stacks are named after their files (c001-..., below), so none of these names
 * is otherwise in the namespace.
 */
const PLACEHOLDERS: Record<string, ServiceSpec[]> = {
  verdandi: [{ name: 'verdandi-node-v2', image: IMAGE, containerPorts: [{ innerPort: 8080 }] }],
  sherpa: [{ name: 'www', image: IMAGE, containerPorts: [{ innerPort: 80 }] }],
  'facebook-apps': [{ name: 'facebook-apps', image: IMAGE, containerPorts: [{ innerPort: 80 }] }],
  'statsd-librato': [{ name: 'statsd', image: IMAGE, containerPorts: [{ innerPort: 8125, protocol: 'udp' }] }],
  postgres: [{ name: 'postgres', image: IMAGE, containerPorts: [{ innerPort: 5432 }] }],
  'redis-staging': [{ name: 'redis', image: IMAGE, containerPorts: [{ innerPort: 6379 }] }],
  prettygreenplants: [{ name: 'db', image: IMAGE, containerPorts: [{ innerPort: 3306 }] }],
  postgrest: [{ name: 'postgres', image: IMAGE, containerPorts: [{ innerPort: 5432 }] }],
};

/**
 * A corpus file's stack name: "c" and the file's name as a DNS-1123 label (a letter first, so
 * that it is also a valid DNS-1035 label, what a Service name must be), cut to 30 characters:
 * `c001-turistforeningen-dockercl`. The number keeps the cut names unique; 30 leaves most
 * `<stack>-<service>` child names whole and still makes some long enough to be hashed.
 */
const MAX_STACK_NAME = 30;
function stackNameOf(file: string): string {
  return toDns1123Label(`c${file.replace(/\.ya?ml$/i, '')}`)
    .slice(0, MAX_STACK_NAME)
    .replace(/-+$/, '');
}

/** Stacks created at once: enough to load the controller, bounded so the API server is not swamped. */
const CREATE_CONCURRENCY = 8;
/**
 * Deadlines. On the local control plane (2 cores, another test file running beside it) the
 * stacks are created in 2-3 s, all Running 20-30 s after the first create, and everything is
 * gone 12-15 s after the terminations begin.
 */
const RUNNING_DEADLINE_MS = 240_000;
const GONE_DEADLINE_MS = 180_000;
/**
 * The controller's rollout deadline. The test settings' 8 s would fail DaemonSets that a busy
 * 2-core cluster is merely slow to start (a DaemonSet's failure sticks until its spec changes);
 * a stack that cannot start at all is still reported, as Partly or Not Running, well inside
 * RUNNING_DEADLINE_MS.
 */
const PROGRESS_DEADLINE_SECONDS = 120;

const MANAGED_BY_LONGSHORE = 'app.kubernetes.io/managed-by=longshore';

// ---------------------------------------------------------------------------------------------
// Conversion: pure, before anything touches the cluster.

interface Converted {
  file: string;
  name: string;
  spec: StackSpec;
}

const files = readdirSync(CORPUS_DIR)
  .filter((f) => f.endsWith('.yml'))
  .sort();
const converted: Converted[] = [];
const refusedAtConversion = new Map<string, string[]>();
for (const file of files) {
  const name = stackNameOf(file);
  // Converted for the namespace's level: privileged, as labelled below for the files that need it.
  const result = convertStackFiles([{ path: file, text: readFileSync(join(CORPUS_DIR, file), 'utf8') }], {
    name,
    start: true,
    podSecurityLevel: 'privileged',
  });
  if (!result.ok) refusedAtConversion.set(file, result.errors);
  else converted.push({ file, name, spec: (parse(result.value, { version: '1.1' }) as { spec: StackSpec }).spec });
}

/** Every `service.stack` a converted file links to, other than its own stack: stack → services. */
function linkedOtherStacks(): Record<string, string[]> {
  const out = new Map<string, Set<string>>();
  for (const c of converted)
    for (const svc of c.spec.services)
      for (const link of svc.linkedToService ?? []) {
        const [service, stack] = link.toService.split('.');
        if (stack === undefined || stack === c.name) continue;
        out.set(stack, (out.get(stack) ?? new Set()).add(service!));
      }
  return Object.fromEntries([...out].map(([stack, services]) => [stack, [...services].sort()]));
}

// What the namespace's Pod Security level must allow for the corpus: host paths (bindings
// host:container), host namespaces (net: host, pid: host) and privileged containers, which
// only the privileged level allows. A cluster administrator says so with the namespace's
// pod-security.kubernetes.io/enforce label (the test runs as one); without it, Longshore would
// refuse those services (baseline, the default).
const needsPrivileged = converted.filter((c) =>
  c.spec.services.some(
    (s) => s.bindings?.some((b) => b.hostPath !== undefined) || s.net === 'host' || s.pid === 'host' || s.privileged === true,
  ),
);

// ---------------------------------------------------------------------------------------------
// The cluster.

const kc = kubeConfig();
const ns = await createTestNamespace(
  'side',
  kc,
  needsPrivileged.length > 0 ? { 'pod-security.kubernetes.io/enforce': 'privileged' } : {},
);
await runLongshore(ns, { LONGSHORE_PROGRESS_DEADLINE_SECONDS: String(PROGRESS_DEADLINE_SECONDS) });

// Tags place services on the nodes that carry them all (tags.longshore.io/<tag>=true): as the
// corpus's users tagged their nodes on Docker Cloud, the test labels every schedulable node
// with every tag the corpus uses, and takes the labels off at the end.
const corpusTags = [...new Set(converted.flatMap((c) => c.spec.services.flatMap((s) => s.tags ?? [])))].sort();
const core = kc.makeApiClient(CoreV1Api);
const taggedNodes = (await core.listNode()).items
  .filter((n) => !n.spec?.unschedulable && !n.spec?.taints?.some((t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute'))
  .map((n) => n.metadata?.name ?? '');
const tagNodes = (value: 'true' | null) =>
  Promise.all(
    taggedNodes.map((name) =>
      core.patchNode(
        { name, body: { metadata: { labels: Object.fromEntries(corpusTags.map((t) => [`${TAG_LABEL_PREFIX}${t}`, value])) } } },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      ),
    ),
  );
await tagNodes('true');
atEnd(() => tagNodes(null));
const stacks = new StackClient(kc, ns);
const custom = kc.makeApiClient(CustomObjectsApi);
const collections = namespaceCollections(kc, ns);

/** Every stack the test created (placeholders first): what it terminates at the end. */
const created: string[] = [];
/** How long each phase took, printed as it ends (the README quotes these). */
const timing = (line: string) => process.stderr.write(`corpus side by side (${ns}): ${line}\n`);
const since = (start: number) => `${((Date.now() - start) / 1000).toFixed(1)} s`;

type Cluster = Stack & KubernetesObject;

const condition = (s: Stack, type: string) => s.status?.conditions?.find((c) => c.type === type);
const current = (s: Stack) => s.status?.observedGeneration !== undefined && s.status.observedGeneration === s.metadata.generation;

/** The stacks of files that convert but are listed as refused: the controller must refuse them. */
const refusedByController = converted.filter((c) => EXPECTED_REFUSALS[c.file] !== undefined);
const refusedNames = new Set(refusedByController.map((c) => c.name));

/** Degraded reasons that block a service for as long as the spec and the namespace stay as they are. */
const BLOCKING = ['InvalidSpec', 'UntranslatableService', 'NameConflict'];

/**
 * Whether a stack has come to rest where it will stay, for the generation it was last given:
 * Running; or short of it with the reason reported (Partly or Not Running with Degraded: a
 * refused service, a name conflict, a rollout past its deadline); or, for a stack that should
 * run, blocked (it will not run, however long its other services take to start). Starting and
 * Redeploying stacks are otherwise still on their way.
 */
function settled(s: Stack): boolean {
  if (!current(s)) return false;
  if (s.status?.state === 'Running') return true;
  const degraded = condition(s, 'Degraded');
  if (degraded?.status !== 'True') return false;
  if (!refusedNames.has(s.metadata.name) && BLOCKING.includes(degraded.reason)) return true;
  return s.status?.state === 'Partly running' || s.status?.state === 'Not Running';
}

/** A stack as a failure message shows it: state, and the Degraded condition when it says something. */
function describeStack(s: Stack | undefined, name: string): string {
  if (s === undefined) return `${name}: gone`;
  const degraded = condition(s, 'Degraded');
  const why = degraded?.status === 'True' ? ` [${degraded.reason}] ${degraded.message}` : '';
  const generation = current(s) ? '' : ` (generation ${s.metadata.generation} not yet observed)`;
  return `${name}: ${s.status?.state ?? 'no status'}${generation}${why}`;
}

/** Which expected refusals `messages` lack, and which messages no expected refusal explains. */
function compareRefusals(
  expected: readonly Refusal[],
  messages: readonly string[],
  mentions: (r: Refusal, message: string) => boolean,
): { missing: string[]; unexplained: string[] } {
  return {
    missing: expected.filter((r) => !messages.some((m) => mentions(r, m))).map((r) => `${r.service}: ${r.says}`),
    unexplained: messages.filter((m) => !expected.some((r) => mentions(r, m))),
  };
}

describe('the corpus side by side in one namespace (issue #8)', () => {
  it('finds the 60 files and names their stacks uniquely', () => {
    expect(files).toHaveLength(60);
    const names = files.map(stackNameOf);
    expect(new Set(names).size).toBe(names.length);
    for (const n of names) expect(n).toMatch(/^[a-z]([-a-z0-9]{0,28}[a-z0-9])?$/);
  });

  it('refuses at conversion only files listed as refused, each for its listed reasons', () => {
    const wrong: Record<string, { missing: string[]; unexplained: string[] }> = {};
    for (const [file, errors] of refusedAtConversion) {
      const got = compareRefusals(
        EXPECTED_REFUSALS[file] ?? [],
        errors,
        (r, e) => e.startsWith(`${file}: service "${r.service}": `) && r.says.test(e),
      );
      if (got.missing.length + got.unexplained.length > 0) wrong[file] = got;
    }
    expect(wrong).toEqual({});
  });

  it('creates exactly the placeholder stacks the corpus links to', () => {
    const wanted = Object.fromEntries(
      Object.entries(PLACEHOLDERS).map(([stack, services]) => [stack, services.map((s) => s.name).sort()]),
    );
    expect(linkedOtherStacks()).toEqual(wanted);
    const corpusNames = new Set(converted.map((c) => c.name));
    for (const stack of Object.keys(PLACEHOLDERS)) expect(corpusNames.has(stack), stack).toBe(false);
  });

  it(
    'runs every stack that converts, started, side by side; the files refused by the controller say why',
    async () => {
      const start = Date.now();
      const toCreate: { name: string; spec: StackSpec }[] = [
        ...Object.entries(PLACEHOLDERS).map(([name, services]) => ({
          name,
          spec: { desiredState: 'Running' as const, services },
        })),
        ...converted.map(({ name, spec }) => ({ name, spec: harmless(spec) })),
      ];
      // Placeholders first, as the stacks linked to existed on Docker Cloud before the stacks
      // linking to them; then the corpus, CREATE_CONCURRENCY at a time.
      const failures: string[] = [];
      const create = async ({ name, spec }: { name: string; spec: StackSpec }) => {
        try {
          await custom.createNamespacedCustomObject({
            group: GROUP,
            version: VERSION,
            plural: PLURAL,
            namespace: ns,
            body: { apiVersion: API_VERSION, kind: KIND, metadata: { name, namespace: ns }, spec },
            fieldValidation: 'Strict',
          });
          created.push(name);
        } catch (err) {
          failures.push(`${name}: ${(err as { body?: string }).body ?? (err as Error).message}`);
        }
      };
      const placeholders = toCreate.slice(0, Object.keys(PLACEHOLDERS).length);
      await allBounded(placeholders, CREATE_CONCURRENCY, create);
      await allBounded(toCreate.slice(placeholders.length), CREATE_CONCURRENCY, create);
      timing(`${created.length} stacks created in ${since(start)}`);
      expect(failures).toEqual([]);

      const ours = new Set(created);
      // When the last stack to become Running did (a stack that never does settles later).
      let running = 0;
      let lastRunning = Date.now();
      const final = await watchCollectionUntil(
        kc,
        collections.stacks(),
        `all ${created.length} stacks to be Running or to settle short of it`,
        (all) => {
          const mine = all.filter((s) => ours.has(s.metadata.name));
          const now = mine.filter((s) => s.status?.state === 'Running' && current(s)).length;
          if (now > running) lastRunning = Date.now();
          running = now;
          return mine.length === ours.size && mine.every(settled);
        },
        RUNNING_DEADLINE_MS,
        (all) => {
          const byName = new Map(all.map((s) => [s.metadata.name, s]));
          const waiting = [...ours].filter((n) => !byName.has(n) || !settled(byName.get(n)!));
          return `${waiting.length} not settled: ${waiting.map((n) => describeStack(byName.get(n), n)).join(' | ')}`;
        },
      );
      timing(
        `${running} Running, the last ${((lastRunning - start) / 1000).toFixed(1)} s after the first create; ` +
          `every stack settled after ${since(start)}`,
      );
      const byName = new Map(final.map((s) => [s.metadata.name, s]));

      // Every stack Running, but those of files the controller refuses.
      const notRunning = created
        .filter((n) => !refusedNames.has(n) && byName.get(n)?.status?.state !== 'Running')
        .map((n) => describeStack(byName.get(n), n));
      // Soft: the checks below still run, so one failure shows every stack that is wrong.
      expect.soft(notRunning, 'stacks that should be Running').toEqual([]);

      // A refused file's stack: its refused services do not run (nothing applied for them),
      // every other service runs (or, one whose containers may end, `restart: on-failure`,
      // ran to completion: Stopped in a stack meant to run; kwok ends a Job's Pods at once),
      // and Degraded (UntranslatableService) gives the reasons.
      const wrong: Record<string, unknown> = {};
      for (const c of refusedByController) {
        const s = byName.get(c.name);
        const expected = EXPECTED_REFUSALS[c.file]!;
        const degraded = s && condition(s, 'Degraded');
        const blocked = (s?.status?.services ?? [])
          .filter((x) => x.state !== 'Running' && x.state !== 'Stopped')
          .map((x) => x.name);
        const wantBlocked = [...new Set(expected.map((r) => r.service.toLowerCase()))].sort();
        // The condition's message: each problem as `service: field: message`, joined by "; ".
        const problems =
          degraded?.status === 'True' && degraded.reason === 'UntranslatableService' ? degraded.message.split('; ') : [];
        const missing = expected.filter(
          (r) => !problems.some((p) => p.startsWith(`${r.service.toLowerCase()}: `) && r.says.test(p)),
        );
        if (blocked.sort().join() !== wantBlocked.join() || missing.length > 0)
          wrong[c.file] = {
            stack: describeStack(s, c.name),
            notRunning: blocked,
            expectedNotRunning: wantBlocked,
            reasonsNotReported: missing.map((r) => `${r.service}: ${r.says}`),
          };
      }
      expect.soft(wrong, 'files the controller should refuse, for the listed reasons').toEqual({});

      // The refusals, wherever they happened, are exactly the listed files.
      expect
        .soft([...refusedAtConversion.keys(), ...refusedByController.map((c) => c.file)].sort())
        .toEqual(Object.keys(EXPECTED_REFUSALS).sort());
    },
    RUNNING_DEADLINE_MS + 120_000,
  );

  it(
    'terminates them all and leaves nothing behind',
    async () => {
      expect(created.length, 'stacks to terminate').toBeGreaterThan(0);
      const start = Date.now();
      const failures: string[] = [];
      await allBounded(created, CREATE_CONCURRENCY, async (name) => {
        try {
          await stacks.patchSpec(name, { desiredState: 'Terminated' });
        } catch (err) {
          failures.push(`${name}: ${(err as Error).message}`);
        }
      });
      expect(failures).toEqual([]);

      const empty = <T extends KubernetesObject>(source: Collection<T>) =>
        watchCollectionUntil(
          kc,
          source,
          `no ${source.kind}${source.labelSelector ? ` labelled ${source.labelSelector}` : ''} in ${ns}`,
          (all) => all.length === 0,
          GONE_DEADLINE_MS,
          (all) => `${all.length} left: ${namesOf(all).join(', ')}`,
        );
      const ended = (s: Stack) => s.status?.state === 'Terminated' && current(s);
      // Every kind waited on at once; all that is left is reported together.
      const waits = await Promise.allSettled([
        empty(collections.deployments(MANAGED_BY_LONGSHORE)),
        empty(collections.daemonSets(MANAGED_BY_LONGSHORE)),
        empty(collections.services(MANAGED_BY_LONGSHORE)),
        empty(collections.claims(MANAGED_BY_LONGSHORE)),
        empty(collections.endpointSlices(MANAGED_BY_LONGSHORE)),
        empty(collections.jobs(MANAGED_BY_LONGSHORE)),
        empty(collections.serviceAccounts(MANAGED_BY_LONGSHORE)),
        empty(collections.roles(MANAGED_BY_LONGSHORE)),
        empty(collections.roleBindings(MANAGED_BY_LONGSHORE)),
        empty(collections.pods()),
        watchCollectionUntil(
          kc,
          collections.stacks(),
          'every stack Terminated or gone',
          (all) => all.every(ended),
          GONE_DEADLINE_MS,
          (all) => {
            const left = all.filter((s) => !ended(s));
            return `${left.length} not Terminated: ${left.map((s) => describeStack(s, s.metadata.name)).join(' | ')}`;
          },
        ),
      ]);
      const late = waits.flatMap((w) => (w.status === 'rejected' ? [(w.reason as Error).message] : []));
      expect(late, 'what was not gone in time').toEqual([]);
      timing(`everything gone ${since(start)} after the terminations began`);

      // Each wait above ended when its kind was empty; nothing came back since.
      const listed = async <T extends KubernetesObject>(source: Collection<T>) =>
        namesOf(
          (await source.list({ limit: 500, ...(source.labelSelector ? { labelSelector: source.labelSelector } : {}) })).items,
        );
      const left = {
        deployments: await listed(collections.deployments(MANAGED_BY_LONGSHORE)),
        daemonSets: await listed(collections.daemonSets(MANAGED_BY_LONGSHORE)),
        services: await listed(collections.services(MANAGED_BY_LONGSHORE)),
        claims: await listed(collections.claims(MANAGED_BY_LONGSHORE)),
        endpointSlices: await listed(collections.endpointSlices(MANAGED_BY_LONGSHORE)),
        pods: await listed(collections.pods()),
      };
      expect(left).toEqual({ deployments: [], daemonSets: [], services: [], claims: [], endpointSlices: [], pods: [] });
      const remaining = (await collections.stacks().list({ limit: 500 })).items as Cluster[];
      expect(remaining.filter((s) => !ended(s)).map((s) => describeStack(s, s.metadata.name))).toEqual([]);
    },
    GONE_DEADLINE_MS + 120_000,
  );
});
