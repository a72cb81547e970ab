// Tags place services, as on Docker Cloud: only nodes carrying every tag take the pods.
import { describe, expect, it } from 'vitest';
import { service, stack, translate, translateOne } from './fixtures.ts';

describe('tags', () => {
  it('become a node selector on tags.longshore.io/<tag>=true, one label per tag', () => {
    const { podSpec, template } = translateOne(service('web', { tags: ['eu-west', 'ssd', 'Big.Box_1'] }));
    expect(podSpec?.nodeSelector).toEqual({
      'tags.longshore.io/eu-west': 'true',
      'tags.longshore.io/ssd': 'true',
      'tags.longshore.io/Big.Box_1': 'true',
    });
    expect(template?.metadata?.annotations?.['longshore.io/tags']).toBe('Big.Box_1,eu-west,ssd');
  });

  it('leave a service without tags free to run anywhere', () => {
    expect(translateOne(service('web')).podSpec?.nodeSelector).toBeUndefined();
  });

  it('are kept on a stopped DaemonSet, beside the selector no node has', () => {
    const t = translate(
      stack([service('agent', { tags: ['gpu'], deploymentStrategy: 'EVERY_NODE' })], { desiredState: 'Stopped' }),
    );
    const ds = t.objects.find((o) => o.kind === 'DaemonSet');
    expect(ds?.kind === 'DaemonSet' && ds.spec?.template.spec?.nodeSelector).toEqual({
      'tags.longshore.io/gpu': 'true',
      'longshore.io/stopped': 'true',
    });
  });

  it('that cannot be a label name are refused, naming the tag and the rule', () => {
    const t = translate(stack([service('web', { tags: ['ok', 'has space', 'a/b', 'x'.repeat(64)] })]));
    expect(t.problems.map((p) => p.field)).toEqual(['tags[1]', 'tags[2]', 'tags[3]']);
    expect(t.problems[0]?.message).toBe(
      'tag "has space" cannot be a node label (tags.longshore.io/<tag>): a tag must be at most 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit',
    );
  });
});
