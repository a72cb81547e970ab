// Ports for the control plane's components: a free one, or a fixed one from the environment
// that must be free (a clear error otherwise).
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

/** A fixed port from the environment must be free; otherwise any free port is taken. */
export async function choosePort(envName: string): Promise<number> {
  const fixed = process.env[envName];
  if (fixed === undefined || fixed === '') return freePort();
  const port = Number(fixed);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new StartError(`${envName}=${fixed} is not a port number`);
  if (!(await portIsFree(port)))
    throw new StartError(`port ${port} (${envName}) on 127.0.0.1 is already taken by another process`);
  return port;
}
