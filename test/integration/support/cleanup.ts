// Clean-up that tests register wherever they are (top level, hooks or tests): run after the
// file's last test, newest first. One afterAll, registered when a test file imports this.
import { afterAll } from 'vitest';

const tasks: (() => unknown)[] = [];

afterAll(async () => {
  for (const task of tasks.splice(0).reverse()) {
    try {
      await task();
    } catch (err) {
      process.stderr.write(`clean-up failed: ${(err as Error).message}\n`);
    }
  }
});

export function atEnd(task: () => unknown): void {
  tasks.push(task);
}
