// cluster/build.sh prints one `NAME=<path>` line per part cached under its own key (CoreDNS,
// the OCI registry), then the control plane's binary directory last.
import { StartError } from './process.ts';

/** The path on build.sh's `<name>=<path>` line. */
export function binaryFromBuildOutput(lines: string[], name: string): string {
  const line = lines.find((l) => l.startsWith(`${name}=`));
  if (!line) throw new StartError(`cluster/build.sh printed no ${name}=<path> line; is cluster/build.sh up to date?`);
  return line.slice(name.length + 1);
}
