// Compose's `devices` ("/dev/fuse", "/dev/fuse:/dev/fuse[:rwm]"). Kubernetes has no
// per-container device mapping, but a privileged container sees every device of its host at
// its host path: with `privileged: true`, a device mapped to its own path adds nothing, and is
// accepted (nothing is stored: the privileged container already has it). A device renamed
// (host path ≠ container path) cannot be given, and a container that is not privileged gets
// no device at all: both are refused, saying why.

import { quote } from '../util/show.ts';
import { type Report, readStringList } from './request-values.ts';

/** At most this many devices: a service has few. */
const MAX_DEVICES = 100;

const DEVICE = /^(\/[^:]+)(?::(\/[^:]+))?(?::([rwm]{1,3}))?$/;

/** Checks a service's `devices` (`report` at "devices[i]"); `privileged` is the service's own key. */
/** The stack-file key this file reads: checked, then dropped (nothing is stored for it). */
export const DEVICES_KEY = 'devices';

export function checkDevices(value: unknown, privileged: unknown, report: Report): void {
  const list = readStringList(value, 'devices', report, MAX_DEVICES);
  if (list === undefined) return;
  if (list.length > 0 && privileged !== true) {
    report(
      'devices',
      'is not supported without "privileged: true": Kubernetes has no per-container device mapping; a privileged container (in a namespace whose Pod Security level is privileged) sees every device of its node',
    );
    return;
  }
  list.forEach((entry, i) => {
    const m = DEVICE.exec(entry);
    if (m === null) {
      report(`devices[${i}]`, `${quote(entry)} is not a device: use "/dev/name" or "/dev/name:/dev/name"`);
      return;
    }
    const [, host, inContainer] = m;
    if (inContainer !== undefined && inContainer !== host)
      report(
        `devices[${i}]`,
        `${quote(entry)}: a device cannot be renamed (Kubernetes has no device mapping; a privileged container sees ${host} at ${host}); map it to its own path`,
      );
  });
}
