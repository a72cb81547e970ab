// The API paths clients see. Python calls every later operation on the `resource_uri` the
// server returned, so resource URIs always carry the namespace; both the namespaced and the
// plain form of every path route to the same handler.

export const APP_PREFIX = '/api/app/v1';
export const ACTION_PREFIX = '/api/audit/v1/action';

export function stackUri(namespace: string, uid: string): string {
  return `${APP_PREFIX}/${namespace}/stack/${uid}/`;
}

export function serviceUri(namespace: string, uuid: string): string {
  return `${APP_PREFIX}/${namespace}/service/${uuid}/`;
}

export function actionUri(uuid: string): string {
  return `${ACTION_PREFIX}/${uuid}/`;
}

/**
 * The uuid at the end of a resource URI (`/api/app/v1/[ns/]stack/<uuid>/`), or the value itself
 * when it is a bare uuid; used by filters that take a resource URI (`service?stack=...`).
 */
export function lastPathSegment(uri: string): string {
  const parts = uri.split('/').filter((p) => p !== '');
  return parts[parts.length - 1] ?? '';
}

/**
 * Collapses runs of slashes: Go's client turns a DOCKERCLOUD_REST_HOST with a trailing slash
 * into `//api/...`.
 */
export function collapseSlashes(path: string): string {
  return path.replace(/\/{2,}/g, '/');
}
