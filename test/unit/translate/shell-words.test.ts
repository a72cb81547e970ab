import { describe, expect, it } from 'vitest';
import { joinCommandLine } from '../../../src/dockercloud/command-line.ts';
import { splitShellWords } from '../../../src/translate/shell-words.ts';

const words = (text: string) => {
  const r = splitShellWords(text);
  if (!r.ok) throw new Error(r.error);
  return r.value;
};

describe('splitShellWords (Python shlex.split, POSIX mode)', () => {
  it('separates words on blanks, however many', () => {
    expect(words('  nginx  -g\tdaemon\n off; ')).toEqual(['nginx', '-g', 'daemon', 'off;']);
    expect(words('')).toEqual([]);
    expect(words('   ')).toEqual([]);
  });

  it('keeps single-quoted text literally, backslashes and dollars included', () => {
    expect(words(`sh -c 'echo \\n $HOME "x"'`)).toEqual(['sh', '-c', 'echo \\n $HOME "x"']);
  });

  it('lets a backslash escape only " and \\ inside double quotes', () => {
    expect(words(`"a \\"b\\" \\\\ \\n \\$x"`)).toEqual(['a "b" \\ \\n \\$x']);
  });

  it('joins quoted and unquoted parts written together into one word', () => {
    expect(words(`--name="my app"'s'x`)).toEqual(['--name=my appsx']);
  });

  it('gives an empty word for empty quotes', () => {
    expect(words(`a '' "" b`)).toEqual(['a', '', '', 'b']);
  });

  it('takes the character after a backslash outside quotes literally', () => {
    expect(words('echo a\\ b \\"c\\\'')).toEqual(['echo', 'a b', `"c'`]);
  });

  it('expands nothing: variables, globs and tildes stay as written', () => {
    expect(words('ls $HOME/* ~')).toEqual(['ls', '$HOME/*', '~']);
  });

  it('splits real stack-file commands the way the docker-cloud CLI did', () => {
    expect(words('--replSet "rs0"')).toEqual(['--replSet', 'rs0']);
    expect(words(`-c '/bin/logspout syslog://$LOGSTASH_PORT_5000_UDP_ADDR:5000'`)).toEqual([
      '-c',
      '/bin/logspout syslog://$LOGSTASH_PORT_5000_UDP_ADDR:5000',
    ]);
  });

  it('refuses unbalanced quotes and a trailing backslash, saying which', () => {
    expect(splitShellWords(`echo 'unterminated`)).toEqual({ ok: false, error: 'has a single quote that is never closed' });
    expect(splitShellWords('echo "unterminated')).toEqual({ ok: false, error: 'has a double quote that is never closed' });
    expect(splitShellWords('echo \\')).toEqual({ ok: false, error: 'ends with a backslash that escapes nothing' });
  });

  it('splits back exactly the words the model joins a list command into', () => {
    const lists = [
      ['sh', '-c', `echo "it's" $HOME && exit 1`],
      ['', ' ', '\\', `'`, '"', 'a\nb', '--x=1,2', 'ünïcode'],
    ];
    for (const list of lists) expect(words(joinCommandLine(list))).toEqual(list);
  });
});
