#!/usr/bin/env node
// Installed entry point: runs the compiled CLI (`npm run build` produces dist/).
import('../dist/src/apps/cli.js').catch((error) => {
  console.error(`twin: cannot load the compiled CLI (run "npm run build" first): ${error.message}`);
  process.exit(1);
});
