// The README's browser support table, made from the last test run: each
// browser's version as tested, what its suites verified (their own result
// lines and the records the Firefox, WebKit and phone suites leave in
// build/test-output/support-*.json) and what is known not to work.
//   node tests/browser/support-table.mjs            prints the table
//   node tests/browser/support-table.mjs --readme   puts it into README.md
// tests/run.sh writes it to build/test-output/browser-support.md after
// every run; `make browser-support` copies that run's table into the README.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { root, buildDir } from './lib.mjs';

const out = join(buildDir, 'test-output');
const BEGIN = '<!-- browser-support: made by tests/browser/support-table.mjs from the last make test -->';
const END = '<!-- /browser-support -->';

/** A suite's result line ("5 passed, 0 failed"), or null when it did not run. */
function suite(name) {
  const f = join(out, `${name}.txt`);
  if (!existsSync(f)) return null;
  const line = readFileSync(f, 'utf8').split('\n').filter((l) => /^\d+ passed, \d+ failed$/.test(l)).at(-1);
  if (!line) return { name, line: 'no result', ok: false };
  return { name, line, ok: / 0 failed$/.test(line) };
}
const record = (name) => {
  const f = join(out, `support-${name}.json`);
  return existsSync(f) ? JSON.parse(readFileSync(f, 'utf8')) : null;
};
const cell = (s) => String(s).replace(/\|/g, '\\|').replace(/\n/g, ' ');
const runs = (names) => names.map(suite).filter(Boolean);
const resultText = (list) => list.map((s) => `${s.name}: ${s.ok ? s.line : `**${s.line}**`}`).join('; ');

function chromiumVersion() {
  try { return execFileSync('/usr/bin/chromium', ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim().replace(/^Chromium /, '').split(' ')[0]; } catch { return '?'; }
}

export function table() {
  const rows = [];
  const chromium = runs(['browser', 'widget', 'system', 'call', 'loss', 'e2ee', 'session', 'load', 'media', 'contact-browser', 'contact-call']);
  if (chromium.length) {
    rows.push(['Chromium (Debian)', chromiumVersion(),
      'every widget screen, axe-core WCAG 2.2 AA in both themes, keyboard only, strict CSP; calls through Janus with 2–4 people, ' +
      'end-to-end encryption and the verified officer, network loss and a busy CPU; the officer\'s console and its call. ' + resultText(chromium),
      chromium.every((s) => s.ok) ? '—' : 'a suite failed in this run (see its result)']);
  }
  for (const [name, label] of [['firefox', 'Firefox ESR (Debian)'], ['webkit', 'WebKitGTK MiniBrowser (Debian)'], ['mobile', 'Chromium, phone emulation']]) {
    const s = suite(name), r = record(name);
    if (!s && !r) continue;
    const verified = r?.verified?.length ? r.verified.join(', ') : 'nothing recorded';
    const timing = r?.firstFrame ? ` First decoded frame after opening the link: ${r.firstFrame.citizenFirefoxMs} ms in Firefox, ` +
      `${r.firstFrame.officerChromiumMs} ms at the Chromium officer.` : '';
    rows.push([label, r?.version ?? (name === 'mobile' ? chromiumVersion() : '?'),
      `${verified}.${timing} ${s ? resultText([s]) : ''}`.trim(),
      [...(r?.notWorking ?? []), ...(s && !s.ok ? ['a test failed in this run (see its result)'] : [])].join('; ') || '—']);
  }
  return ['| Browser | Version tested | What the tests verified | Known not to work |', '|---|---|---|---|',
    ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`)].join('\n');
}

if (process.argv[1] && process.argv[1].endsWith('support-table.mjs')) {
  const t = table();
  if (process.argv[2] === '--readme') {
    const readme = join(root, 'README.md');
    const text = readFileSync(readme, 'utf8');
    const a = text.indexOf(BEGIN), b = text.indexOf(END);
    if (a < 0 || b < a) { console.error(`README.md has no ${BEGIN} … ${END} section`); process.exit(1); }
    writeFileSync(readme, `${text.slice(0, a)}${BEGIN}\n${t}\n${text.slice(b)}`);
    console.log('README.md: browser support table updated');
  } else {
    console.log(t);
  }
}
