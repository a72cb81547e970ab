// Clean-up that tests register wherever they are (top level, hooks or tests): run after the
// file's last test, newest first. One afterAll, registered when a test file imports this.
import { afterAll } from 'vitest';

const tasks: (() => unknown)[] = [];

const TASK_TIMEOUT_MS = 30_000;

afterAll(async () => {
  for (const task of tasks.splice(0).reverse()) {
    let timer: NodeJS.Timeout | undefined;
    try {
      // A clean-up that hangs must not hold the whole run: each gets a deadline.
      await Promise.race([
        Promise.resolve().then(task),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`did not finish within ${TASK_TIMEOUT_MS / 1000} s`)), TASK_TIMEOUT_MS);
        }),
      ]);
    } catch (err) {
      process.stderr.write(`clean-up failed: ${(err as Error).message}\n`);
    } finally {
      clearTimeout(timer);
    }
  }
}, 300_000);

export function atEnd(task: () => unknown): void {
  tasks.push(task);
}
