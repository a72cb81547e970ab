// What a registry's webhook says was pushed: Docker Hub's payload (`push_data.tag`,
// `repository.repo_name`) or the OCI distribution notification envelope that
// distribution/distribution (and registries built on it, Harbor among them) send
// (`events[].action: push`, `target.repository`, `target.tag`). Nothing in it is trusted
// beyond naming a tag to ask the registry about again. Pure.
import { DOCKER_HUB } from './reference.ts';

export interface Push {
  /** Set when the payload says which registry (Docker Hub's does); absent: any registry. */
  registry?: string;
  repository: string;
  tag: string;
}

const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const record = (v: unknown): Record<string, unknown> | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;

/** The pushes a webhook body names; throws an Error saying what shape was expected. */
export function parsePushes(body: unknown): Push[] {
  const root = record(body);
  if (root === undefined) throw new Error('the body is not a JSON object');
  if (Array.isArray(root['events'])) {
    return root['events'].flatMap((e): Push[] => {
      const event = record(e);
      const target = record(event?.['target']);
      const repository = text(target?.['repository']);
      const tag = text(target?.['tag']);
      return event?.['action'] === 'push' && repository !== undefined && tag !== undefined ? [{ repository, tag }] : [];
    });
  }
  const pushData = record(root['push_data']);
  const repo = record(root['repository']);
  const name = text(repo?.['repo_name']);
  const tag = text(pushData?.['tag']);
  if (pushData !== undefined && name !== undefined && tag !== undefined)
    return [{ registry: DOCKER_HUB, repository: name.includes('/') ? name : `library/${name}`, tag }];
  throw new Error(
    'expected a Docker Hub webhook (push_data.tag, repository.repo_name) or an OCI distribution notification (events[])',
  );
}

/** Whether a push names the tag an image reference follows. */
export function pushMatches(push: Push, ref: { registry: string; repository: string; tag?: string }): boolean {
  return (
    push.repository === ref.repository &&
    push.tag === (ref.tag ?? 'latest') &&
    (push.registry === undefined || push.registry === ref.registry)
  );
}
