// The officer's side of the real call, in the console (web/console/
// call-panel.js), on `make run`'s whole system (run.sh: Janus, the contact
// service, the web server with the strict CSP, the demo police CA):
// a citizen's request -> the officer logs in, claims it, calls back by video,
// loads the demo CA's certificate and key into the file input, joins -> the
// citizen opens the invitation link in the widget on the demo page (device
// check -> waiting room -> call, the widget's real call session) -> both
// connected, decoded video on the officer's tile, the verified officer and
// the same six-digit code on both sides, real-time text both ways, both
// sides showing the same call components; an interpreter (widget) and a
// colleague (console, own login and certificate) joining with links of
// their own and shown on every screen. Plus the file checks, the controls,
// language, screenshots and axe-core in both themes, and no CSP violation
// anywhere.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, run, assert, assertEq } from '../common/harness.mjs';
import { launch, axeSource, shotDir, buildDir } from '../browser/lib.mjs';
import { startSystem, runOnSystem, VIDEOFRAME_GC_WARNING } from '../browser/system-lib.mjs';
import { officerBin, totpSource, consoleCallState } from './lib.mjs';
import { waitScreen as waitWidgetScreen } from '../browser/widget-lib.mjs';
import { samplePdf } from '../common/sample-pdf.mjs';

const PASSWORD = 'correct horse battery staple';
const CITIZEN = 'Anna de Vries';
const t0 = Date.now();
const since = () => `${((Date.now() - t0) / 1000).toFixed(1)} s`;

// Sessions idle out after 30 s here (20 min in service): the calls below are
// longer than that with no request of the officer's own, so the console
// must keep a session in a call alive.
const IDLE_S = 30;
const sys = await startSystem('console-call', { BB_CONTACT_SESSION_IDLE: String(IDLE_S) });
// run.sh made the demo accounts: Jan de Vries (jan, officer number 100001,
// as on the demo CA's certificate the citizen's widget checks) and Ahmed El
// Amrani (ahmed, 100003), a colleague with a certificate of his own. The
// test gives them a password and a second factor it knows (the console's
// enrolment is tried in console.test.mjs).
const codes = {};
for (const user of ['jan', 'ahmed']) {
  execFileSync(officerBin, ['--db', join(sys.runDir, 'contact.db'), 'password', user, '--iterations', '10000'],
    { input: `${PASSWORD}\n`, stdio: ['pipe', 'pipe', 'pipe'] });
  const made = execFileSync(officerBin, ['--db', join(sys.runDir, 'contact.db'), 'totp', user], { encoding: 'utf8' });
  codes[user] = totpSource(/^secret ([A-Z2-7]+)$/m.exec(made)[1]);
}
/** Logs user in through the console's form on page p. */
async function logIn(p, user) {
  await p.fill('#username', user);
  await p.fill('#password', PASSWORD);
  await p.fill('#code', await codes[user]());
  await p.press('#code', 'Enter');
}
const site = sys.httpUrl, consoleSite = sys.consoleUrl;
const officerFiles = join(sys.runDir, 'ca', 'officers');
const browser = await launch();
let reference, invitationUrl, officer, citizen, tolk;
const problems = [];

/** A page in its own context (own window: not throttled as a background tab), recording CSP violations. */
async function openPage(who, options = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
  const page = await context.newPage();
  await page.addInitScript(() => {
    window.__csp = [];
    window.__states = [];   // the call panel's states as announced, in order
    new MutationObserver(() => {
      const s = document.querySelector('#call-view .call-state')?.dataset.state;
      if (s && s !== window.__states.at(-1)) window.__states.push(s);
    }).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-state'] });
    document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  page.on('pageerror', (e) => problems.push(`[${who}] ${e}`));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`[${who} console] ${m.text()} ${m.location()?.url ?? ''}`); });
  context.on('response', (r) => { if (r.status() >= 400) problems.push(`[${who}] ${r.status()} ${r.url()}`); });
  return { context, page };
}

const { state: officerState, wait: waitOfficerState } = consoleCallState(() => officer.page, problems);
const widget = () => citizen.page.locator('beeldbel-widget');
/** Waits for sel inside page's widget. */
const inShadow = (page, sel) => page.waitForFunction((q) => document.querySelector('beeldbel-widget').shadowRoot.querySelector(q),
  sel, { timeout: 30000, polling: 100 });
const waitScreen = (name, timeout = 30000) => waitWidgetScreen(citizen.page, name, timeout, async () => problems.join('\n'));

/** Mean, spread and a hash of a tile canvas's pixels (read back through a 2D canvas). */
const canvasStats = (selector) => officer.page.evaluate((sel) => {
  const c = document.querySelector(sel);
  if (!c) return null;
  const probe = document.createElement('canvas');
  probe.width = 64; probe.height = 36;
  const ctx = probe.getContext('2d', { willReadFrequently: true });
  ctx.drawImage(c, 0, 0, 64, 36);
  const d = ctx.getImageData(0, 0, 64, 36).data;
  let sum = 0, sq = 0, hash = 0;
  for (let i = 0; i < d.length; i += 4) {
    const y = (d[i] + d[i + 1] + d[i + 2]) / 3;
    sum += y; sq += y * y; hash = (hash * 31 + d[i] + d[i + 1] * 7 + d[i + 2] * 13) >>> 0;
  }
  const n = d.length / 4, mean = sum / n;
  return { mean, sd: Math.sqrt(Math.max(0, sq / n - mean * mean)), hash };
}, selector);

