// The Stack controller running over in-memory deps for one test: `stop()` aborts its run and
// waits for the workers to finish.
import pino from 'pino';
import { createStackController, type StackController } from '../../../../src/controller/controller.ts';
import type { ReconcileDeps } from '../../../../src/controller/reconcile-deps.ts';

export function runStackController(deps: ReconcileDeps, workers = 1): { controller: StackController; stop: () => Promise<void> } {
  const controller = createStackController(deps.caches, deps, { workers, logger: pino({ level: 'silent' }) });
  const abort = new AbortController();
  const running = controller.run(abort.signal);
  return {
    controller,
    stop: async () => {
      abort.abort();
      await running;
    },
  };
}
