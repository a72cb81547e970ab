// Splits a command string into words the way Docker tooling did: docker-compose and the
// docker-cloud CLI turn a string `command`/`entrypoint` into a list with Python's
// shlex.split (POSIX mode, no comments), which Kubernetes needs as command/args.
//
// Rules (shlex, POSIX mode): blanks (space, tab, newline, carriage return) separate words; a
// backslash outside quotes takes the next character literally; single quotes keep everything
// literally; inside double quotes a backslash escapes only `"` and `\` (otherwise it stays);
// quoted and unquoted parts next to each other form one word; `''` is an empty word. Nothing is
// expanded: `$HOME`, `*` and `~` stay as written (Docker runs the words without a shell).
import { fail, ok, type Result } from '../util/result.ts';

const BLANKS = ' \t\n\r';

/** The words, or what makes the string unsplittable ("has a single quote that is never closed"). */
export function splitShellWords(input: string): Result<string[]> {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let i = 0;
  while (i < input.length) {
    const c = input[i] as string;
    if (BLANKS.includes(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
      i++;
    } else if (c === '\\') {
      if (i + 1 >= input.length) return fail('ends with a backslash that escapes nothing');
      word += input[i + 1];
      inWord = true;
      i += 2;
    } else if (c === "'") {
      const end = input.indexOf("'", i + 1);
      if (end < 0) return fail('has a single quote that is never closed');
      word += input.slice(i + 1, end);
      inWord = true;
      i = end + 1;
    } else if (c === '"') {
      const quoted = readDoubleQuoted(input, i + 1);
      if (quoted === undefined) return fail('has a double quote that is never closed');
      word += quoted.text;
      inWord = true;
      i = quoted.next;
    } else {
      word += c;
      inWord = true;
      i++;
    }
  }
  if (inWord) words.push(word);
  return ok(words);
}

/** Reads from just after an opening `"` to its closing `"`; undefined when there is none. */
function readDoubleQuoted(input: string, start: number): { text: string; next: number } | undefined {
  let text = '';
  let i = start;
  while (i < input.length) {
    const c = input[i] as string;
    if (c === '"') return { text, next: i + 1 };
    if (c === '\\' && i + 1 < input.length && (input[i + 1] === '"' || input[i + 1] === '\\')) {
      text += input[i + 1];
      i += 2;
    } else {
      text += c;
      i++;
    }
  }
  return undefined;
}