const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
async function axe(page, what) {
  // Injected through the DevTools protocol, which the page's CSP does not govern.
  if (!(await page.evaluate(() => !!window.axe))) await page.evaluate(axeSource);
  const result = await page.evaluate((tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags } }), AXE_TAGS);
  console.log(`  axe ${what}: ${result.passes.length} rules passed, ${result.violations.length} violated, ${result.incomplete.length} to review (${result.incomplete.map((r) => r.id).join(', ')})`);
  return result.violations.map((v) => `${what} ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

test('citizen_asks_for_a_video_callback', async () => {
  const { context, page } = await openPage('request');
  await page.goto(`${site}/demo/`);
  const r = await page.evaluate(async (name) => {
    const res = await fetch('/api/v1/requests', { method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ name, phone: '06 12345678', neighbourhood: 'groningen-noord', topic: 'Fietsen in de gang',
        preference: 'video', window: 'any', needs: ['captions'], lang: 'nl' }) });
    return { status: res.status, json: await res.json() };
  }, CITIZEN);
  await context.close();
  assertEq(r.status, 201, JSON.stringify(r.json));
  reference = r.json.reference;
});

test('officer_calls_back_by_video_and_the_call_panel_opens', async () => {
  officer = await openPage('officer');
  const p = officer.page;
  await p.goto(`${consoleSite}/console/`);
  await logIn(p, 'jan');
  const card = p.locator('article', { hasText: reference });
  await card.getByRole('button', { name: 'Oppakken' }).click({ timeout: 10000 });
  await card.getByRole('button', { name: 'Terugbellen met beeld' }).click({ timeout: 10000 });
  invitationUrl = await p.getByLabel('Uitnodigingslink').inputValue({ timeout: 15000 });
  assert(/#invite=[A-Za-z0-9_-]{43}&key=[A-Za-z0-9_-]{43}$/.test(invitationUrl), invitationUrl);
  // The panel opened on the console's event, for this request and citizen.
  const panel = p.locator('#call-view');
  await panel.waitFor({ timeout: 5000 });
  assertEq(await panel.getByRole('heading', { level: 2 }).textContent(), `Videogesprek met ${CITIZEN}`);
  assert((await panel.locator('.call-ref').textContent()).includes(reference), 'reference shown');
  // Focus stays on the invitation link (the citizen needs it first); the
  // request's panel has a way to the call.
  assertEq(await p.evaluate(() => document.activeElement?.id?.startsWith('invite-')), true);
  await card.getByRole('button', { name: 'Naar het gesprek' }).focus();
  await p.keyboard.press('Enter');
  assertEq(await p.evaluate(() => document.activeElement?.id), 'call-title');
});

test('certificate_and_key_files_are_checked_before_joining', async () => {
  const p = officer.page, panel = p.locator('#call-view');
  const error = panel.locator('.call-error');
  await panel.getByRole('button', { name: 'Deelnemen aan het gesprek' }).click();
  await error.waitFor({ timeout: 3000 });
  assertEq(await error.textContent(), 'Kies eerst uw politiecertificaat (.pem) en sleutel (.key).');
  assertEq(await p.evaluate(() => document.activeElement?.id), 'call-files', 'focus to the file input');
  const input = p.getByLabel('Uw politiecertificaat (.pem) en sleutel (.key)');
  await input.setInputFiles([{ name: 'foto.png', mimeType: 'image/png', buffer: Buffer.from('\x89PNG not a key') },
    { name: 'groot.pem', mimeType: 'application/x-pem-file', buffer: Buffer.alloc(17 * 1024, 65) }]);
  await p.waitForFunction(() => /groot\.pem/.test(document.querySelector('#call-view .call-error')?.textContent));
  const text = await error.textContent();
  assert(text.includes('foto.png is geen certificaat') && text.includes('groot.pem is te groot'), text);
  // Only the certificate: the key is still missing.
  await input.setInputFiles(join(officerFiles, 'jan-de-vries.pem'));
  await p.waitForFunction(() => /Sleutel: ontbreekt nog/.test(document.getElementById('call-files-status').textContent));
  // Then the key: both ready, kept in memory, the input itself empty.
  await input.setInputFiles(join(officerFiles, 'jan-de-vries.key'));
  await p.locator('#call-files-status[data-ready="true"]').waitFor({ timeout: 3000 });
  const status = await p.locator('#call-files-status').textContent();
  assert(status.includes('jan-de-vries.pem') && status.includes('jan-de-vries.key'), status);
  assertEq(await input.evaluate((i) => i.files.length), 0);
  await p.locator('#call-view').screenshot({ path: join(shotDir, 'console-call-setup.png') });
});

test('a_key_the_engine_refuses_gives_a_clear_error_and_is_forgotten', async () => {
  const p = officer.page, panel = p.locator('#call-view');
  await p.getByLabel('Uw politiecertificaat (.pem) en sleutel (.key)').setInputFiles({ name: 'kapot.key', mimeType: 'application/octet-stream',
    buffer: Buffer.from('-----BEGIN EC PRIVATE KEY-----\nbm90IGEga2V5\n-----END EC PRIVATE KEY-----\n') });
  await p.waitForFunction(() => /kapot\.key/.test(document.getElementById('call-files-status').textContent));
  await panel.getByRole('button', { name: 'Deelnemen aan het gesprek' }).focus();
  await p.keyboard.press('Enter');
  await p.waitForFunction(() => /Met dit certificaat en deze sleutel kunt u niet deelnemen/
    .test(document.querySelector('#call-view .call-error')?.textContent), null, { timeout: 20000 });
  console.log(`  refused: ${await panel.locator('.call-error').textContent()}`);
  assertEq(await p.locator('#call-files-status').textContent(), 'Nog geen certificaat of sleutel gekozen.');
  assertEq(await p.evaluate(() => document.activeElement?.id), 'call-files');
  assertEq(await officerState(), 'idle');
  assert(await panel.getByRole('button', { name: 'Deelnemen aan het gesprek' }).isVisible(), 'can join again');
  // Choose both again, together this time.
  await p.getByLabel('Uw politiecertificaat (.pem) en sleutel (.key)')
    .setInputFiles([join(officerFiles, 'jan-de-vries.pem'), join(officerFiles, 'jan-de-vries.key')]);
  await p.locator('#call-files-status[data-ready="true"]').waitFor({ timeout: 3000 });
  await p.evaluate(() => { window.__states = []; });
});

test('officer_joins_and_waits_for_the_citizen', async () => {
  const p = officer.page;
  await p.locator('#call-view').getByRole('button', { name: 'Deelnemen aan het gesprek' }).focus();
  await p.keyboard.press('Enter');
  await waitOfficerState('waiting');
  assertEq(await p.locator('#call-view .call-error').isHidden(), true, 'the old error is gone');
  assertEq(await p.locator('#call-view .call-state').textContent(), 'Wachten op de burger…');
  assertEq(await p.locator('#call-view .call-error').isHidden(), true, 'no error');
  assertEq(await p.locator('#call-view .call-notice').isHidden(), true, 'camera and microphone open');
  // Own camera preview, muted; toggles are real toggle buttons.
  assertEq(await p.locator('#call-view video.bb-self').evaluate((v) => v.muted && !!v.srcObject), true);
  for (const name of ['Microfoon uit', 'Camera uit']) {
    assertEq(await p.getByRole('button', { name }).getAttribute('aria-pressed'), 'false', name);
  }
  console.log(`  officer waiting after ${since()}`);
});

test('citizen_joins_through_the_widget_both_connected_with_video_and_the_same_code', async () => {
  citizen = await openPage('citizen', { viewport: { width: 1000, height: 900 } });
  await citizen.page.goto(invitationUrl);
  // The link is used on the citizen's click, not on page load.
  await widget().getByRole('button', { name: 'Deelnemen' }).click({ timeout: 15000 });
  await waitScreen('device');
  await widget().locator('.bb-screen').getByText('Je camera en microfoon werken.').waitFor({ timeout: 15000 });
  await widget().getByRole('button', { name: 'Naar de wachtkamer' }).click();
  await waitScreen('call', 45000);
  await waitOfficerState('connected');
  console.log(`  both connected after ${since()}`);
  const p = officer.page;
  // The citizen's tile, labelled with the request's name, shows decoded video.
  const tile = p.locator('#call-view figure.bb-tile[data-role="citizen"]');
  await tile.waitFor({ timeout: 10000 });
  assertEq(await tile.locator('figcaption').textContent(), CITIZEN);
  assertEq(await tile.locator('canvas').getAttribute('aria-label'), CITIZEN);
  await p.locator('#call-view figure.bb-tile[data-role="citizen"][data-video="playing"]').waitFor({ timeout: 20000 });
  await waitOfficerState('connected', 10000);
  assertEq(await p.locator('#call-view .call-state').textContent(), `Verbonden met ${CITIZEN}.`);
  console.log(`  officer's states: ${(await p.evaluate(() => window.__states)).join(' → ')}`);
  const sel = '#call-view figure.bb-tile[data-role="citizen"] canvas';
  // Frames keep being decoded: the picture changes. On a loaded 2-core machine a second can pass
  // without a new frame (seen with a browser suite running beside this one), so it is given 10 s.
  const a = await canvasStats(sel);
  let b = a;
  const t0 = Date.now();
  while (b.hash === a.hash && Date.now() - t0 < 10000) {
    await new Promise((r) => setTimeout(r, 250));
    b = await canvasStats(sel);
  }
  console.log(`  officer's tile: mean ${a.mean.toFixed(0)}→${b.mean.toFixed(0)}, sd ${a.sd.toFixed(0)}→${b.sd.toFixed(0)}, changed after ${Date.now() - t0} ms`);
  assert(b.mean > 10 && b.sd > 5, `tile looks empty: ${JSON.stringify(b)}`);
  assert(a.hash !== b.hash, 'the picture changes (frames keep being decoded)');
  // The citizen sees the verified officer; both read the same six-digit code.
  const badge = widget().locator('.bb-identity');
  await badge.locator('[data-sas]').waitFor({ timeout: 15000 });
  const badgeText = await badge.textContent();
  assert(badgeText.includes('Geverifieerde politiemedewerker') && badgeText.includes('Jan de Vries'), badgeText);
  const citizenCode = await badge.locator('[data-sas]').textContent();
  await p.locator('#call-view [data-sas]').waitFor({ timeout: 10000 });
  const officerCode = await p.locator('#call-view [data-sas]').textContent();
  assert(/^\d{3} \d{3}$/.test(officerCode), officerCode);
  assertEq(citizenCode, officerCode, 'the same code on both sides');
  // Beside the code, both see how many are in the key agreement: the two of them.
  assert((await badge.locator('[data-people]').textContent()).startsWith('2 mensen in dit gesprek'), 'citizen: count');
  assertEq(await p.locator('#call-view [data-people]').getAttribute('data-people'), '2');
  // One call view on both sides: the same components, in the same order.
  const parts = (view) => [...view.querySelectorAll(':scope > *, :scope > .bb-callbar > *')]
    .map((n) => [...n.classList].find((c) => c.startsWith('bb-')) ?? n.tagName.toLowerCase());
  const officerParts = await p.evaluate(`(${parts})(document.querySelector('#call-view .bb-call'))`);
  const citizenParts = await citizen.page.evaluate(`(${parts})(document.querySelector('beeldbel-widget').shadowRoot.querySelector('.bb-call'))`);
  assertEq(officerParts.join(' '), 'bb-callbar bb-identity bb-quality bb-rec bb-stage bb-controls bb-rtt bb-dialog');
  assertEq(citizenParts.join(' '), officerParts.join(' '), 'the citizen sees the same components');
  // And the citizen's screen shows the officer's video too.
  await citizen.page.waitForFunction(() => {
    const c = document.querySelector('beeldbel-widget').shadowRoot.querySelector('.bb-tile[data-role="officer"] canvas');
    return c && c.width > 0;
  }, null, { timeout: 10000 });
});

