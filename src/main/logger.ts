// The process's logger: pino JSON, one event a line, for log collectors; readable lines when a
// person runs Longshore in a terminal. pino-pretty formats in this thread (no worker, no
// transport) and is loaded only then, so a Pod (stdout is not a TTY) never loads it.
import { type Logger, pino } from 'pino';
import type { Config } from './config.ts';

export async function createLogger(
  config: Pick<Config, 'LONGSHORE_LOG_LEVEL' | 'LONGSHORE_LOG_FORMAT'>,
  stdoutIsTTY = process.stdout.isTTY === true,
): Promise<Logger> {
  const options = { level: config.LONGSHORE_LOG_LEVEL, base: { component: 'longshore' } };
  const pretty = config.LONGSHORE_LOG_FORMAT === 'pretty' || (config.LONGSHORE_LOG_FORMAT === 'auto' && stdoutIsTTY);
  if (!pretty) return pino(options);
  const { default: prettyStream } = await import('pino-pretty');
  return pino(options, prettyStream({ sync: true, translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname,component' }));
}
