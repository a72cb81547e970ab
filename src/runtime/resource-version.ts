// Comparing resourceVersions. They are etcd revisions, comparable as integers (KEP-5504 made
// that official); anything else counts as not newer, so that a caller falls back to what the
// cache says.

/** Whether resourceVersion `a` is later than `b`. */
export function isNewerResourceVersion(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined || !/^\d+$/.test(a) || !/^\d+$/.test(b)) return false;
  return BigInt(a) > BigInt(b);
}
