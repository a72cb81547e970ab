// Name-based UUIDs (RFC 9562 version 5, SHA-1). Service identities in the REST API must exist
// from the moment a stack is created, before anything runs, and must stay the same across
// restarts and replicas: a UUID derived from the stack's uid and the service name needs no
// storage and gives the same answer everywhere.
import { createHash } from 'node:crypto';

/** The RFC 9562 namespace for DNS names, used here only to derive Longshore's own namespace. */
export const NAMESPACE_DNS = '6ba7b810-9dad-11d1-80b4-00c04fd430c8';

export function uuidv5(name: string, namespace: string): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  if (ns.length !== 16) throw new Error(`not a UUID: ${namespace}`);
  const hash = createHash('sha1').update(ns).update(name, 'utf8').digest();
  const bytes = hash.subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50; // version 5
  bytes[8] = (bytes[8]! & 0x3f) | 0x80; // RFC 4122 variant
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Longshore's namespace for service UUIDs: uuidv5('longshore.io', NAMESPACE_DNS). */
export const LONGSHORE_SERVICE_NAMESPACE = uuidv5('longshore.io', NAMESPACE_DNS);

/** The REST API's uuid for a stack's service: v5 of "<stack uid>/<service name>". */
export function serviceUuid(stackUid: string, serviceName: string): string {
  return uuidv5(`${stackUid}/${serviceName}`, LONGSHORE_SERVICE_NAMESPACE);
}
