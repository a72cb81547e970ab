// The redeploy revision a service's pods are at: the Stack's redeploy counter, and the
// service's own once it was redeployed alone (a REDEPLOY trigger).

/**
 * What a service's pod template carries in longshore.io/redeploy-revision: the stack's revision
 * ("3"), then the service's own once it was redeployed alone ("3.1"). A change rolls out that
 * service's pods; a service never redeployed alone keeps the value it always had.
 */
export function podTemplateRevision(stackRevision: number, serviceRevision: number | undefined): string {
  return serviceRevision === undefined || serviceRevision === 0 ? String(stackRevision) : `${stackRevision}.${serviceRevision}`;
}
