// Tags place services, as on Docker Cloud: a service runs only on nodes that carry ALL its
// tags. A node carries tag `t` when it has the label `tags.longshore.io/t=true`; a service's
// tags become its pods' nodeSelector. A tag is a label name, so it must be one: at most 63
// letters, digits, "-", "_" or ".", starting and ending with a letter or digit (tags are
// case-sensitive, as label names are).

import type { Problem } from '../model/problem.ts';
import type { ServiceSpec } from '../model/stack.ts';

/** The prefix of the node labels that carry tags. */
export const TAG_LABEL_PREFIX = 'tags.longshore.io/';

const LABEL_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;

/** The node label that carries tag `tag`. */
export function tagLabel(tag: string): string {
  return `${TAG_LABEL_PREFIX}${tag}`;
}

/** The node selector of a service's tags (empty without tags), and the tags that cannot be labels. */
export function tagNodeSelector(svc: ServiceSpec): { selector: Record<string, string>; problems: Problem[] } {
  const selector: Record<string, string> = {};
  const problems: Problem[] = [];
  (svc.tags ?? []).forEach((tag, i) => {
    if (LABEL_NAME.test(tag)) selector[tagLabel(tag)] = 'true';
    else
      problems.push({
        service: svc.name,
        field: `tags[${i}]`,
        message: `tag ${JSON.stringify(tag)} cannot be a node label (${TAG_LABEL_PREFIX}<tag>): a tag must be at most 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit`,
      });
  });
  return { selector, problems };
}
