// Three tiers, told apart by file name:
//   *.unit.spec.ts  pure, no I/O;
//   *.int.spec.ts   one process against the real broker and database;
//   *.e2e.spec.ts   spawns `twin` processes (kills and restarts them) or drives them with real peers.
// `npm test` runs all three; `npx vitest run --project <name>` runs one.
import { defineConfig } from 'vitest/config';

const roots = '{processors,schemas,src,scripts,test,bench}';
// Integration and end-to-end files share one broker and one server: one file at a time, and the tiers one after
// another (groupOrder), keep timings sane on two cores.
const sharedStack = { testTimeout: 120_000, hookTimeout: 120_000, fileParallelism: false } as const;

export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: [`${roots}/**/*.unit.spec.ts`], sequence: { groupOrder: 0 } } },
      {
        test: {
          name: 'integration',
          include: [`${roots}/**/*.int.spec.ts`],
          ...sharedStack,
          sequence: { groupOrder: 1 },
        },
      },
      {
        test: {
          name: 'e2e',
          include: [`${roots}/**/*.e2e.spec.ts`],
          ...sharedStack,
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
});
