/**
 * The configuration snippets of the docs, checked by the tools that will read them: a
 * sysadmin pastes them as they are.
 */
import {spawnSync} from 'node:child_process';
import {mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import test from 'ava';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const docs = ['README.md', 'SECURITY.md', ...readdirSync(join(ROOT, 'docs')).map((f) => `docs/${f}`)].filter((f) => f.endsWith('.md'));
const units = docs.flatMap((file) =>
  [...readFileSync(join(ROOT, file), 'utf8').matchAll(/```ini\n([^]*?)```/g)].filter((m) => /^\[Service\]/m.test(m[1]!)).map((m) => ({file, text: m[1]!})),
);

test('every systemd unit in the docs has comments on lines of their own (systemd reads "value # note" as the value)', (t) => {
  t.true(units.length > 0, 'the docs show a unit');
  for (const {file, text} of units) {
    const trailing = text.split('\n').filter((line) => /^[A-Za-z]+=.*\s[#;]/.test(line));
    t.deepEqual(trailing, [], file);
  }
});

test('every systemd unit in the docs passes systemd-analyze verify', (t) => {
  if (spawnSync('systemd-analyze', ['--version']).status !== 0) {
    if (process.env.CI === 'true') t.fail('systemd-analyze is missing');
    else t.pass('systemd-analyze is not installed here');
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'unit-'));
  try {
    for (const {file, text} of units) {
      // The binary's path is where npm put it on the sysadmin's machine; here it is the clone's.
      const unit = join(dir, 'salons-chat.service');
      writeFileSync(unit, text.replace(/^ExecStart=\S+/m, `ExecStart=${join(ROOT, 'bin', 'chat-server.js')}`));
      const result = spawnSync('systemd-analyze', ['verify', unit], {encoding: 'utf8'});
      t.is(result.status, 0, `${file}: ${result.stderr}`);
    }
  } finally {
    rmSync(dir, {recursive: true, force: true});
  }
});
