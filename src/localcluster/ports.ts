// Ports for the control plane's components: a free one, or a fixed one from the environment
// that must be free (a clear error otherwise). DNS listens on UDP and TCP, so its port must be
// free for both.
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import { StartError } from './process.ts';

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolvePort(addr.port) : reject(new Error('no port'))));
    });
  });
}

async function portIsFree(port: number): Promise<boolean> {
  return new Promise((res) => {
    const srv = createServer();
    srv.once('error', () => res(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => res(true)));
  });
}

async function udpPortIsFree(port: number): Promise<boolean> {
  return new Promise((res) => {
    const sock = createSocket('udp4');
    sock.once('error', () => {
      try {
        sock.close();
      } catch {
        // never bound: nothing to close
      }
      res(false);
    });
    sock.bind(port, '127.0.0.1', () => sock.close(() => res(true)));
  });
}

/** A port free on 127.0.0.1 for TCP and, with `udp`, for UDP as well. */
async function freePortFor(udp: boolean): Promise<number> {
  // A free TCP port is almost always free for UDP too; a few tries settle the rare clash.
  for (let i = 0; i < 20; i++) {
    const port = await freePort();
    if (!udp || (await udpPortIsFree(port))) return port;
  }
  throw new StartError('found no port on 127.0.0.1 free for both TCP and UDP');
}

/**
 * A fixed port from the environment must be free; otherwise any free port is taken. With
 * `udp`, the port must be free for UDP as well as TCP (a DNS server).
 */
export async function choosePort(envName: string, opts: { udp?: boolean } = {}): Promise<number> {
  const udp = opts.udp ?? false;
  const fixed = process.env[envName];
  if (fixed === undefined || fixed === '') return freePortFor(udp);
  const port = Number(fixed);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new StartError(`${envName}=${fixed} is not a port number`);
  if (!(await portIsFree(port)))
    throw new StartError(`port ${port} (${envName}) on 127.0.0.1 is already taken by another process`);
  if (udp && !(await udpPortIsFree(port)))
    throw new StartError(`UDP port ${port} (${envName}) on 127.0.0.1 is already taken by another process`);
  return port;
}
