// Writes a .gz sibling next to every html, js, css and svg file of the built bundle,
// so that `wulian serve` can send it to browsers that accept gzip.
import { readdirSync, readFileSync, writeFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync, constants } from 'node:zlib';

const root = process.argv[2] || 'dist';
const wanted = /\.(html|js|css|svg)$/;

function walk(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (wanted.test(name)) {
      const gz = gzipSync(readFileSync(path), { level: constants.Z_BEST_COMPRESSION });
      writeFileSync(`${path}.gz`, gz);
    }
  }
}

walk(root);
