// Docker Cloud keeps a service's command and entrypoint as one string (run_command), which
// it split like a POSIX shell (Python's shlex) before starting a container. Stack files may
// give either a string or a list; a list is stored as the string that splits back into it.

const SAFE_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** Quotes one argument for a POSIX shell, as Python's shlex.quote does. */
export function quoteArgument(arg: string): string {
  if (arg === '') return "''";
  if (SAFE_WORD.test(arg)) return arg;
  return `'${arg.replaceAll("'", `'"'"'`)}'`;
}

/** The command line that splits back into `args` (src/translate/shell-words.ts splits it). */
export function joinCommandLine(args: readonly string[]): string {
  return args.map(quoteArgument).join(' ');
}
