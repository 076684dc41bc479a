// Where the .avsc contracts live: schemas/ above the calling code, found by walking up, so it works from
// schemas/ (tsx) and from dist/schemas/ (tsc does not copy .avsc files).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function schemaFile(name: string): string {
  let folder = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(folder, 'schemas', name))) {
    const parent = dirname(folder);
    if (parent === folder) throw new Error(`cannot find schemas/${name}`);
    folder = parent;
  }
  return join(folder, 'schemas', name);
}
