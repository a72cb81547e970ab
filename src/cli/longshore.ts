#!/usr/bin/env node
// The `longshore` command: `node src/cli/longshore.ts convert FILE... [--name N] [--namespace NS]`.
import { readFile } from 'node:fs/promises';
import { CONVERT_USAGE, runConvert } from './convert.ts';

const USAGE = `usage: longshore COMMAND

commands:
  convert   turn Docker Cloud stack files into a Stack manifest for kubectl apply -f -

${CONVERT_USAGE}`;

const [command, ...args] = process.argv.slice(2);

if (command === 'convert') {
  process.exitCode = await runConvert(args, {
    readFile: (path) => readFile(path, 'utf8'),
    env: process.env,
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
  });
} else if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
  process.stdout.write(`${USAGE}\n`);
  process.exitCode = command === undefined ? 2 : 0;
} else {
  process.stderr.write(`longshore: unknown command "${command}"\n${USAGE}\n`);
  process.exitCode = 2;
}