test('real_time_text_both_ways', async () => {
  const p = officer.page;
  await p.getByLabel(/^Uw tekst/).focus();
  await p.keyboard.type('Goedemiddag Anna', { delay: 20 });
  // Arrives while typed (before Enter) ...
  const typing = widget().locator('.bb-rtt-typing');
  const t1 = Date.now();
  await citizen.page.waitForFunction(() => document.querySelector('beeldbel-widget').shadowRoot
    .querySelector('.bb-rtt-typing')?.textContent.includes('Goedemiddag Anna'), null, { timeout: 5000, polling: 50 });
  console.log(`  partial line seen by the citizen ${Date.now() - t1} ms after the last key`);
  assert(await typing.isVisible(), 'typing line visible');
  // ... and Enter finishes the line in both logs.
  await p.keyboard.press('Enter');
  await citizen.page.waitForFunction(() => [...document.querySelector('beeldbel-widget').shadowRoot
    .querySelectorAll('.bb-rtt-log .bb-rtt-line--theirs')].some((l) => l.textContent.includes('Goedemiddag Anna')), null, { timeout: 5000 });
  assertEq(await p.locator('#call-view [role="log"] .bb-rtt-line--mine').textContent(), 'U: Goedemiddag Anna');
  assertEq(await p.getByLabel(/^Uw tekst/).inputValue(), '');
  // The citizen answers; the officer sees it as the other side's line, as text.
  const input = widget().getByLabel('Jouw tekst (de ander ziet het terwijl je typt)');
  await input.focus();
  await citizen.page.keyboard.type('Dag <b>agent</b>', { delay: 20 });
  await citizen.page.keyboard.press('Enter');
  const theirs = p.locator('#call-view [role="log"] .bb-rtt-line--theirs');
  await theirs.waitFor({ timeout: 5000 });
  assertEq(await theirs.textContent(), `${CITIZEN}: Dag <b>agent</b>`);
  assertEq(await p.locator('#call-view [role="log"] b').count(), 0, 'text never becomes markup');
});

test('a_statement_drafted_read_along_settled_signed_and_downloaded_on_both_sides', async () => {
  const p = officer.page, w = widget();
  const field = (name) => p.locator(`#call-view .bb-statement [name="${name}"]`);
  await field('citizen').fill(CITIZEN);
  await field('when').fill('dinsdag 1 december 2026, rond 17.30 uur');
  await field('where').fill('Fietsenstalling station Noord');
  await field('goods').fill('Gazelle damesfiets, zwart, € 650');
  await field('what').fill('Mijn fiets stond op slot.\nToen ik terugkwam was hij weg.');
  await field('own_words').fill('Ik heb niemand gezien. “Dit is al de tweede keer”, zei de beheerder.');
  await p.getByRole('button', { name: 'Deel deze versie' }).click();
  const heading = w.locator('.bb-statement h3');
  await heading.waitFor({ timeout: 10000 });
  assertEq(await heading.textContent(), 'Verklaring, versie 1');
  assert((await w.locator('.bb-statement dl').textContent()).includes('Gazelle damesfiets, zwart, € 650'), 'the citizen reads the fields');
  // A change: the citizen sees which field changed, in words.
  await field('where').fill('Fietsenstalling station Groningen Noord, achteringang');
  await p.getByRole('button', { name: 'Deel deze versie' }).click();
  await citizen.page.waitForFunction(() => document.querySelector('beeldbel-widget').shadowRoot
    .querySelector('.bb-statement h3')?.textContent === 'Verklaring, versie 2', null, { timeout: 10000 });
  assertEq(await w.locator('.bb-statement .bb-statement-changed').count(), 1);
  assert((await w.locator('.bb-statement dt', { hasText: 'gewijzigd' }).textContent()).startsWith('Pleegplaats'), 'the changed field is named');
  // A character the PDF cannot show is refused at the field, before anything is shared.
  await field('goods').fill('fiets 🚲');
  await p.getByRole('button', { name: 'Deel deze versie' }).click();
  await p.locator('#call-view .bb-statement [name="goods"][aria-invalid="true"]').waitFor({ timeout: 5000 });
  await field('goods').fill('Gazelle damesfiets, zwart, € 650');
  // Settled: the citizen reads, chooses and confirms by keyboard.
  await p.getByRole('button', { name: 'Vaststellen en laten ondertekenen' }).click();
  const sign = w.getByRole('button', { name: 'Ik onderteken', exact: true });
  await sign.waitFor({ timeout: 10000 });
  assertEq(await heading.textContent(), 'Verklaring, versie 3');
  await sign.focus();
  await citizen.page.keyboard.press('Enter');
  const yes = w.getByRole('button', { name: 'Ja, ik onderteken' });
  await yes.waitFor({ timeout: 5000 });
  assert(await yes.evaluate((b) => b.getRootNode().activeElement === b), 'the confirmation has focus');
  const t1 = Date.now();
  await citizen.page.keyboard.press('Enter');
  const mine = w.getByRole('link', { name: 'Download je ondertekende verklaring (PDF)' });
  await mine.waitFor({ timeout: 20000 });
  const theirs = p.getByRole('link', { name: 'Download het ondertekende proces-verbaal (PDF)' });
  await theirs.waitFor({ timeout: 5000 });
  console.log(`  signed (consent, signature, timestamp, back to the citizen) ${Date.now() - t1} ms after "Ja, ik onderteken"`);
  // Downloaded as a person does: a click on the link.
  const bytesOf = async (page, link, name = /^verklaring-BB-[A-Z0-9-]+-v3\.pdf$/) => {
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 10000 }), link.click()]);
    assert(name.test(download.suggestedFilename()), download.suggestedFilename());
    return readFileSync(await download.path());
  };
  const fromCitizen = await bytesOf(citizen.page, mine), fromOfficer = await bytesOf(p, theirs);
  assert(fromCitizen.length > 10000 && Buffer.compare(fromCitizen, fromOfficer) === 0, 'both have the same signed PDF');
  // Kept with the request by the contact service, which checked the signature first.
  await p.locator('#call-view .bb-statement [data-kept="yes"]').waitFor({ timeout: 10000 });
  const stored = await p.evaluate(async (ref) => {
    const q = await (await fetch('/api/v1/officer/queue', { credentials: 'same-origin' })).json();
    const id = q.requests.find((r) => r.reference === ref).id;
    const r = await fetch(`/api/v1/officer/requests/${id}/statement`, { credentials: 'same-origin' });
    return Array.from(new Uint8Array(await r.arrayBuffer()));
  }, reference);
  assert(Buffer.compare(Buffer.from(stored), fromOfficer) === 0, 'the kept copy is the signed PDF');
  // The request's card links the kept copy once the queue is read again.
  await p.click('#refresh');
  const card = p.locator('[data-key$="-statement"]');
  await card.waitFor({ timeout: 10000 });
  assert(Buffer.compare(await bytesOf(p, card, /^proces-verbaal-BB-[A-Z0-9-]+\.pdf$/), fromOfficer) === 0,
    'the card downloads the kept copy');
  const file = join(sys.runDir, 'statement-signed.pdf');
  writeFileSync(file, fromCitizen);
  const nss = join(sys.runDir, 'nss-statement');
  execFileSync('mkdir', ['-p', nss]);
  execFileSync('certutil', ['-N', '-d', `sql:${nss}`, '--empty-password']);
  execFileSync('certutil', ['-A', '-d', `sql:${nss}`, '-n', 'root', '-t', 'C,C,C', '-i', join(sys.runDir, 'ca', 'root.pem')]);
  const sig = execFileSync('pdfsig', ['-nssdir', `sql:${nss}`, file], { encoding: 'utf8' });
  assert(sig.includes('Signature is Valid') && sig.includes('Certificate is Trusted') && sig.includes('Total document signed'), sig);
  assert(sig.includes('Jan de Vries'), sig);
  const violations = [];
  for (const contrast of ['no-preference', 'more']) {
    await citizen.page.emulateMedia({ contrast });
    await w.locator('.bb-statement').scrollIntoViewIfNeeded();
    await citizen.page.screenshot({ path: join(shotDir, `statement-citizen-${contrast === 'more' ? 'contrast' : 'normal'}.png`), fullPage: true });
    violations.push(...await axe(citizen.page, `statement citizen ${contrast}`));
    await p.emulateMedia({ contrast });
    await p.locator('#call-view .bb-statement').scrollIntoViewIfNeeded();
    await p.screenshot({ path: join(shotDir, `statement-officer-${contrast === 'more' ? 'contrast' : 'normal'}.png`), fullPage: true });
    violations.push(...await axe(p, `statement officer ${contrast}`));
  }
  await citizen.page.emulateMedia({ contrast: 'no-preference' });
  await p.emulateMedia({ contrast: 'no-preference' });
  assertEq(violations.join('\n'), '', 'axe: ');
});

