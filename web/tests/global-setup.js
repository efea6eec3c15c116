// Builds a demo ledger in a temporary folder, adds one person per role, computes the CLI
// report bytes that the download test compares with, and starts `wulian serve` on a free
// port. The returned function stops the server (SIGTERM) and removes the folder.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PEOPLE, REPORT } from './people.js';

const here = new URL('.', import.meta.url).pathname;

export default async function globalSetup() {
  const bin = process.env.WULIAN_BIN || join(here, '..', '..', 'build', 'tools', 'wulian');
  const web = resolve(process.env.WULIAN_WEB_DIR || join(here, '..', 'dist'));
  if (!existsSync(join(web, 'index.html'))) throw new Error(`no built bundle at ${web} (npm run build)`);
  const dir = mkdtempSync(join(tmpdir(), 'wulian-web-'));
  const data = join(dir, 'ledger');
  const cli = (args, input) => execFileSync(bin, ['--data', data, ...args], { input, stdio: ['pipe', 'pipe', 'pipe'] });

  cli(['demo', '--events', '3000']);
  for (const p of PEOPLE) {
    const args = ['user', 'add', p.login, '--role', p.role, '--name', p.name, '--password-stdin'];
    if (p.studios) args.push('--studio', p.studios.join(','));
    cli(args, `${p.password}\n`);
  }
  for (const format of REPORT.formats) {
    const args = ['report', '--as-of', REPORT.asOf, '--axis', REPORT.axis, '--format', format];
    const file = join(dir, `report.${format}`);
    // A workbook is written to a file, never to stdout.
    if (format === 'xlsx') cli([...args, '--out', file]);
    else writeFileSync(file, cli(args));
  }

  const server = spawn(bin, ['--data', data, 'serve', '--listen', '127.0.0.1:0', '--web', web], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  server.stderr.on('data', (b) => (stderr += b));
  const listening = await new Promise((ok, fail) => {
    let out = '';
    const timer = setTimeout(() => fail(new Error(`wulian serve did not start: ${stderr}`)), 20_000);
    server.stdout.on('data', (b) => {
      out += b;
      const nl = out.indexOf('\n');
      if (nl >= 0) {
        clearTimeout(timer);
        try {
          ok(JSON.parse(out.slice(0, nl)).listening);
        } catch (e) {
          fail(e);
        }
      }
    });
    server.on('exit', (code) => fail(new Error(`wulian serve exited (${code}): ${stderr}`)));
  });

  process.env.WULIAN_BASE = `http://${listening}`;
  process.env.WULIAN_TMP = dir;

  return async () => {
    server.kill('SIGTERM');
    await new Promise((ok) => {
      const timer = setTimeout(() => {
        server.kill('SIGKILL');
        ok();
      }, 10_000);
      server.on('exit', () => {
        clearTimeout(timer);
        ok();
      });
    });
    rmSync(dir, { recursive: true, force: true });
  };
}
