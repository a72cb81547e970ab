// A Stack as Docker Cloud's API shows it. Go decodes strictly: `services` an array of strings,
// dates strings or null, `synchronized` a bool; every object carries its `resource_uri`.
import type { Stack } from '../model/stack.ts';
import { isSynchronized, presentedState } from '../states/presented.ts';
import { dockerCloudDate } from './dates.ts';
import { serviceUri, stackUri } from './paths.ts';
import { serviceUuid } from './uuid5.ts';

export interface StackJson {
  uuid: string;
  resource_uri: string;
  name: string;
  nickname: string;
  state: string;
  synchronized: boolean;
  services: string[];
  deployed_datetime: string | null;
  destroyed_datetime: string | null;
}

export function stackToJson(stack: Stack): StackJson {
  const namespace = stack.metadata.namespace;
  const uid = stack.metadata.uid ?? '';
  return {
    uuid: uid,
    resource_uri: stackUri(namespace, uid),
    name: stack.metadata.name,
    nickname: stack.spec.nickname ?? stack.metadata.name,
    state: presentedState(stack),
    synchronized: isSynchronized(stack),
    services: stack.spec.services.map((svc) => serviceUri(namespace, serviceUuid(uid, svc.name))),
    deployed_datetime: dockerCloudDate(stack.status?.deployedAt),
    destroyed_datetime: dockerCloudDate(stack.status?.destroyedAt),
  };
}
