// The production entry point, with no cluster configured: it refuses clearly (exit 2) and
// points to npm start; its log is JSON for collectors, or readable lines when asked (or when
// stdout is a terminal).
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

function entry(format: string) {
  const env = {
    PATH: process.env['PATH'] ?? '',
    HOME: mkdtempSync(join(tmpdir(), 'longshore-home-')),
    LONGSHORE_LOG_FORMAT: format,
  };
  return spawnSync(process.execPath, ['src/main/index.ts'], { env, encoding: 'utf8', timeout: 30_000 });
}

describe('the production entry point without a cluster', { timeout: 60_000 }, () => {
  it('exits 2 naming what is missing and npm start, as one JSON event', () => {
    const run = entry('json');
    expect(run.status).toBe(2);
    const event = JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '{}') as { level: number; msg: string; component: string };
    expect(event).toMatchObject({ level: 60, component: 'longshore' });
    expect(event.msg).toMatch(/no cluster configured .*npm start/);
  });

  it('writes readable lines when LONGSHORE_LOG_FORMAT=pretty', () => {
    const run = entry('pretty');
    expect(run.status).toBe(2);
    const line = run.stdout.trim().split('\n').at(-1) ?? '';
    expect(line).toMatch(/FATAL.*no cluster configured/);
    expect(() => JSON.parse(line)).toThrow();
  });
});