test('a_pdf_shared_either_way_is_read_in_the_page_with_its_text', async () => {
  const panel = officer.page.locator('#call-view .bb-files'), w = widget();
  // The citizen shares one; the console opens it (pdf.js by URL from the console's own origin).
  const doc = samplePdf([['Eigen verklaring', 'Mijn fiets stond op slot bij café De Brug.']]);
  await w.getByLabel('Kies een bestand om te delen').setInputFiles({ name: 'eigen-verklaring.pdf', mimeType: 'application/pdf', buffer: doc });
  const open = panel.getByRole('button', { name: 'eigen-verklaring.pdf bekijken' });
  await open.click({ timeout: 30000 });
  await panel.getByRole('region', { name: 'eigen-verklaring.pdf' }).getByRole('group', { name: 'Pagina 1 van 1' })
    .locator('.textLayer span', { hasText: 'café De Brug' }).waitFor({ timeout: 20000 });
  // The officer shares one back; the widget opens it (pdf.js checked against the bundle's hashes).
  const back = samplePdf([['Bijlage bij de aangifte', 'Zaaknummer 2026-123']]);
  await panel.getByLabel('Kies een bestand om te delen').setInputFiles({ name: 'bijlage.pdf', mimeType: 'application/pdf', buffer: back });
  await w.getByRole('button', { name: 'bijlage.pdf bekijken' }).click({ timeout: 30000 });
  await w.getByRole('region', { name: 'bijlage.pdf' }).locator('.textLayer span', { hasText: 'Zaaknummer 2026-123' }).waitFor({ timeout: 20000 });
  const violations = [];
  for (const contrast of ['no-preference', 'more']) {
    await officer.page.emulateMedia({ contrast });
    violations.push(...await axe(officer.page, `pdf open ${contrast}`));
  }
  await officer.page.emulateMedia({ contrast: 'no-preference' });
  await panel.locator('.bb-pdf').scrollIntoViewIfNeeded();
  await officer.page.screenshot({ path: join(shotDir, 'console-call-pdf.png'), fullPage: true });
  assertEq(violations.join('\n'), '', 'axe: ');
  await panel.getByRole('button', { name: 'eigen-verklaring.pdf sluiten' }).click();
  await w.getByRole('button', { name: 'bijlage.pdf sluiten' }).click();
});

test('controls_toggle_and_language_switches_in_the_call', async () => {
  const p = officer.page;
  const mic = p.getByRole('button', { name: 'Microfoon uit' });
  await mic.focus();
  await p.keyboard.press('Enter');
  assertEq(await mic.getAttribute('aria-pressed'), 'true');
  await p.keyboard.press('Enter');
  assertEq(await mic.getAttribute('aria-pressed'), 'false');
  const cam = p.getByRole('button', { name: 'Camera uit' });
  await cam.focus();
  await p.keyboard.press('Space');
  assertEq(await cam.getAttribute('aria-pressed'), 'true');
  assertEq(await p.locator('#call-view .bb-self-off').isVisible(), true);
  await p.keyboard.press('Space');
  // Every control is at least 24 x 24 px.
  const small = await p.evaluate(() => [...document.querySelectorAll('#call-view button, #call-view textarea')]
    .filter((b) => b.offsetParent).map((b) => [b.textContent || b.id, b.getBoundingClientRect()])
    .filter(([, r]) => r.width < 24 || r.height < 24).map(([n]) => n));
  assertEq(small.join(), '', 'targets under 24 px');
  await p.click('#lang');
  assertEq(await p.locator('#call-title').textContent(), `Video call with ${CITIZEN}`);
  assertEq(await p.locator('#call-view .call-state').textContent(), `Connected with ${CITIZEN}.`);
  assert(await p.getByRole('button', { name: 'Hang up' }).isVisible(), 'hang up in English');
  assertEq(await p.locator('#call-view .bb-rtt-line--mine .bb-rtt-who').textContent(), 'You: ');
  await p.screenshot({ path: join(shotDir, 'console-call-en.png'), fullPage: true });
  await p.click('#lang');
  assertEq(await p.locator('#call-title').textContent(), `Videogesprek met ${CITIZEN}`);
});

