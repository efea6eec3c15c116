// Both languages have every text, and every literal key the code asks for exists.
import { test, expect } from '@playwright/test';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import zh from '../src/i18n/zh-CN.js';
import en from '../src/i18n/en.js';

const keys = (o, p = '') => Object.entries(o).flatMap(([k, v]) => (v && typeof v === 'object' ? keys(v, `${p}${k}.`) : [`${p}${k}`]));
const has = (o, key) => key.split('.').reduce((x, k) => (x && typeof x === 'object' ? x[k] : undefined), o) !== undefined;

function sources(dir) {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? sources(p) : /\.(vue|js)$/.test(n) && !p.includes('/i18n/') ? [p] : [];
  });
}

test('the Chinese and English texts have the same keys', () => {
  expect(keys(en).sort()).toEqual(keys(zh).sort());
});

test('every literal text key used by the code exists in zh-CN', () => {
  const src = join(new URL('.', import.meta.url).pathname, '..', 'src');
  const missing = [];
  for (const file of sources(src)) {
    for (const m of readFileSync(file, 'utf8').matchAll(/\bt\('([a-zA-Z][\w.-]*)'/g)) {
      if (!has(zh, m[1])) missing.push(`${file.slice(src.length + 1)}: ${m[1]}`);
    }
  }
  expect(missing).toEqual([]);
});
