/** `npm run gen`: writes every file derived from the option registry (src/options/generate.ts). */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { generatedFiles } from '../src/options/generate.js';

const root = resolve(import.meta.dirname, '..');
for (const file of generatedFiles(root)) {
  const path = join(root, file.path);
  if (readFileSync(path, 'utf8') === file.content) continue;
  writeFileSync(path, file.content);
  console.log(`wrote ${file.path}`);
}
