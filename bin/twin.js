#!/usr/bin/env node
// The `twin` command. Installed, it runs the compiled CLI (dist/, from `npm run build`); in a checkout without a
// build it runs the TypeScript sources through tsx (a dev dependency), so `npx twin` works either way.
import { existsSync } from 'node:fs';

const compiled = new URL('../dist/src/apps/cli.js', import.meta.url);
if (existsSync(compiled)) {
  await import(compiled.href);
} else {
  const tsx = await import('tsx/esm/api').catch(() => null);
  if (tsx === null) {
    console.error(
      'twin: no compiled CLI and no tsx to run the sources: run "npm install" or "npm run build"',
    );
    process.exit(1);
  }
  tsx.register();
  await import(new URL('../src/apps/cli.ts', import.meta.url).href);
}
