import { defineConfig } from 'vitest/config';

// Unit tests need no cluster. Integration tests get one from the global setup (the cluster
// named by KUBECONFIG / LONGSHORE_TEST_KUBECONFIG, or the local control plane); each file has
// a namespace and a controller of its own, two files at a time. "disruptive" tests (an API
// server restart) run last and alone, since they disturb every client of the cluster.
const integration = {
  environment: 'node' as const,
  globalSetup: ['test/integration/global-setup.ts'],
  testTimeout: 180_000,
  hookTimeout: 600_000,
};

export default defineConfig({
  test: {
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results/vitest.json' },
    projects: [
      {
        test: { name: 'unit', include: ['test/unit/**/*.test.ts'], environment: 'node', sequence: { groupOrder: 0 } },
      },
      {
        test: {
          ...integration,
          name: 'integration',
          include: ['test/integration/*.test.ts'],
          maxWorkers: 2,
          sequence: { groupOrder: 1 },
        },
      },
      {
        test: {
          ...integration,
          name: 'disruptive',
          include: ['test/integration/disruptive/*.test.ts'],
          maxWorkers: 1,
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
});
