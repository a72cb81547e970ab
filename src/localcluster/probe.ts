// Readiness probes over HTTP(S): the API server answers only clients with a certificate its CA
// signed; etcd and the controllers' health endpoints are probed without.
import { readFileSync } from 'node:fs';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request } from 'node:https';
import type { Pki } from './pki.ts';

interface Probe {
  status: number;
  body: string;
}

export function get(url: string, pki?: Pki): Promise<Probe> {
  return new Promise((res, rej) => {
    const u = new URL(url);
    const opts = { method: 'GET', timeout: 3_000 };
    const done = (r: IncomingMessage) => {
      let body = '';
      r.on('data', (c: Buffer) => {
        body += c.toString();
      });
      r.on('end', () => res({ status: r.statusCode ?? 0, body }));
    };
    const req =
      u.protocol === 'https:'
        ? request(
            url,
            {
              ...opts,
              rejectUnauthorized: false,
              ...(pki ? { cert: readCache(pki.adminCert), key: readCache(pki.adminKey) } : {}),
            },
            done,
          )
        : httpRequest(url, opts, done);
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', rej);
    req.end();
  });
}

const fileCache = new Map<string, string>();
export function readCache(path: string): string {
  let v = fileCache.get(path);
  if (v === undefined) {
    v = readFileSync(path, 'utf8');
    fileCache.set(path, v);
  }
  return v;
}
