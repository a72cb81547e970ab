// The bench measures what ships: the Dockerfile's command, and the manifests' memory limit.
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { manifestMemoryLimit } from '../../../bench/hostile.ts';
import { imageCommand } from '../../../bench/image-command.ts';

describe("the image's command, as the bench runs it", () => {
  it("reads node's flags and the compiled entry point from the Dockerfile", () => {
    const cmd = imageCommand(readFileSync('Dockerfile', 'utf8'));
    expect(cmd).toEqual({ nodeFlags: ['--max-semi-space-size=2', '--expose-gc'], entry: 'dist/main/index.js' });
    // dist/ is src/ compiled (tsconfig.build.json's rootDir): the entry's source exists.
    expect(existsSync(cmd.entry.replace(/^dist\//, 'src/').replace(/\.js$/, '.ts'))).toBe(true);
  });

  it('refuses a Dockerfile whose CMD does not run node', () => {
    expect(() => imageCommand('FROM x\nCMD ["sh", "-c", "x"]\n')).toThrow(/does not start node/);
    expect(() => imageCommand('FROM x\nCMD node x.js\n')).toThrow(/no exec-form CMD/);
  });

  it("reads the container's memory limit from the install manifests", () => {
    expect(manifestMemoryLimit(readFileSync('manifests/deployment.yaml', 'utf8'))).toBe(512 * 2 ** 20);
  });
});
