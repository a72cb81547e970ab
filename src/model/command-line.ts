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

/** The command line that `splitCommandLine` turns back into `args`. */
export function joinCommandLine(args: readonly string[]): string {
  return args.map(quoteArgument).join(' ');
}

/**
 * Splits a command line into arguments like Python's `shlex.split` (POSIX mode, no
 * comments): single quotes keep everything literally, double quotes let a backslash escape
 * `"` and `\`, a backslash outside quotes escapes any character, white space separates.
 */
export function splitCommandLine(line: string): { ok: true; args: string[] } | { ok: false; message: string } {
  const args: string[] = [];
  let current = '';
  let inWord = false;
  let quote: "'" | '"' | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote === "'") {
      if (c === "'") quote = null;
      else current += c;
    } else if (quote === '"') {
      if (c === '"') quote = null;
      else if (c === '\\' && (line[i + 1] === '"' || line[i + 1] === '\\')) current += line[++i];
      else current += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === '\\') {
      if (i + 1 >= line.length) return { ok: false, message: 'ends with an escaping backslash' };
      current += line[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) args.push(current);
      current = '';
      inWord = false;
    } else {
      current += c;
      inWord = true;
    }
  }
  if (quote !== null) return { ok: false, message: `has no closing quotation (${quote})` };
  if (inWord) args.push(current);
  return { ok: true, args };
}