test('screenshots_and_axe_in_both_themes_with_the_call_open', async () => {
  const p = officer.page;
  const violations = [];
  for (const contrast of ['no-preference', 'more']) {
    await p.emulateMedia({ contrast });
    await p.locator('#call-view').scrollIntoViewIfNeeded();
    await p.screenshot({ path: join(shotDir, `console-call-${contrast === 'more' ? 'contrast' : 'normal'}.png`), fullPage: true });
    violations.push(...await axe(p, contrast));
  }
  await p.emulateMedia({ contrast: 'no-preference' });
  await citizen.page.screenshot({ path: join(shotDir, 'console-call-citizen.png'), fullPage: true });
  assertEq(violations.join('\n'), '', 'axe: ');
});

test('an_interpreter_with_a_link_of_their_own_is_on_every_screen', async () => {
  const p = officer.page;
  const card = p.locator('article', { hasText: reference });
  await card.getByRole('button', { name: 'Tolk uitnodigen' }).click({ timeout: 10000 });
  const link = await p.getByLabel('Link voor tolk 1').inputValue({ timeout: 10000 });
  assert(/#invite=[A-Za-z0-9_-]{43}&key=[A-Za-z0-9_-]{43}$/.test(link) && link !== invitationUrl, link);
  assertEq(link.split('&key=')[1], invitationUrl.split('&key=')[1], 'the call\'s own secret, made by the console');
  tolk = await openPage('interpreter', { viewport: { width: 1000, height: 900 } });
  const tw = () => tolk.page.locator('beeldbel-widget');
  await tolk.page.goto(link);
  await tw().getByRole('button', { name: 'Deelnemen' }).click({ timeout: 15000 });
  await tw().locator('.bb-screen').getByText('Je camera en microfoon werken.').waitFor({ timeout: 30000 });
  await tw().getByRole('button', { name: 'Naar de wachtkamer' }).click();
  await tolk.page.waitForFunction(() => document.querySelector('beeldbel-widget')?.screen === 'call', null, { timeout: 45000 });
  // Everyone holding the call's keys is on every screen, with the role the handshake proved,
  // and the count beside the code says three.
  await p.locator('#call-view [data-people="3"]').waitFor({ timeout: 30000 });
  await p.locator('#call-view figure.bb-tile[data-role="interpreter"]').waitFor({ timeout: 10000 });
  await inShadow(citizen.page, '[data-people="3"]');
  await inShadow(citizen.page, '.bb-tile[data-role="interpreter"]');
  await inShadow(tolk.page, '[data-people="3"]');
  await inShadow(tolk.page, '.bb-tile[data-role="citizen"]');
  // The interpreter, like the citizen, sees the officer verified; all three read the same code.
  const badge = tw().locator('.bb-identity');
  assert((await badge.textContent()).includes('Geverifieerde politiemedewerker'), await badge.textContent());
  await p.waitForFunction(() => document.querySelector('#call-view [data-people="3"]'), null, { timeout: 10000 });
  const codes = [await p.locator('#call-view [data-sas]').textContent(), await widget().locator('[data-sas]').textContent(),
    await badge.locator('[data-sas]').textContent()];
  assert(/^\d{3} \d{3}$/.test(codes[0]) && codes.every((c) => c === codes[0]), codes.join(' / '));
  assertEq(await p.locator('#call-view figure.bb-tile[data-role="interpreter"] figcaption').textContent(), 'Tolk');
  // The statement in the call reaches the newcomer too: read along, never signed by the interpreter.
  await inShadow(tolk.page, '.bb-statement:not([hidden]) dl');
  assert((await tw().locator('.bb-statement-status').textContent()).includes('Je leest mee om te tolken'));
  assert((await tw().locator('.bb-statement dl').textContent()).includes('Verklaring van de burger in eigen woorden'));
  assertEq(await tw().getByRole('button', { name: 'Ik onderteken', exact: true }).count(), 0);
  // The citizen, who signed already, is not asked again and keeps the download.
  assertEq(await widget().getByRole('button', { name: 'Ik onderteken', exact: true }).count(), 0);
  assert(await widget().getByRole('link', { name: 'Download je ondertekende verklaring (PDF)' }).isVisible(), 'download kept');
  await p.screenshot({ path: join(shotDir, 'console-call-interpreter.png'), fullPage: true });
  await tolk.page.screenshot({ path: join(shotDir, 'console-call-interpreter-widget.png'), fullPage: true });
  assertEq((await axe(p, 'with an interpreter')).join('\n'), '', 'axe: ');
});

test('a_recorded_interview_is_announced_on_every_screen_sealed_and_kept', async () => {
  const p = officer.page;
  const tw = () => tolk.page.locator('beeldbel-widget');
  const panel = p.locator('#call-view .bb-recording');
  const shown = (page) => page.evaluate(() => {
    const root = document.querySelector('beeldbel-widget')?.shadowRoot ?? document;
    const n = root.querySelector('.bb-rec');
    return n ? { on: n.dataset.recording, text: n.textContent, role: n.getAttribute('role') } : null;
  });
  // Nothing is said about recording before it starts: the live region is there, empty.
  assertEq(JSON.stringify(await shown(citizen.page)), JSON.stringify({ on: 'false', text: '', role: 'status' }));
  const t1 = Date.now();
  await panel.getByRole('button', { name: 'Opname starten' }).click();
  // The officer's engine records only once every participant's engine has the notice;
  // their screens show it, in words, in a live region.
  await p.waitForFunction(() => document.querySelector('#call-view .bb-recording')?.dataset.state === 'recording', null, { timeout: 20000 });
  const tStart = Date.now() - t1;
  for (const [who, page] of [['citizen', citizen.page], ['interpreter', tolk.page]]) {
    await page.waitForFunction(() => document.querySelector('beeldbel-widget').shadowRoot.querySelector('.bb-rec[data-recording="true"]'),
      null, { timeout: 5000 });
    assertEq((await shown(page)).text, '● Dit gesprek wordt opgenomen door de politie.', `${who}: `);
  }
  assertEq(await p.locator('#call-view .bb-rec').textContent(), '● Dit gesprek wordt opgenomen. Iedereen in het gesprek ziet dit.');
  console.log(`  recording started ${tStart} ms after "Opname starten" (every participant acknowledged the notice)`);
  await p.screenshot({ path: join(shotDir, 'console-call-recording.png'), fullPage: true });
  await citizen.page.screenshot({ path: join(shotDir, 'console-call-recording-widget.png'), fullPage: true });
  for (const theme of ['no-preference', 'more']) {
    await citizen.page.emulateMedia({ contrast: theme });
    await p.emulateMedia({ contrast: theme });
    assertEq((await axe(citizen.page, `recording citizen ${theme}`)).join('\n'), '', 'axe: ');
    assertEq((await axe(p, `recording officer ${theme}`)).join('\n'), '', 'axe: ');
  }
  await citizen.page.emulateMedia({ contrast: 'no-preference' });
  await p.emulateMedia({ contrast: 'no-preference' });
  // A line of text goes into the recording with who said it.
  const input = widget().getByLabel('Jouw tekst (de ander ziet het terwijl je typt)');
  await input.focus();
  await citizen.page.keyboard.type('Het was om tien over negen.', { delay: 10 });
  await citizen.page.keyboard.press('Enter');
  await p.waitForTimeout(5000);
  await panel.getByRole('button', { name: 'Opname stoppen' }).click();
  const fileLink = panel.getByRole('link', { name: 'Opname (WebM)' });
  await fileLink.waitFor({ timeout: 30000 });
  for (const [who, page] of [['citizen', citizen.page], ['interpreter', tolk.page]]) {
    await page.waitForFunction(() => document.querySelector('beeldbel-widget').shadowRoot.querySelector('.bb-rec[data-recording="false"]'),
      null, { timeout: 10000 });
    assertEq((await shown(page)).text, 'De opname is gestopt.', `${who}: `);
  }
  const dir = join(sys.runDir, 'recording');
  execFileSync('mkdir', ['-p', dir]);
  const save = async (name, file) => {
    const [download] = await Promise.all([p.waitForEvent('download', { timeout: 10000 }), panel.getByRole('link', { name }).click()]);
    assert(/^verhoor-\d{8}-\d{6}\.(webm|manifest\.json)$/.test(download.suggestedFilename()), download.suggestedFilename());
    await download.saveAs(join(dir, file));
  };
  await save('Opname (WebM)', 'rec.webm');
  await save('Zegel en inhoud (manifest, JSON)', 'rec.manifest.json');
  // Players read it: every participant's picture and sound, and the text.
  const probe = execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'stream=index,codec_name:stream_tags=title', '-of', 'csv=p=0',
    join(dir, 'rec.webm')], { encoding: 'utf8' });
  console.log(probe.trim().split('\n').map((l) => `  ffprobe: ${l}`).join('\n'));
  assert(probe.includes('0,vp8,"Jan de Vries (wijkagent), beeld"') && probe.includes(`2,vp8,"${CITIZEN} (burger), beeld"`) &&
    probe.includes('4,vp8,"Tolk, beeld"') && probe.includes('10,webvtt,Tekst en ondertiteling'), probe);
  const decode = execFileSync('ffmpeg', ['-nostdin', '-v', 'error', '-i', join(dir, 'rec.webm'), '-map', '0:v:0', '-map', '0:a:0',
    '-map', '0:v:1', '-map', '0:a:1', '-f', 'null', '-'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  assertEq(decode, '', 'ffmpeg decodes without an error: ');
  const frames = execFileSync('ffprobe', ['-v', 'error', '-count_frames', '-select_streams', 'v', '-show_entries', 'stream=nb_read_frames',
    '-of', 'csv=p=0', join(dir, 'rec.webm')], { encoding: 'utf8' }).trim().split('\n').map(Number);
  console.log(`  video frames per participant: ${frames.join(', ')}`);
  assert(frames[0] >= 30 && frames[1] >= 30 && frames[2] >= 30, `everyone's picture is in it: ${frames}`);
  const cues = execFileSync('ffmpeg', ['-nostdin', '-v', 'error', '-i', join(dir, 'rec.webm'), '-map', '0:s', '-f', 'webvtt', '-'],
    { encoding: 'utf8' });
  assert(cues.includes('Het was om tien over negen.'), cues);
  // And the seal holds: by Jan de Vries, checked against the police root.
  const verified = execFileSync(join(buildDir, 'bin', 'beeldbel-verify'), ['--root', join(sys.runDir, 'ca', 'root.pem'),
    join(dir, 'rec.webm'), join(dir, 'rec.manifest.json')], { encoding: 'utf8' });
  console.log(verified.trim().split('\n').map((l) => `  ${l}`).join('\n'));
  assert(verified.includes('sealed and unchanged / verzegeld en ongewijzigd') && verified.includes('Jan de Vries (100001)'), verified);
  // The evidence store has it too, part by part as it was made: it checked the seal against the
  // police root and keeps it sealed; the officer gets the same bytes back.
  await p.waitForFunction(() => document.querySelector('#call-view .bb-recording')?.dataset.kept === 'sealed', null, { timeout: 30000 });
  console.log(`  evidence store: ${await panel.locator('[data-rec="kept"]').textContent()}`);
  const stored = await p.evaluate(async () => {
    const get = async (sel) => {
      const r = await fetch(document.querySelector(sel).href);
      const b = new Uint8Array(await r.arrayBuffer());
      const h = new Uint8Array(await crypto.subtle.digest('SHA-256', b));
      return { status: r.status, type: r.headers.get('content-type'), sha: Array.from(h, (x) => x.toString(16).padStart(2, '0')).join('') };
    };
    return { file: await get('[data-rec="stored-file"]'), manifest: await get('[data-rec="stored-manifest"]') };
  });
  const sha = (f) => createHash('sha256').update(readFileSync(join(dir, f))).digest('hex');
  assertEq(JSON.stringify(stored.file), JSON.stringify({ status: 200, type: 'video/webm', sha: sha('rec.webm') }), 'stored file: ');
  assertEq(stored.manifest.sha, sha('rec.manifest.json'), 'stored manifest');
  const log = readFileSync(join(sys.runDir, 'contact.log'), 'utf8');
  assert(/POST \/api\/v1\/officer\/recordings\/\d+\/manifest 201 /.test(log), 'the last manifest was checked and kept');
  // A language switch: everything the panel says, in English, the links still there.
  await p.click('#lang');
  assertEq(await panel.getByRole('heading').first().textContent(), 'Recording of the interview');
  assert(/^Kept sealed by the police \(recording \d+\): \d+ segments, \d seal\(s\), checked\. /.test(await panel.locator('[data-rec="kept"]').textContent()),
    await panel.locator('[data-rec="kept"]').textContent());
  assert(await panel.getByRole('link', { name: 'Recording (WebM)' }).isVisible(), 'the page copy, in English');
  assert(await panel.getByRole('button', { name: 'Start recording' }).isVisible(), 'the button, in English');
  await p.click('#lang');
  assertEq(await panel.getByRole('heading').first().textContent(), 'Opname van het verhoor');
  // The interpreter hangs up: everyone is back to two, with a new code.
  await tw().getByRole('button', { name: 'Ophangen' }).click();
  await tw().getByRole('button', { name: 'Ja, ophangen' }).click();
  await p.locator('#call-view [data-people="2"]').waitFor({ timeout: 30000 });
  await inShadow(citizen.page, '[data-people="2"]');
  assertEq(await p.locator('#call-view figure.bb-tile[data-role="interpreter"]').count(), 0);
  await tolk.context.close();
});

test('a_colleague_with_a_link_and_a_login_of_their_own_is_on_every_screen', async () => {
  const p = officer.page;
  const card = p.locator('article', { hasText: reference });
  await card.getByRole('button', { name: 'Collega uitnodigen' }).click({ timeout: 10000 });
  const link = await p.getByLabel('Link voor collega 1').inputValue({ timeout: 10000 });
  assert(/\/console\/#join=[A-Za-z0-9_-]{43}&key=[A-Za-z0-9_-]{43}$/.test(link), link);
  const col = await openPage('colleague', { viewport: { width: 1100, height: 900 } });
  const c = col.page;
  await c.goto(link);
  // The call's secret leaves the address bar at once; the login says why to log in.
  assertEq(new URL(c.url()).hash, '');
  await c.locator('.join-note').waitFor({ timeout: 10000 });
  await logIn(c, 'ahmed');
  await c.locator('#call-title', { hasText: 'Gesprek van Jan de Vries: u doet mee als collega' }).waitFor({ timeout: 15000 });
  await c.getByLabel('Uw politiecertificaat (.pem) en sleutel (.key)')
    .setInputFiles([join(officerFiles, 'ahmed-el-amrani.pem'), join(officerFiles, 'ahmed-el-amrani.key')]);
  await c.locator('#call-files-status[data-ready="true"]').waitFor({ timeout: 3000 });
  await c.getByRole('button', { name: 'Deelnemen aan het gesprek' }).click();
  // On every screen: three people, the colleague by the name their certificate proves.
  await c.locator('#call-view [data-people="3"]').waitFor({ timeout: 45000 });
  await p.locator('#call-view [data-people="3"]').waitFor({ timeout: 30000 });
  const tile = p.locator('#call-view figure.bb-tile[data-role="colleague"] figcaption');
  assertEq(await tile.textContent({ timeout: 10000 }), 'Ahmed El Amrani');
  await citizen.page.waitForFunction(() => document.querySelector('beeldbel-widget').shadowRoot
    .querySelector('.bb-tile[data-role="colleague"]')?.textContent.includes('Ahmed El Amrani'), null, { timeout: 30000 });
  // The colleague sees whose call it is, verified; the citizen still sees Jan de Vries as the officer.
  const badge = await c.locator('#call-view .bb-identity').textContent();
  assert(badge.includes('Geverifieerde politiemedewerker') && badge.includes('Jan de Vries'), badge);
  const citizenBadge = await widget().locator('.bb-badge--ok').textContent();
  assert(citizenBadge.includes('Jan de Vries') && !citizenBadge.includes('Ahmed'), citizenBadge);
  await citizen.page.waitForFunction(() => document.querySelector('beeldbel-widget').shadowRoot.querySelector('[data-people="3"]'),
    null, { timeout: 30000 });
  const codes = [await p.locator('#call-view [data-sas]').textContent(), await c.locator('#call-view [data-sas]').textContent(),
    await widget().locator('[data-sas]').textContent()];
  assert(/^\d{3} \d{3}$/.test(codes[0]) && codes.every((x) => x === codes[0]), codes.join(' / '));
  await c.screenshot({ path: join(shotDir, 'console-call-colleague.png'), fullPage: true });
  assertEq((await axe(c, 'colleague')).join('\n'), '', 'axe: ');
  // The colleague hangs up: back to two.
  await c.getByRole('button', { name: 'Ophangen' }).click();
  await c.getByRole('button', { name: 'Ja, ophangen' }).click();
  await p.locator('#call-view [data-people="2"]').waitFor({ timeout: 30000 });
  await col.context.close();
});

test('officer_hangs_up_and_can_join_again', async () => {
  const p = officer.page;
  // Hanging up mid-recording: what was recorded is still handed to the evidence store, kept as
  // it stands (proven up to its last seal; the call ended before another could be made).
  const panel = p.locator('#call-view .bb-recording');
  await panel.getByRole('button', { name: 'Opname starten' }).click();
  await p.waitForFunction(() => document.querySelector('#call-view .bb-recording')?.dataset.state === 'recording', null, { timeout: 20000 });
  await p.waitForTimeout(3000);
  await p.getByRole('button', { name: 'Ophangen' }).focus();
  await p.keyboard.press('Enter');
  // Hanging up asks first, as in the widget; "No" is the default.
  const dialog = p.getByRole('dialog', { name: 'Wilt u het gesprek beëindigen?' });
  await dialog.waitFor({ timeout: 5000 });
  assertEq(await p.evaluate(() => document.activeElement?.textContent), 'Nee, doorgaan');
  await p.keyboard.press('Shift+Tab');
  await p.keyboard.press('Enter');
  await waitOfficerState('ended', 10000);
  assertEq(await p.locator('#call-view .call-state').textContent(), 'Het gesprek is beëindigd.');
  await p.waitForFunction(() => /Het gesprek eindigde voor de laatste zegel/.test(document.querySelector('.bb-recording [data-rec="kept"]')?.textContent ?? ''),
    null, { timeout: 20000 });
  assert(await p.getByRole('link', { name: 'Opname (WebM)' }).isVisible(), 'the copy in the page too');
  const again = p.locator('#call-view').getByRole('button', { name: 'Opnieuw deelnemen' });
  assert(await again.isVisible(), 'join again offered');
  assertEq(await p.evaluate(() => document.activeElement?.textContent), 'Opnieuw deelnemen', 'focus kept in the panel');
  assertEq(await p.locator('#call-view video.bb-self').count(), 0, 'the in-call view and its camera preview are gone');
  // The citizen's widget no longer has the officer's tile.
  await citizen.page.waitForFunction(() => !document.querySelector('beeldbel-widget').shadowRoot
    .querySelector('.bb-tile[data-role="officer"]'), null, { timeout: 10000 });
  // Joining again (the same Worker, a new session) brings the call back.
  await p.keyboard.press('Enter');
  await waitOfficerState('connected', 30000);
  await p.locator('#call-view figure.bb-tile[data-role="citizen"][data-video="playing"]').waitFor({ timeout: 20000 });
  await citizen.page.waitForFunction(() => document.querySelector('beeldbel-widget').shadowRoot
    .querySelector('.bb-tile[data-role="officer"]'), null, { timeout: 10000 });
});

test('logging_out_leaves_the_call_and_forgets_the_certificate', async () => {
  const p = officer.page;
  // The page leaves the call before it tells the service: with the logout
  // held back on its way, the call is already gone (so no keep-alive of the
  // call can follow the logout and be refused).
  let release, sent;
  const held = new Promise((r) => { release = r; });
  const gone = new Promise((r) => { sent = r; });
  await p.route('**/api/v1/officer/logout', async (route) => { await held; await route.continue(); sent(); });
  await p.click('#logout');
  await p.locator('#login-view').waitFor({ timeout: 5000 });
  assertEq(await p.locator('#call-view').isHidden(), true, 'out of the call while the logout is on its way');
  assertEq(await p.evaluate(() => sessionStorage.getItem('bb_console_csrf')), null);
  release();
  await gone;
  await p.unroute('**/api/v1/officer/logout');
  await citizen.page.waitForFunction(() => !document.querySelector('beeldbel-widget').shadowRoot
    .querySelector('.bb-tile[data-role="officer"]'), null, { timeout: 10000 });
});

test('officer_without_camera_or_microphone_joins_and_is_told', async () => {
  const denied = await openPage('officer-denied');
  const p = denied.page;
  await p.addInitScript(() => {
    navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('denied', 'NotAllowedError'));
  });
  await p.goto(`${consoleSite}/console/`);
  await logIn(p, 'jan');
  await p.click('#lang');   // in English this time
  const card = p.locator('article', { hasText: reference });
  await card.getByRole('button', { name: 'Call back by video' }).click({ timeout: 10000 });
  await card.getByRole('button', { name: 'Go to the call' }).click({ timeout: 15000 });
  await p.getByLabel('Your police certificate (.pem) and key (.key)')
    .setInputFiles([join(officerFiles, 'jan-de-vries.pem'), join(officerFiles, 'jan-de-vries.key')]);
  await p.locator('#call-files-status[data-ready="true"]').waitFor({ timeout: 3000 });
  await p.getByRole('button', { name: 'Join the call' }).click();
  await p.waitForFunction(() => document.querySelector('#call-view .call-state')?.dataset.state === 'waiting', null, { timeout: 30000 });
  const notice = await p.locator('#call-view .call-notice').textContent();
  assert(notice.startsWith('No access to camera or microphone'), notice);
  assertEq(await p.getByRole('button', { name: 'Microphone off' }).isDisabled(), true);
  assertEq(await p.getByRole('button', { name: 'Camera off' }).isDisabled(), true);
  assertEq(await p.locator('#call-view .bb-self-off').textContent(), 'Your camera is off');
  await p.getByRole('button', { name: 'Hang up' }).click();
  await p.getByRole('button', { name: 'Yes, hang up' }).click();
  await p.waitForFunction(() => document.querySelector('#call-view .call-state')?.dataset.state === 'ended', null, { timeout: 10000 });
  await denied.context.close();
});

/** A new officer page (who: its name), logged in as Jan, who joins the request's call by video. */
async function janJoinsTheCall(who) {
  const o = await openPage(who);
  const p = o.page;
  await p.goto(`${consoleSite}/console/`);
  await logIn(p, 'jan');
  const card = p.locator('article', { hasText: reference });
  await card.getByRole('button', { name: 'Terugbellen met beeld' }).click({ timeout: 10000 });
  await card.getByRole('button', { name: 'Naar het gesprek' }).click({ timeout: 15000 });
  await p.getByLabel('Uw politiecertificaat (.pem) en sleutel (.key)')
    .setInputFiles([join(officerFiles, 'jan-de-vries.pem'), join(officerFiles, 'jan-de-vries.key')]);
  await p.locator('#call-files-status[data-ready="true"]').waitFor({ timeout: 3000 });
  await p.getByRole('button', { name: 'Deelnemen aan het gesprek' }).click();
  await p.waitForFunction(() => ['waiting', 'connected'].includes(document.querySelector('#call-view .call-state')?.dataset.state),
    null, { timeout: 30000 });
  return o;
}

test('a_call_keeps_the_officers_session_alive_and_nothing_else_does', async () => {
  // An officer alone in a call for longer than the idle timeout, making no request of their own.
  const o = await janJoinsTheCall('officer-long-call');
  const p = o.page;
  await p.waitForFunction(() => document.querySelector('#call-view .call-state')?.dataset.state === 'waiting', null, { timeout: 30000 });
  const pings = () => p.evaluate(() => performance.getEntriesByType('resource')
    .filter((e) => e.name.endsWith('/api/v1/officer/session')).length);
  await p.waitForTimeout((IDLE_S + 5) * 1000);
  const queue = await p.evaluate(async () => (await fetch('/api/v1/officer/queue')).status);
  assertEq(queue, 200, 'the session outlived the idle timeout while in the call');
  assert(await pings() >= 3, `the console told the service it is in a call (${await pings()} times)`);
  // Out of the call, the console stops: only the officer's own actions keep a session.
  await p.getByRole('button', { name: 'Ophangen' }).click();
  await p.getByRole('button', { name: 'Ja, ophangen' }).click();
  await p.waitForFunction(() => document.querySelector('#call-view .call-state')?.dataset.state === 'ended', null, { timeout: 10000 });
  const after = await pings();
  await p.waitForTimeout((IDLE_S / 3 + 3) * 1000);
  assertEq(await pings(), after, 'no keep-alive outside a call');
  await o.context.close();
  const log = readFileSync(join(sys.runDir, 'contact.log'), 'utf8');
  const refused = log.split('\n').filter((l) => /\/api\/v1\/officer\/\S+ 401 /.test(l));
  assertEq(refused.join('\n'), '', 'no officer request was refused for an idle session: ');
});

test('a_tab_closed_while_recording_loses_at_most_the_last_segment_and_what_was_sealed_verifies', async () => {
  // The console keeps a recording at the evidence store as it is made: a segment every 2 s, the
  // manifest after every seal. A tab closed mid-recording (no stop, no hang-up, no goodbye) leaves
  // the store with every segment but the last and the manifest of the last seal, which verifies.
  const o = await janJoinsTheCall('officer-closed-tab');
  const p = o.page;
  const panel = p.locator('#call-view .bb-recording');
  await panel.getByRole('button', { name: 'Opname starten' }).click();
  await p.waitForFunction(() => document.querySelector('#call-view .bb-recording')?.dataset.state === 'recording', null, { timeout: 20000 });
  const started = Date.now();
  // The first seal comes 30 s in; its manifest goes to the store.
  await p.waitForFunction(() => /, 1 zegel\(s\)/.test(document.querySelector('[data-rec="running"]')?.textContent ?? ''), null, { timeout: 60000 });
  const contactLog = () => readFileSync(join(sys.runDir, 'contact.log'), 'utf8');
  const ids = [...contactLog().matchAll(/POST \/api\/v1\/officer\/recordings\/(\d+)\/file 200 /g)].map((m) => Number(m[1]));
  const id = Math.max(...ids);
  const manifestKept = new RegExp(`POST /api/v1/officer/recordings/${id}/manifest 200 `);
  for (let i = 0; i < 100 && !manifestKept.test(contactLog()); i++) await p.waitForTimeout(100);
  assert(manifestKept.test(contactLog()), 'the manifest of the first seal was kept');
  // Segments go on after the seal; then the tab is closed.
  await p.waitForTimeout(7000);
  const recordedMs = Date.now() - started;
  await o.context.close();
  // The officer, logged in again, reads back what the store kept: by its id, as the panel links it.
  const again = await openPage('officer-after-closed-tab');
  await again.page.goto(`${consoleSite}/console/`);
  await logIn(again.page, 'jan');
  await again.page.locator('#queue-view').waitFor({ timeout: 10000 });
  const kept = await again.page.evaluate(async (rid) => {
    const get = async (what) => {
      const r = await fetch(`/api/v1/officer/recordings/${rid}${what}`);
      return { status: r.status, bytes: Array.from(new Uint8Array(await r.arrayBuffer())) };
    };
    return { status: await get(''), file: await get('/file'), manifest: await get('/manifest') };
  }, id);
  await again.context.close();
  assertEq(`${kept.status.status} ${kept.file.status} ${kept.manifest.status}`, '200 200 200', 'status, file and manifest read back: ');
  const status = JSON.parse(Buffer.from(kept.status.bytes).toString('utf8'));
  assertEq(status.sealed, false, 'kept as it stands, not sealed to the end');
  const dir = join(sys.runDir, 'recording-closed-tab');
  execFileSync('mkdir', ['-p', dir]);
  writeFileSync(join(dir, 'rec.webm'), Buffer.from(kept.file.bytes));
  writeFileSync(join(dir, 'rec.manifest.json'), Buffer.from(kept.manifest.bytes));
  // What was sealed verifies, and the file holds what came after it up to the last segment.
  const verified = execFileSync(join(buildDir, 'bin', 'beeldbel-verify'), ['--root', join(sys.runDir, 'ca', 'root.pem'),
    join(dir, 'rec.webm'), join(dir, 'rec.manifest.json')], { encoding: 'utf8' });
  console.log(verified.trim().split('\n').map((l) => `  ${l}`).join('\n'));
  assert(verified.includes('sealed and unchanged / verzegeld en ongewijzigd') && verified.includes('Jan de Vries (100001)'), verified);
  const sealedTo = /sealed \/ verzegeld: 0:00:00\.0 - 0:00:(\d+\.\d), /.exec(verified);
  assert(sealedTo && Number(sealedTo[1]) >= 29, `sealed for the first 30 s: ${verified}`);
  // What the store has after that seal is named, as not proven.
  assert(new RegExp(`not sealed / niet verzegeld: \\d+ bytes after / bytes na 0:00:${sealedTo[1]} \\(not proven`).test(verified), verified);
  const last = Math.max(...execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'packet=pts_time', '-of', 'csv=p=0',
    join(dir, 'rec.webm')], { encoding: 'utf8' }).trim().split('\n').map(Number).filter(Number.isFinite));
  const lostMs = recordedMs - last * 1000;
  console.log(`  tab closed ${(recordedMs / 1000).toFixed(1)} s into the recording; the store has it up to ${last.toFixed(1)} s ` +
    `(${(lostMs / 1000).toFixed(1)} s lost; a segment is 2 s)`);
  // At most the segment being written, and the one on its way when the tab went (a segment is 2 s).
  assert(lostMs <= 4500, `at most the last segment lost (${lostMs} ms)`);
});

test('no_csp_violations_or_page_errors', async () => {
  for (const [who, x] of [['officer', officer], ['citizen', citizen]]) {
    assertEq((await x.page.evaluate(() => window.__csp)).join('\n'), '', `${who} CSP: `);
  }
  // Chromium's warning when a camera VideoFrame queued in engine/capture.js's
  // MediaStreamTrackProcessor is collected after hang-up (engine side, seen
  // in about 1 run in 3); anything else is a failure.
  assertEq(problems.filter((m) => !VIDEOFRAME_GC_WARNING.test(m)).join('\n'), '', 'page errors, console errors or failed loads: ');
});

await runOnSystem(run, sys, browser, since);
