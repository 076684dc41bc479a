// Two tiers, told apart by file name: *.unit.spec.ts (pure, no I/O) and *.int.spec.ts (real broker, real database).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['{processors,schemas,src,scripts,test}/**/*.unit.spec.ts'],
        },
      },
      {
        test: {
          name: 'integration',
          include: ['{processors,schemas,src,scripts,test}/**/*.int.spec.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // Integration files share one broker and one server; run them one file at a time so timings stay sane on two cores.
          fileParallelism: false,
        },
      },
    ],
  },
});
