// The citizen widget in Debian's Chromium: the request form against a fake
// contact service that follows src/contact/API.md, the invitation flow
// (device check → waiting room → call → end) against a fake call session
// (web/ui/call-session.js), and WCAG 2.2 AA: axe on every screen in both
// themes, keyboard only, contrast of the theme tokens, hostile host CSS, the
// strict CSP, 320 px and 200 % zoom. Screenshots of every screen go to
// $BB_BUILD/test-output/screenshots/widget-*.png.
import { join, dirname } from 'node:path';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { test, run, assert, assertEq } from '../common/harness.mjs';
import { samplePdf } from '../common/sample-pdf.mjs';
import { startServer, launch, shotDir, axeSource, distDir } from './lib.mjs';
import {
  fakeService, fakeCallSource, focused, tabTo, waitScreen, useFakeCall, requestByKeyboard,
  GOOD_TOKEN, USED_TOKEN, REFERENCE, INVITE_KEY, FEEDBACK_TOKEN, inviteHash,
} from './widget-lib.mjs';
import { THEMES, CONTRAST_PAIRS, contrastRatio } from '../../web/ui/theme.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
import { postJson, redeemInvitation, sendRequest, inviteFrom } from '../../web/widget/api.js';
import { validate } from '../../web/widget/screens/request.js';

const server = await startServer();
let browser = await launch();
// If Chromium itself dies (seen once under a parallel rebuild of the dist),
// only the test it happened in fails; the next one gets a new browser.
async function newContext(opts) {
  if (!browser.isConnected()) browser = await launch();
  return browser.newContext(opts);
}

async function open({ width = 1280, height = 800, contrast = 'no-preference', hash = '', bypassCSP = false,
  answer, deny = false, reducedMotion = 'no-preference', noWebRTC = false } = {}) {
  const context = await newContext({ viewport: { width, height }, bypassCSP });
  context.setDefaultTimeout(8000);
  const page = await context.newPage();
  await page.emulateMedia({ contrast, reducedMotion });
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
  page.on('pageerror', (e) => problems.push(String(e)));
  await page.addInitScript(fakeCallSource);
  if (deny) {
    await page.addInitScript(() => {
      navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));
    });
  }
  // As in WebKitGTK, which has no RTCPeerConnection at all.
  if (noWebRTC) await page.addInitScript(() => { delete window.RTCPeerConnection; delete window.webkitRTCPeerConnection; });
  const svc = await fakeService(page, { answer });
  await page.goto(`${server.url}/demo/${hash}`);
  await useFakeCall(page);
  const w = page.locator('beeldbel-widget');
  return { context, page, svc, problems, w };
}

async function fillRequest(w, { name = 'Anna de Vries', phone = '06 12345678', topic = 'Overlast in mijn straat' } = {}) {
  await w.getByLabel('Je naam').fill(name);
  await w.getByLabel('Je telefoonnummer').fill(phone);
  await w.getByLabel('Waar gaat het over?').fill(topic);
}

// ---- request form ----------------------------------------------------------

test('request_sends_the_contract_body_and_shows_the_reference', async () => {
  const { context, page, svc, problems, w } = await open();
  const sent = page.evaluate(() => new Promise((res) =>
    document.addEventListener('beeldbel:request-sent', (e) => res(e.detail), { once: true })));
  await fillRequest(w);
  await w.getByLabel('Je e-mailadres').fill('anna@example.nl');
  await w.getByLabel('Gewoon bellen (telefoon)').check();
  await w.getByLabel('Middag (12–17 uur)').check();
  await w.getByLabel('Ondertiteling').check();
  await w.getByLabel('Schrijftolk').check();
  await w.getByRole('button', { name: 'Verstuur verzoek' }).click();
  await waitScreen(page, 'confirm');
  assertEq(svc.requests.length, 1);
  assertEq(JSON.stringify(svc.requests[0]), JSON.stringify({
    name: 'Anna de Vries', phone: '06 12345678', topic: 'Overlast in mijn straat', preference: 'phone',
    window: 'afternoon', needs: ['captions', 'speech_to_text'], lang: 'nl', email: 'anna@example.nl',
    neighbourhood: 'groningen-noord',
  }));
  assertEq(await w.locator('[data-reference]').textContent(), REFERENCE);
  const text = await w.locator('.bb-screen').textContent();
  assert(text.includes('belt je terug op je telefoon'), text);
  assertEq((await sent).reference, REFERENCE);
  // Focus moved to the new screen's heading, so a screen reader starts there.
  assertEq((await focused(page)).tag, 'h3');
  assertEq(problems.join('\n'), '');
  await context.close();
});

test('postcode_instead_of_neighbourhood_is_sent_normalised', async () => {
  const { context, page, svc, w } = await open();
  await fillRequest(w);
  assert(await w.getByLabel('Je postcode').isHidden(), 'postcode field shows before it is chosen');
  await w.getByRole('combobox', { name: /Je wijk/ }).selectOption('postcode');
  await w.getByLabel('Je postcode').fill('9722ab');
  await w.getByRole('button', { name: 'Verstuur verzoek' }).click();
  await waitScreen(page, 'confirm');
  assertEq(svc.requests[0].postcode, '9722 AB');
  assert(!('neighbourhood' in svc.requests[0]), 'both neighbourhood and postcode sent');
  await context.close();
});

test('empty_form_names_each_problem_and_focuses_the_first', async () => {
  const { context, page, svc, w } = await open();
  await w.getByLabel('Je telefoonnummer').fill('12');
  await w.getByRole('button', { name: 'Verstuur verzoek' }).click();
  assertEq(svc.requests.length, 0, 'nothing is sent while fields are wrong:');
  for (const label of ['Je naam', 'Je telefoonnummer', 'Waar gaat het over?']) {
    assertEq(await w.getByLabel(label).getAttribute('aria-invalid'), 'true', label);
  }
  assertEq(await w.getByLabel('Je e-mailadres').getAttribute('aria-invalid'), null);
  // The message is tied to the field, so a screen reader reads it with the label.
  const desc = await w.getByLabel('Je telefoonnummer').evaluate((el) =>
    el.getAttribute('aria-describedby').split(' ').map((id) => el.getRootNode().getElementById(id).textContent).join(' '));
  assert(desc.includes('Vul een geldig telefoonnummer in'), desc);
  const f = await focused(page);
  assertEq(f.label.startsWith('Je naam'), true, JSON.stringify(f));
  await context.close();
});

test('service_field_error_lands_on_its_field_in_english', async () => {
  const { context, page, w } = await open({
    answer: () => ({ status: 400, body: { error: { code: 'invalid_phone', field: 'phone',
      message: { nl: 'Dit telefoonnummer klopt niet.', en: 'This phone number is not valid.' } } } }),
  });
  await w.getByRole('button', { name: 'Switch to English' }).click();
  await w.getByLabel('Your name').fill('Anna');
  await w.getByLabel('Your phone number').fill('06 12345678');
  await w.getByLabel('What is it about?').fill('Noise');
  await w.getByRole('button', { name: 'Send request' }).click();
  await w.locator('.utrecht-form-field-error-message', { hasText: 'This phone number is not valid.' }).waitFor();
  assertEq(await w.getByLabel('Your phone number').getAttribute('aria-invalid'), 'true');
  assertEq(await page.evaluate(() => document.querySelector('beeldbel-widget').screen), 'request');
  await context.close();
});

test('rate_limit_server_error_and_broken_answers_are_explained', async () => {
  let mode = 'rate';
  const { context, w } = await open({
    answer: () => (mode === 'rate' ? { status: 429, headers: { 'Retry-After': '30' }, body: { error: { code: 'rate_limited', field: null } } }
      : mode === '500' ? { status: 500, body: { error: { code: 'internal', message: { nl: '<b>stack</b>', en: 'stack' } } } }
        : { status: 201, body: { reference: '<img src=x>' } }),
  });
  await fillRequest(w);
  const send = () => w.getByRole('button', { name: 'Verstuur verzoek' }).click();
  await send();
  await w.locator('.bb-screen').getByText('Wacht 30 seconden').waitFor();
  mode = '500';
  await send();
  await w.locator('.bb-screen').getByText('Er ging iets mis bij ons').waitFor();
  assert(!(await w.locator('.bb-screen').textContent()).includes('stack'), 'a 500 leaks its details');
  mode = 'bad-ref';
  await send();
  await w.locator('.bb-screen').getByText('Er ging iets mis bij ons').waitFor();
  assertEq(await w.locator('img').count(), 0);
  await context.close();
});

test('language_switch_keeps_what_was_typed', async () => {
  const { context, w } = await open();
  await w.getByLabel('Je naam').fill('Anna');
  await w.getByRole('button', { name: 'Switch to English' }).click();
  assertEq(await w.getByLabel('Your name').inputValue(), 'Anna');
  assertEq(await w.locator('h2').textContent(), 'Video call with your neighbourhood officer');
  assertEq(await w.locator('section.bb').getAttribute('lang'), 'en');
  await w.getByRole('button', { name: 'Schakel naar Nederlands' }).click();
  assertEq(await w.getByLabel('Je naam').inputValue(), 'Anna');
  await context.close();
});

// ---- invitation → device check → waiting room → call → end -----------------

test('used_unknown_and_malformed_invitations_explain_what_to_do', async () => {
  for (const [hash, expect] of [[inviteHash(USED_TOKEN), 'Deze uitnodiging is al gebruikt.'],
    [inviteHash('inv_unknownunknownunknown'), 'Deze uitnodiging kennen we niet.'], ['#invite=short', 'niet compleet']]) {
    const { context, page, w } = await open({ hash });
    if (hash !== '#invite=short') await joinInvitation(w);
    await waitScreen(page, 'inviteFailed');
    const text = await w.locator('.bb-screen').textContent();
    assert(text.includes(expect) && text.includes('0900-8844'), text);
    // The single-use token no longer sits in the address bar.
    assert(!page.url().includes('invite='), page.url());
    await context.close();
  }
});

test('invitation_redeems_once_and_device_check_shows_camera_and_microphone', async () => {
  const { context, page, svc, w, problems } = await open({ hash: inviteHash(GOOD_TOKEN) });
  // Opening the link uses nothing (a link scanner that runs the page must not burn it) ...
  await waitScreen(page, 'redeem');
  await new Promise((r) => setTimeout(r, 300));
  assertEq(svc.redeems.length, 0, 'redeemed on page load');
  assertEq(await w.locator('.bb-screen-heading').textContent(), 'Je bent uitgenodigd voor een videogesprek');
  // ... joining does.
  await joinInvitation(w);
  await waitScreen(page, 'device');
  assertEq(JSON.stringify(svc.redeems), JSON.stringify([{ token: GOOD_TOKEN }]));
  await w.locator('.bb-screen').getByText('Je camera en microfoon werken.').waitFor();
  // The fake camera really plays in the preview.
  await page.waitForFunction(() => {
    const v = document.querySelector('beeldbel-widget').shadowRoot.querySelector('video.bb-preview');
    return v && v.videoWidth > 0 && !v.paused;
  });
  // Chromium's fake microphone is a beep: the level meter must move.
  await page.waitForFunction(() => document.querySelector('beeldbel-widget').shadowRoot.querySelector('meter').value > 0, null, { timeout: 5000 });
  await w.getByRole('button', { name: 'Test je luidspreker' }).click();
  await w.locator('.bb-screen').getByText('De testtoon is afgespeeld.').waitFor();
  // A language switch re-renders the screen but must not redeem again.
  await w.getByRole('button', { name: 'Switch to English' }).click();
  await w.locator('.bb-screen').getByText('Your camera and microphone work.').waitFor();
  assertEq(svc.redeems.length, 1);
  assertEq(problems.join('\n'), '');
  await context.close();
});

test('denied_camera_gives_steps_and_a_way_on', async () => {
  const { context, page, w } = await open({ hash: inviteHash(GOOD_TOKEN), deny: true });
  await joinInvitation(w);
  await waitScreen(page, 'device');
  const alert = w.locator('[data-problem="denied"]');
  await alert.waitFor();
  const text = await alert.textContent();
  assert(text.includes('mag je camera of microfoon niet gebruiken') && text.includes('Toestaan') && text.includes('0900-8844'), text);
  await w.getByRole('button', { name: 'Opnieuw proberen' }).click();
  await w.getByRole('button', { name: 'Naar de wachtkamer' }).click();
  await waitScreen(page, 'waiting');
  await context.close();
});

/** The invitation's one click: "Deelnemen". */
test('a_browser_that_cannot_call_is_told_what_to_do_and_the_link_stays_unused', async () => {
  const { context, page, svc, w, problems } = await open({ hash: inviteHash(GOOD_TOKEN), noWebRTC: true });
  await waitScreen(page, 'cannotCall');
  const text = await w.locator('.bb-screen').textContent();
  assert(text.includes('WebRTC ontbreekt') && text.includes('nog niet gebruikt') && text.includes('0900-8844'), text);
  assertEq(await w.locator('[data-missing]').getAttribute('data-missing'), 'webrtc');
  assertEq(await w.getByRole('button', { name: 'Deelnemen' }).count(), 0, 'no way to spend the link here');
  assertEq(svc.redeems.length, 0, 'the one-time link was not used');
  // Said to screen readers too, and in English after the switch.
  await page.waitForFunction(() => document.querySelector('beeldbel-widget').shadowRoot
    .querySelector('[aria-live]')?.textContent.includes('Beeldbellen lukt niet in deze browser'));
  await w.getByRole('button', { name: 'Switch to English' }).click();
  assert((await w.locator('.bb-screen').textContent()).includes('Call 0900-8844'), 'English');
  await w.getByRole('button', { name: 'To the callback form' }).click();
  await waitScreen(page, 'request');
  // A video request from such a browser is told so beside its reference; a phone request is not.
  await w.getByRole('button', { name: 'Schakel naar Nederlands' }).click();
  await fillRequest(w);
  await w.getByRole('button', { name: 'Verstuur verzoek' }).click();
  await waitScreen(page, 'confirm');
  const note = await w.locator('[data-no-video]').textContent();
  assert(note.includes(REFERENCE) && note.includes('0900-8844'), note);
  await w.getByRole('button', { name: 'Nog een verzoek doen' }).click();
  await fillRequest(w);
  await w.getByLabel('Gewoon bellen (telefoon)').check();
  await w.getByRole('button', { name: 'Verstuur verzoek' }).click();
  await waitScreen(page, 'confirm');
  assertEq(await w.locator('[data-no-video]').count(), 0);
  assertEq(problems.join('\n'), '');
  await context.close();
});

test('an_engine_that_fails_while_the_invitation_is_open_leads_to_the_same_way_out', async () => {
  const { context, page, svc, w } = await open({ hash: inviteHash(GOOD_TOKEN) });
  await waitScreen(page, 'redeem');
  // The engine's self-test fails in its Worker after the page is shown (as on a broken WASM runtime).
  await page.evaluate(() => document.querySelector('beeldbel-widget')._engineDone(false, { code: 0, en: 'self-test failed' }));
  await waitScreen(page, 'cannotCall');
  assertEq(await w.locator('[data-missing]').getAttribute('data-missing'), 'engine');
  assert((await w.locator('.bb-screen').textContent()).includes('de beeldbelsoftware kon niet starten'), 'says the software did not start');
  assertEq(svc.redeems.length, 0, 'the one-time link was not used');
  await context.close();
});

const joinInvitation = (w) => w.getByRole('button', { name: 'Deelnemen' }).click();

async function toCall(opts = {}) {
  const o = await open({ hash: inviteHash(GOOD_TOKEN), ...opts });
  await joinInvitation(o.w);
  await waitScreen(o.page, 'device');
  await o.w.locator('.bb-screen').getByText('Je camera en microfoon werken.').waitFor();
  await o.w.getByRole('button', { name: 'Naar de wachtkamer' }).click();
  await waitScreen(o.page, 'waiting');
  await o.page.evaluate(() => window.bbCall.connect());
  await waitScreen(o.page, 'call');
  return o;
}

test('call_screen_shows_identity_text_captions_quality_and_controls_work', async () => {
  const { context, page, w, problems } = await toCall();
  // The factory got the redeemed call, the device-check stream and the engine's Worker.
  const opts = await page.evaluate(() => {
    const o = window.bbCall.opts;
    return [o.call.room, o.call.pin, o.invite, o.localStream instanceof MediaStream, o.worker instanceof Worker, o.lang].join();
  });
  // The key from the link's fragment, which no server saw (the fake service never had it).
  assertEq(opts, `1234,4711,${INVITE_KEY},true,true,nl`);
  const badge = await w.locator('.bb-identity').textContent();
  assert(badge.includes('Geverifieerde politiemedewerker') && badge.includes('J. Jansen') && badge.includes('4821 7390'), badge);
  // The other side's text appears while it is typed: on screen in the next painted frame, well
  // within 500 ms. Timed inside the page, from the text's arrival to that frame, so the test's
  // own round trips to the browser (slow on a loaded machine) are not counted as the widget's.
  const shownAfter = await page.evaluate(() => new Promise((resolve) => {
    const t0 = performance.now();
    window.bbCall.remote('Goedemiddag, hoe ka', false);
    requestAnimationFrame(() => {
      const el = document.querySelector('beeldbel-widget').shadowRoot.querySelector('.bb-rtt-typing');
      const shown = el && el.checkVisibility() && el.textContent.includes('Goedemiddag, hoe ka');
      resolve(shown ? performance.now() - t0 : -1);
    });
  }));
  assert(shownAfter >= 0, 'received text was not on screen in the next frame');
  assert(shownAfter < 500, `received text took ${shownAfter.toFixed(0)} ms to reach the screen`);
  await w.locator('.bb-rtt-typing', { hasText: 'Goedemiddag, hoe ka' }).waitFor();
  // ... and the finished line lands in the log that screen readers follow.
  await page.evaluate(() => window.bbCall.remote('Goedemiddag, hoe kan ik helpen?', true));
  const log = w.getByRole('log');
  await log.locator('.bb-rtt-line--theirs', { hasText: 'hoe kan ik helpen?' }).waitFor();
  assertEq(await log.getAttribute('aria-live'), 'polite');
  // My text is sent keystroke by keystroke, then as a finished line.
  const box = w.getByLabel('Jouw tekst (de ander ziet het terwijl je typt)');
  await box.pressSequentially('Hallo');
  await box.press('Enter');
  const sent = await page.evaluate(() => window.bbCall.sent);
  assertEq(sent.filter((x) => !x.final).map((x) => x.text).join('|'), 'H|Ha|Hal|Hall|Hallo');
  assertEq(sent.at(-1).final, true);
  await log.locator('.bb-rtt-line--mine', { hasText: 'Hallo' }).waitFor();
  // Sent and received look different in more than colour (border style).
  const styles = await page.evaluate(() => ['mine', 'theirs'].map((k) =>
    getComputedStyle(document.querySelector('beeldbel-widget').shadowRoot.querySelector(`.bb-rtt-line--${k}`)).borderTopStyle));
  assertEq(styles.join(','), 'solid,dashed');
  // A language switch mid-call keeps the log, the unfinished line and the tiles.
  await box.pressSequentially('Nog e');
  await w.getByRole('button', { name: 'Switch to English' }).click();
  assertEq(await w.getByLabel('Your text (the other side sees it as you type)').inputValue(), 'Nog e');
  await w.getByRole('log').locator('.bb-rtt-line--mine', { hasText: 'Hallo' }).waitFor();
  await w.getByRole('button', { name: 'Schakel naar Nederlands' }).click();
  // A name and a line written right to left stay isolated from what stands around them.
  await page.evaluate(() => window.bbCall.remote('مرحبا 12', true, 'محمد'));
  const rtl = w.getByRole('log').locator('.bb-rtt-line--theirs', { hasText: 'مرحبا' });
  await rtl.waitFor();
  assertEq(await rtl.locator('bdi').allTextContents().then((x) => x.join('|')), 'محمد|مرحبا 12');
  assertEq(await w.locator('.bb-tile[data-role="officer"] figcaption bdi').first().textContent(), 'Wijkagent Jansen');
  // Captions over the video.
  await page.evaluate(() => window.bbCall.caption('[schrijftolk] de wijkagent zegt hallo'));
  await w.locator('.bb-captions', { hasText: 'de wijkagent zegt hallo' }).waitFor();
  // Controls reach the session.
  await w.getByRole('button', { name: 'Microfoon dempen' }).click();
  assertEq(await w.getByRole('button', { name: 'Microfoon dempen' }).getAttribute('aria-pressed'), 'true');
  await w.getByRole('button', { name: 'Camera uit' }).click();
  await w.getByRole('button', { name: 'Wissel camera' }).click();
  // Sign-language mode pins the interpreter when there is one.
  await page.evaluate(() => window.bbCall.tile('tolk-1', 'Tolk NGT', 'interpreter', '#5a3d6b'));
  await w.getByRole('button', { name: 'Gebarentaal-modus' }).click();
  await w.locator('.bb-tile--pinned[data-tile="tolk-1"]').waitFor();
  const log2 = await page.evaluate(() => JSON.stringify(window.bbCall.log));
  assertEq(log2, JSON.stringify([['setMicrophone', false], ['setCamera', false], ['switchCamera'], ['pinTile', 'tolk-1']]));
  // Network quality and the reconnecting banner.
  await page.evaluate(() => window.bbCall.setQuality('poor'));
  await w.locator('.bb-quality', { hasText: 'Verbinding: slecht' }).waitFor();
  await page.evaluate(() => window.bbCall.setState('reconnecting'));
  await w.getByRole('alert').filter({ hasText: 'opnieuw te verbinden' }).waitFor();
  await page.evaluate(() => window.bbCall.setState('connected'));
  await w.locator('.bb-banner').waitFor({ state: 'hidden' });
  assertEq(problems.join('\n'), '');
  await context.close();
});

/** Events of the fake session for files in the call: ours going, a photo and a PDF arrived, one refused. */
const SAMPLE_PDF = samplePdf([['Proces-verbaal van aangifte', 'Gedupeerde: Zoë Jansen (café De Brug)'],
  ['Tweede pagina', 'Fiets gestolen op 3 december']]);
async function fileEvents(page) {
  await page.evaluate(async (pdf) => {
    const c = new OffscreenCanvas(160, 120);
    const g = c.getContext('2d');
    g.fillStyle = '#2b6cb0'; g.fillRect(0, 0, 160, 120);
    const png = new Uint8Array(await (await c.convertToBlob({ type: 'image/png' })).arrayBuffer());
    const f = window.bbCall;
    f.file({ what: 'sending', from: 2, id: 1, name: 'schade-fiets.jpg', size: 2400000, fileType: 2, stripped: true });
    f.file({ what: 'file-progress', from: 2, id: 1, size: 2400000, done: 900000 });
    f.file({ what: 'file-offer', from: 1, id: 7, name: 'fiets.png', size: png.length, sender: 'Wijkagent Jansen' });
    f.file({ what: 'file', from: 1, id: 7, name: 'fiets.png', size: png.length, fileType: 3, data: png, sender: 'Wijkagent Jansen' });
    f.file({ what: 'file', from: 1, id: 8, name: 'aangifte.pdf', size: pdf.length, fileType: 1, data: new Uint8Array(pdf), sender: 'Wijkagent Jansen' });
  }, [...SAMPLE_PDF]);
}

test('files_in_the_call_are_chosen_followed_cancelled_and_shown', async () => {
  const { context, page, w, problems } = await toCall();
  const violations = [];
  await page.exposeFunction('bbViolation', (v) => violations.push(v));
  await page.evaluate(() => document.addEventListener('securitypolicyviolation',
    (e) => window.bbViolation(`${e.violatedDirective} ${e.blockedURI}`)));
  const panel = w.locator('.bb-files');
  assert((await panel.textContent()).includes('zonder locatie- en cameragegevens'), 'the screen says photos leave without metadata');
  // Choosing a file hands it to the session, with the person's choice about metadata.
  await w.getByLabel('Locatie- en cameragegevens van foto\'s meesturen').check();
  await w.getByLabel('Kies een bestand om te delen').setInputFiles({ name: 'foto.jpg', mimeType: 'image/jpeg', buffer: Buffer.from([0xff, 0xd8, 0xff, 0xd9]) });
  await page.waitForFunction(() => window.bbCall.log.some((l) => l[0] === 'shareFile'));
  assertEq(JSON.stringify(await page.evaluate(() => window.bbCall.log.find((l) => l[0] === 'shareFile'))), JSON.stringify(['shareFile', 'foto.jpg', true]));
  await fileEvents(page);
  // Ours: a progress bar named after the file, and a cancel button that reaches the session.
  const bar = w.getByRole('progressbar', { name: 'Voortgang van schade-fiets.jpg' });
  assertEq(await bar.getAttribute('value'), '900000');
  await w.getByRole('button', { name: 'schade-fiets.jpg annuleren' }).click();
  assertEq(JSON.stringify(await page.evaluate(() => window.bbCall.log.at(-1))), JSON.stringify(['cancelFile', 2, 1]));
  await page.evaluate(() => window.bbCall.file({ what: 'file-ended', from: 2, id: 1, end: 'cancelled' }));
  await panel.getByText('schade-fiets.jpg is geannuleerd.').waitFor();
  // Theirs: the photo as a photo (decoded from the checked bytes), the PDF to download.
  const img = w.getByRole('img', { name: 'Foto fiets.png, gedeeld door Wijkagent Jansen' });
  await img.waitFor();
  assert(await img.evaluate((el) => el.complete && el.naturalWidth === 160), 'the photo is shown');
  const pdf = w.getByRole('link', { name: 'aangifte.pdf downloaden' });
  assertEq(await pdf.getAttribute('download'), 'aangifte.pdf');
  // ... and in the page on request, by pdf.js (loaded only now, checked against the bundle's
  // hash, under the strict CSP): each page drawn, its text over it for screen readers.
  assertEq(await page.evaluate(() => performance.getEntriesByType('resource').filter((r) => /pdf\.(worker\.)?min\.mjs/.test(r.name)).length), 0);
  const view = w.getByRole('button', { name: 'aangifte.pdf bekijken' });
  assertEq(await view.getAttribute('aria-expanded'), 'false');
  await view.click();
  const viewer = w.getByRole('region', { name: 'aangifte.pdf' });
  await viewer.getByRole('status').filter({ hasText: "2 pagina('s)" }).waitFor({ timeout: 20000 });
  const first = viewer.getByRole('group', { name: 'Pagina 1 van 2' });
  assertEq((await first.locator('.textLayer span').allTextContents()).join(' ').replace(/\s+/g, ' ').trim(),
    'Proces-verbaal van aangifte Gedupeerde: Zoë Jansen (café De Brug)');
  assert((await viewer.getByRole('group', { name: 'Pagina 2 van 2' }).locator('.textLayer').textContent()).includes('Fiets gestolen'));
  // The text lies over its picture: the first line's box starts near the top left of the page.
  const [pageBox, lineBox] = [await first.boundingBox(), await first.locator('.textLayer span').first().boundingBox()];
  assert(lineBox.y - pageBox.y < pageBox.height * 0.15 && lineBox.x - pageBox.x < pageBox.width * 0.2 && lineBox.width > pageBox.width * 0.2,
    JSON.stringify([pageBox, lineBox]));
  const inked = await first.locator('canvas').evaluate((c) => {
    const d = c.getContext('2d').getImageData(0, 0, c.width, Math.floor(c.height / 5)).data;
    let dark = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i] < 128) dark++;
    return dark;
  });
  assert(inked > 200, `the first page is drawn (${inked} dark pixels)`);
  const close = w.getByRole('button', { name: 'aangifte.pdf sluiten' });
  assertEq(await close.getAttribute('aria-expanded'), 'true');
  await close.click();
  assertEq(await viewer.count(), 0);
  assertEq(await view.getAttribute('aria-expanded'), 'false');
  assertEq(violations.join('\n'), '');
  // Saved under the extension of what it is, whatever its name says.
  await page.evaluate(() => window.bbCall.file({ what: 'file', from: 1, id: 9, name: 'plaatje.pdf', size: 4, fileType: 3,
    data: new Uint8Array([137, 80, 78, 71]), sender: 'Wijkagent Jansen' }));
  assertEq(await w.getByRole('link', { name: 'plaatje.pdf downloaden' }).getAttribute('download'), 'plaatje.pdf.png');
  // A refusal is said in words.
  await page.evaluate(() => window.bbCall.file({ what: 'refused', name: 'virus.exe', reason: 'type:unknown_type' }));
  await w.locator('[aria-live]').filter({ hasText: 'virus.exe is geen pdf, jpg of png' }).first().waitFor();
  assertEq(problems.join('\n'), '');
  await context.close();
});

test('unverified_officer_is_a_clear_warning', async () => {
  const { context, page, w } = await toCall();
  await page.evaluate(() => { window.bbCall.identity = { verified: false, name: 'X', team: '', sas: '1111 2222', reason: 'revoked' }; window.bbCall._emit('identity'); });
  const t = await w.getByRole('alert').filter({ hasText: 'Niet geverifieerd' }).textContent();
  assert(t.includes('0900-8844') && t.includes('ingetrokken'), t);
  assertEq(await w.locator('.bb-badge--ok').count(), 0);
  // An unknown reason code is not shown (nor echoed).
  await page.evaluate(() => { window.bbCall.identity = { verified: false, name: 'X', sas: '1', reason: '<b>x</b>' }; window.bbCall._emit('identity'); });
  assert(!(await w.locator('.bb-identity').textContent()).includes('<b>'), 'reason echoed');
  await context.close();
});

// ---- keyboard only: request → invitation → device check → call → RTT → hang up

test('status_and_cancel_by_reference_and_phone_with_the_keyboard', async () => {
  const { context, page, svc, w } = await open();
  await page.keyboard.press('Tab');                       // skip link of the host page
  await tabTo(page, 'Al een verzoek gedaan? Bekijk het of trek het in');
  await page.keyboard.press('Enter');
  await waitScreen(page, 'status');
  // Hostile or mistyped references are explained here and never sent.
  await tabTo(page, 'Kenmerk');
  await page.keyboard.type("BB-' OR 1=1--");
  await page.keyboard.press('Tab');
  await page.keyboard.type('06 12345678');
  await page.keyboard.press('Enter');
  await w.locator('[data-field="reference"] .utrecht-form-field-error-message:not([hidden])').waitFor();
  assert((await focused(page)).label.startsWith('Kenmerk'), 'focus on the reference');
  assertEq(svc.lookups.length, 0, 'nothing sent');
  // Typed loosely (lower case, no dashes): made canonical and looked up.
  await page.keyboard.press('Control+A');
  await page.keyboard.type(REFERENCE.toLowerCase().replace(/-/g, ''));
  await page.keyboard.press('Enter');
  await w.locator('[data-status="claimed"]').waitFor();
  assertEq(JSON.stringify(svc.lookups), JSON.stringify([{ reference: REFERENCE, phone: '06 12345678' }]));
  assertEq(await w.locator('[data-status="claimed"]').textContent(), 'Een wijkagent heeft je verzoek opgepakt en belt je terug.');
  await page.waitForFunction(() => [...document.querySelector('beeldbel-widget').shadowRoot.querySelectorAll('[aria-live]')]
    .some((e) => e.textContent.includes('opgepakt')), null, { timeout: 3000 });   // announced
  // A wrong phone number: the same answer as an unknown reference.
  await tabTo(page, 'Je telefoonnummer');
  await page.keyboard.press('Control+A');
  await page.keyboard.type('06 87654321');
  await page.keyboard.press('Enter');
  await w.locator('.utrecht-alert--error:not([hidden])', { hasText: 'We vinden geen verzoek' }).waitFor();
  await tabTo(page, 'Je telefoonnummer');
  await page.keyboard.press('Control+A');
  await page.keyboard.type('06 12345678');
  await page.keyboard.press('Enter');
  await w.locator('[data-status="claimed"]').waitFor();
  // Cancelling asks first; "No" keeps it.
  await tabTo(page, 'Verzoek intrekken');
  await page.keyboard.press('Enter');
  await w.locator('#bb-cancel-question', { hasText: 'Weet je zeker dat je dit verzoek wilt intrekken?' }).waitFor();
  await tabTo(page, 'Nee, houd het');
  await page.keyboard.press('Enter');
  await w.locator('[data-status="claimed"]').waitFor();
  assertEq(svc.cancels.length, 0, 'kept');
  await tabTo(page, 'Verzoek intrekken');
  await page.keyboard.press('Enter');
  await tabTo(page, 'Ja, trek het in');
  await page.keyboard.press('Enter');
  await w.locator('[data-status="cancelled"]').waitFor();
  assertEq(JSON.stringify(svc.cancels), JSON.stringify([{ reference: REFERENCE, phone: '06 12345678' }]));
  assertEq((await focused(page)).tag, 'div', 'focus on the outcome');
  await context.close();
});

test('the_confirmation_leads_to_the_status_with_the_reference_filled_in', async () => {
  const o = await open();
  await fillRequest(o.w);
  await o.w.getByRole('button', { name: 'Verstuur verzoek' }).click();
  await waitScreen(o.page, 'confirm');
  await o.w.getByRole('button', { name: 'Bekijk of trek dit verzoek in' }).click();
  await waitScreen(o.page, 'status');
  assertEq(await o.w.getByLabel('Kenmerk').inputValue(), REFERENCE);
  await o.context.close();
});

test('after_the_call_two_optional_questions_are_answered_with_the_keyboard_or_skipped', async () => {
  let o = await toCall({});
  await o.page.evaluate(() => window.bbCall.setState('ended'));
  await waitScreen(o.page, 'ended');
  await o.w.locator('#bb-fb-heading', { hasText: 'Twee korte vragen' }).waitFor();
  assert(await o.w.locator('.bb-feedback p', { hasText: 'anoniem' }).isVisible(), 'says the answers are anonymous');
  // Sending nothing asks for an answer or Skip.
  await o.w.getByRole('button', { name: 'Antwoorden versturen' }).click();
  // (In the screen, not the live region, which says it too.)
  await o.w.locator('.bb-feedback .utrecht-form-field-error-message:not([hidden])', { hasText: 'Kies bij minstens één vraag een antwoord' }).waitFor();
  assertEq(o.svc.feedback.length, 0);
  await tabTo(o.page, '5 — heel goed', { shift: true });   // into the group from behind: its last option
  await o.page.keyboard.press('ArrowUp');                    // and one up: "4 — goed", chosen
  assertEq((await focused(o.page)).label, '4 — goed');
  // On into the second question (the browser enters a group with nothing chosen at one of its
  // ends), and up to "Ja" with the arrow keys, which choose as they move.
  await o.page.keyboard.press('Tab');
  for (let i = 0; i < 3 && (await focused(o.page)).label !== 'Ja'; i++) await o.page.keyboard.press('ArrowUp');
  assertEq((await focused(o.page)).label, 'Ja');
  await o.page.keyboard.press('Space');
  assertEq(await o.w.getByRole('radio', { name: 'Ja' }).isChecked(), true, 'chosen');
  await tabTo(o.page, 'Antwoorden versturen');
  await o.page.keyboard.press('Enter');
  await o.w.locator('[data-feedback="sent"]').waitFor();
  assertEq(JSON.stringify(o.svc.feedback), JSON.stringify([{ token: FEEDBACK_TOKEN, how: 4, again: 'yes' }]));
  assertEq((await focused(o.page)).label, 'Dank je wel voor je antwoorden.');
  await o.context.close();
  // Skipped: nothing is sent.
  o = await toCall({});
  await o.page.evaluate(() => window.bbCall.setState('ended'));
  await waitScreen(o.page, 'ended');
  await o.w.getByRole('button', { name: 'Overslaan' }).click();
  await o.w.locator('[data-feedback="skipped"]').waitFor();
  assertEq(o.svc.feedback.length, 0);
  await o.context.close();
});

test('keyboard_only_through_the_whole_flow', async () => {
  const { context, page, svc } = await open();
  await page.keyboard.press('Tab');                       // skip link of the host page
  await requestByKeyboard({ tabTo: (t) => tabTo(page, t), type: (t) => page.keyboard.type(t), press: (key) => page.keyboard.press(key) });
  await waitScreen(page, 'confirm');
  assertEq(svc.requests[0].needs.join(), 'sign_language');
  assertEq(svc.requests[0].preference, 'video');

  // The officer's invitation link opens the widget again.
  await page.goto(`${server.url}/demo/${inviteHash(GOOD_TOKEN)}`);
  await useFakeCall(page);
  await waitScreen(page, 'redeem');
  await tabTo(page, 'Deelnemen');
  await page.keyboard.press('Enter');
  await waitScreen(page, 'device');
  await page.locator('beeldbel-widget').locator('.bb-screen').getByText('Je camera en microfoon werken.').waitFor();
  await tabTo(page, 'Test je luidspreker');
  await page.keyboard.press('Enter');
  await tabTo(page, 'Naar de wachtkamer');
  await page.keyboard.press('Enter');
  await waitScreen(page, 'waiting');
  await page.evaluate(() => window.bbCall.connect());
  await waitScreen(page, 'call');
  await tabTo(page, 'Jouw tekst');
  await page.keyboard.type('Dank u');
  await page.keyboard.press('Enter');
  const finals = await page.evaluate(() => window.bbCall.sent.filter((x) => x.final).map((x) => x.text));
  assertEq(finals.join(), 'Dank u');
  await tabTo(page, 'Ophangen', { shift: true });
  await page.keyboard.press('Enter');
  // The confirmation is a modal dialog: focus starts on the safe choice and stays inside.
  let f = await focused(page);
  assertEq(f.label, 'Nee, doorgaan');
  for (let i = 0; i < 4; i++) {
    await page.keyboard.press('Tab');
    f = await focused(page);
    assert(['Ja, ophangen', 'Nee, doorgaan'].includes(f.label), `focus left the dialog: ${JSON.stringify(f)}`);
  }
  await tabTo(page, 'Ja, ophangen', { max: 3 });
  await page.keyboard.press('Enter');
  await waitScreen(page, 'ended');
  assertEq(JSON.stringify(await page.evaluate(() => window.bbCall.log.at(-1))), '["hangUp"]');
  await context.close();
});

// ---- every screen: axe (WCAG 2.2 A/AA) in both themes, screenshots ----------

const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
async function axe(page, label) {
  await page.addScriptTag({ content: axeSource });
  const r = await page.evaluate((tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags } }), AXE_TAGS);
  return r.violations.map((x) => `${label} ${x.id}: ${x.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

const SCREENS = {
  request: async () => open({ bypassCSP: true }),
  'request-errors': async () => {
    const o = await open({ bypassCSP: true });
    await o.w.getByRole('button', { name: 'Verstuur verzoek' }).click();
    await o.w.locator('.utrecht-alert--error').waitFor();
    return o;
  },
  confirm: async () => {
    const o = await open({ bypassCSP: true });
    await fillRequest(o.w);
    await o.w.getByRole('button', { name: 'Verstuur verzoek' }).click();
    await waitScreen(o.page, 'confirm');
    return o;
  },
  status: async () => {
    const o = await open({ bypassCSP: true });
    await o.w.getByRole('button', { name: 'Al een verzoek gedaan? Bekijk het of trek het in' }).click();
    await waitScreen(o.page, 'status');
    await o.w.getByLabel('Kenmerk').fill(REFERENCE);
    await o.w.getByLabel('Je telefoonnummer').fill('06 12345678');
    await o.w.getByRole('button', { name: 'Bekijk mijn verzoek' }).click();
    await o.w.locator('[data-status="claimed"]').waitFor();
    return o;
  },
  'status-cancel': async () => {
    const o = await SCREENS.status();
    await o.w.getByRole('button', { name: 'Verzoek intrekken' }).click();
    await o.w.getByRole('button', { name: 'Ja, trek het in' }).waitFor();
    return o;
  },
  invite: async () => {
    const o = await open({ bypassCSP: true, hash: inviteHash(GOOD_TOKEN) });
    await waitScreen(o.page, 'redeem');
    return o;
  },
  'cannot-call': async () => {
    const o = await open({ bypassCSP: true, hash: inviteHash(GOOD_TOKEN), noWebRTC: true });
    await waitScreen(o.page, 'cannotCall');
    return o;
  },
  'confirm-no-video': async () => {
    const o = await open({ bypassCSP: true, noWebRTC: true });
    await fillRequest(o.w);
    await o.w.getByRole('button', { name: 'Verstuur verzoek' }).click();
    await o.w.locator('[data-no-video]').waitFor();
    return o;
  },
  'invite-failed': async () => {
    const o = await open({ bypassCSP: true, hash: inviteHash(USED_TOKEN) });
    await joinInvitation(o.w);
    await waitScreen(o.page, 'inviteFailed');
    return o;
  },
  device: async () => {
    const o = await open({ bypassCSP: true, hash: inviteHash(GOOD_TOKEN) });
    await joinInvitation(o.w);
    await waitScreen(o.page, 'device');
    await o.w.locator('.bb-screen').getByText('Je camera en microfoon werken.').waitFor();
    return o;
  },
  'device-denied': async () => {
    const o = await open({ bypassCSP: true, hash: inviteHash(GOOD_TOKEN), deny: true });
    await joinInvitation(o.w);
    await o.w.locator('[data-problem="denied"]').waitFor();
    return o;
  },
  waiting: async () => {
    const o = await open({ bypassCSP: true, hash: inviteHash(GOOD_TOKEN) });
    await joinInvitation(o.w);
    await waitScreen(o.page, 'device');
    await o.w.getByRole('button', { name: 'Naar de wachtkamer' }).click();
    await waitScreen(o.page, 'waiting');
    return o;
  },
  call: async () => {
    const o = await toCall({ bypassCSP: true });
    await o.page.evaluate(() => {
      window.bbCall.tile('tolk-1', 'Tolk NGT', 'interpreter', '#5a3d6b');
      window.bbCall.remote('Goedemiddag, hoe kan ik helpen?', true);
      window.bbCall.remote('Ik kijk even', false);
      window.bbCall.caption('[schrijftolk] goedemiddag');
    });
    await o.w.locator('.bb-captions').waitFor();
    return o;
  },
  'call-files': async () => {
    const o = await toCall({ bypassCSP: true });
    await fileEvents(o.page);
    await o.w.locator('.bb-files-photo').waitFor();
    await o.w.getByRole('button', { name: 'aangifte.pdf bekijken' }).click();
    await o.w.locator('.bb-pdf-page .textLayer span').first().waitFor({ timeout: 20000 });
    return o;
  },
  'call-reconnecting': async () => {
    const o = await toCall({ bypassCSP: true });
    await o.page.evaluate(() => { window.bbCall.setQuality('fair'); window.bbCall.setState('reconnecting'); });
    await o.w.locator('.bb-banner').waitFor();
    return o;
  },
  'hang-up-dialog': async () => {
    const o = await toCall({ bypassCSP: true });
    await o.w.getByRole('button', { name: 'Ophangen' }).click();
    await o.w.locator('dialog[open]').waitFor();
    return o;
  },
  ended: async () => {
    const o = await toCall({ bypassCSP: true });
    await o.page.evaluate(() => window.bbCall.setState('ended'));
    await waitScreen(o.page, 'ended');
    return o;
  },
};

test('axe_finds_no_violations_on_any_screen_in_either_theme', async () => {
  const violations = [];
  for (const [name, reach] of Object.entries(SCREENS)) {
    const o = await reach();
    await o.page.emulateMedia({ reducedMotion: 'reduce' });
    for (const contrast of ['no-preference', 'more']) {
      await o.page.emulateMedia({ contrast });
      violations.push(...await axe(o.page, `${name}/${contrast}:`));
      // addScriptTag can only run once per page load; axe stays loaded.
      axeLoaded.add(o.page);
    }
    await o.context.close();
  }
  assertEq(violations.join('\n'), '');
});
const axeLoaded = new Set();

test('screenshots_of_every_screen_at_phone_and_desktop_size_in_both_themes', async () => {
  for (const [name, reach] of Object.entries(SCREENS)) {
    const o = await reach();
    await o.page.emulateMedia({ reducedMotion: 'reduce' });
    for (const [wd, ht] of [[360, 740], [1280, 800]]) {
      await o.page.setViewportSize({ width: wd, height: ht });
      for (const contrast of ['no-preference', 'more']) {
        await o.page.emulateMedia({ contrast });
        const theme = contrast === 'more' ? 'contrast' : 'normal';
        await o.page.screenshot({ path: join(shotDir, `widget-${name}-${wd}x${ht}-${theme}.png`), fullPage: true });
        const overflow = await o.page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth);
        assert(!overflow, `${name} ${wd}x${ht} ${theme}: the page scrolls sideways`);
      }
    }
    await o.context.close();
  }
});

// ---- robustness of the embedding and the display settings ------------------

test('hostile_host_css_cannot_break_the_widget', async () => {
  const sri = readFileSync(join(distDir, 'beeldbel.js.sri'), 'utf8').trim();
  const html = `<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>Vijandige host</title>
<style>
  * { all: unset; }
  html { font-size: 44px; line-height: 0.8; }
  beeldbel-widget { font-size: 60px; color: red; background: lime; letter-spacing: 5px; }
  div, section, form, input, button, p { display: none !important; margin: 80px !important; }
  [hidden] { display: block !important; }
</style>
<script type="module" src="/beeldbel.js" integrity="${sri}" crossorigin="anonymous"></script></head>
<body><h1>Host</h1><beeldbel-widget neighbourhood="groningen-zuid"></beeldbel-widget></body></html>`;
  const context = await newContext({ viewport: { width: 1280, height: 800 } });
  context.setDefaultTimeout(8000);
  const page = await context.newPage();
  await page.addInitScript(fakeCallSource);
  const svc = await fakeService(page);
  await page.route('**/demo/hostile.html', (r) => r.fulfill({ status: 200, contentType: 'text/html', body: html }));
  await page.goto(`${server.url}/demo/hostile.html`);
  const w = page.locator('beeldbel-widget');
  const name = w.getByLabel('Je naam');
  await name.waitFor();
  const box = await w.locator('section.bb').boundingBox();
  assert(box.width >= 300 && box.width <= 1280, `widget width ${box.width}`);
  const nb = await name.boundingBox();
  assert(nb.height >= 40 && nb.height < 80, `name field height ${nb.height}`);
  const fs = await name.evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
  assert(fs >= 16 && fs <= 22, `font size ${fs}`);
  // Inherited host styles stop at the widget's box.
  const look = await w.locator('.bb-screen-heading').evaluate((el) => {
    const cs = getComputedStyle(el);
    return `${cs.letterSpacing}|${cs.color}|${getComputedStyle(el.closest('.bb')).backgroundColor}`;
  });
  assertEq(look, 'normal|rgb(21, 66, 115)|rgb(255, 255, 255)');
  assert(await w.getByLabel('Je postcode').isHidden(), 'a hidden field became visible');
  await fillRequest(w);
  await w.getByRole('button', { name: 'Verstuur verzoek' }).click();
  await waitScreen(page, 'confirm');
  assertEq(svc.requests[0].neighbourhood, 'groningen-zuid');
  await page.screenshot({ path: join(shotDir, 'widget-hostile-host-1280x800.png'), fullPage: true });
  await context.close();
});

test('strict_csp_holds_through_request_and_device_check', async () => {
  const { context, page, w } = await open();
  const violations = [];
  await page.exposeFunction('bbViolation', (v) => violations.push(v));
  const watch = () => page.evaluate(() => document.addEventListener('securitypolicyviolation',
    (e) => window.bbViolation(`${e.violatedDirective} ${e.blockedURI}`)));
  await watch();
  await fillRequest(w);
  await w.getByRole('button', { name: 'Verstuur verzoek' }).click();
  await waitScreen(page, 'confirm');
  await page.goto(`${server.url}/demo/${inviteHash(GOOD_TOKEN)}`);
  await watch();
  await joinInvitation(w);
  await waitScreen(page, 'device');
  await w.locator('.bb-screen').getByText('Je camera en microfoon werken.').waitFor();
  await page.waitForFunction(() => document.querySelector('beeldbel-widget').engineState !== 'starting', null, { timeout: 20000 });
  assertEq(await page.evaluate(() => document.querySelector('beeldbel-widget').engineState), 'ready');
  const csp = (await page.evaluate(() => fetch('/demo/').then((r) => r.headers.get('content-security-policy'))));
  assert(csp.includes("style-src 'self'") && !csp.includes('unsafe-inline'), csp);
  assertEq(violations.join('\n'), '');
  await context.close();
});

test('no_globals_besides_the_custom_element', async () => {
  const { context, page } = await open();
  const leaked = await page.evaluate(() => Object.keys(window).filter((k) => /bb|beeldbel|utrecht/i.test(k) && !['BbFakeCall', 'bbCall'].includes(k)));
  assertEq(leaked.join(), '');
  await context.close();
});

test('reflows_at_320_px_and_at_200_percent_zoom', async () => {
  for (const [width, height, scale] of [[320, 640, 1], [640, 400, 2]]) {
    const context = await newContext({ viewport: { width, height }, deviceScaleFactor: scale });
    context.setDefaultTimeout(8000);
    const page = await context.newPage();
    await page.addInitScript(fakeCallSource);
    await fakeService(page);
    await page.goto(`${server.url}/demo/${inviteHash(GOOD_TOKEN)}`);
    await useFakeCall(page);
    const w = page.locator('beeldbel-widget');
    await joinInvitation(w);
    await waitScreen(page, 'device');
    await w.getByRole('button', { name: 'Naar de wachtkamer' }).click();
    await page.evaluate(() => window.bbCall.connect());
    await waitScreen(page, 'call');
    for (const screen of ['call', 'request']) {
      if (screen === 'request') { await page.evaluate(() => window.bbCall.setState('ended')); await w.getByRole('button', { name: 'Terug naar het begin' }).click(); }
      const overflow = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
      assert(overflow[0] <= overflow[1], `${screen} at ${width}px x${scale}: content ${overflow[0]} px wide`);
      const inner = await w.locator('section.bb').evaluate((el) => el.scrollWidth <= el.clientWidth);
      assert(inner, `${screen} at ${width}px: widget content cut off`);
    }
    await page.screenshot({ path: join(shotDir, `widget-request-${width}px-zoom${scale * 100}.png`), fullPage: true });
    await context.close();
  }
});

test('text_size_control_scales_to_200_percent_and_says_so', async () => {
  const { context, page, w } = await open();
  const size = () => w.getByLabel('Je naam').evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
  const base = await size();
  assert(await w.getByRole('button', { name: 'Tekst kleiner' }).isDisabled(), 'smaller at 100 %');
  for (let i = 0; i < 3; i++) await w.getByRole('button', { name: 'Tekst groter' }).click();
  assertEq(await size(), base * 2);
  assert(await w.getByRole('button', { name: 'Tekst groter' }).isDisabled(), 'larger beyond 200 %');
  await page.waitForFunction(() => document.querySelector('beeldbel-widget').shadowRoot.querySelector('[role=status]').textContent === 'Tekstgrootte 200%');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth);
  assert(!overflow, 'page scrolls sideways at 200 % text');
  await context.close();
});

test('high_contrast_follows_the_system_and_the_switch', async () => {
  const { context, page, w } = await open({ contrast: 'more' });
  const sw = w.getByRole('button', { name: 'Hoog contrast' });
  const colours = () => w.locator('section.bb').evaluate((el) => {
    const cs = getComputedStyle(el);
    return `${cs.color}|${cs.borderTopColor}|${cs.borderTopWidth}`;
  });
  assertEq(await sw.getAttribute('aria-pressed'), 'true');
  assertEq(await colours(), 'rgb(0, 0, 0)|rgb(0, 0, 0)|2px');
  await sw.click();
  assertEq(await sw.getAttribute('aria-pressed'), 'false');
  assertEq(await colours(), 'rgb(26, 26, 26)|rgb(107, 107, 107)|1px');
  await page.emulateMedia({ contrast: 'no-preference' });
  await sw.click();
  assertEq(await colours(), 'rgb(0, 0, 0)|rgb(0, 0, 0)|2px');
  await context.close();
});

test('every_control_is_at_least_24_by_24_px', async () => {
  const o = await toCall();
  await o.page.evaluate(() => window.bbCall.tile('tolk-1', 'Tolk NGT', 'interpreter', '#5a3d6b'));
  await o.w.getByRole('button', { name: 'Gebarentaal-modus' }).click();
  const check = () => o.page.evaluate(() => {
    const root = document.querySelector('beeldbel-widget').shadowRoot;
    return [...root.querySelectorAll('button, input, select, textarea, [tabindex="0"]')]
      .filter((el) => el.getClientRects().length && getComputedStyle(el).visibility !== 'hidden')
      .map((el) => [el.textContent.trim() || el.name || el.className, el.getBoundingClientRect()])
      .filter(([, r]) => r.width < 24 || r.height < 24).map(([n, r]) => `${n} ${r.width}x${r.height}`);
  });
  assertEq((await check()).join('; '), '', 'call: ');
  await o.page.evaluate(() => window.bbCall.setState('ended'));
  await o.w.getByRole('button', { name: 'Terug naar het begin' }).click();
  assertEq((await check()).join('; '), '', 'request: ');
  await o.context.close();
});

test('reduced_motion_stops_the_busy_animation', async () => {
  for (const [pref, expect] of [['no-preference', 'bb-pulse'], ['reduce', 'none']]) {
    const { context, page } = await open({ reducedMotion: pref });
    const name = await page.evaluate(() => {
      const el = document.querySelector('beeldbel-widget').shadowRoot.querySelector('.bb-busy');
      el.hidden = false;
      return getComputedStyle(el, '::before').animationName;
    });
    assertEq(name, expect, pref);
    await context.close();
  }
});

test('theme_tokens_meet_wcag_contrast_in_both_themes', () => {
  const low = [];
  for (const [theme, tokens] of Object.entries(THEMES)) {
    for (const [fg, bg, min, what] of CONTRAST_PAIRS) {
      const r = contrastRatio(tokens[fg], tokens[bg]);
      if (!(r >= min)) low.push(`${theme}: ${what} (${fg} on ${bg}) ${r.toFixed(2)} < ${min}`);
    }
  }
  assertEq(low.join('\n'), '');
  // The checker itself: black on white is 21:1, and a known AA failure fails.
  assertEq(contrastRatio('#000000', '#ffffff').toFixed(1), '21.0');
  assert(contrastRatio('#777777', '#ffffff') < 4.5);
  // Every token the CSS uses is in both themes.
  assertEq(Object.keys(THEMES.normal).join(), Object.keys(THEMES.contrast).join());
  // The widget, the shared call view and the officer console take every
  // colour from these tokens (so this test covers them all): no colour
  // literals, and no token that the themes do not define.
  const defined = new Set(Object.keys(THEMES.normal).map((k) => `--bb-${k.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())}`));
  defined.add('--bb-scale');   // the text size, not a colour
  const stray = [];
  for (const f of ['web/widget/styles.css', 'web/ui/nlds-tokens.css', 'web/ui/call.css', 'web/console/console.css']) {
    const css = readFileSync(join(root, f), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/url\("data:[^)]*\)/g, '');
    for (const m of css.matchAll(/#[0-9a-fA-F]{3,8}\b|\b(?:rgba?|hsla?)\((?!0 0 0 \/)/g)) stray.push(`${f}: ${m[0]}`);
    for (const m of css.matchAll(/var\((--bb-[\w-]+)/g)) if (!defined.has(m[1])) stray.push(`${f}: ${m[1]} undefined`);
  }
  assertEq(stray.join('\n'), '', 'colours outside the tested tokens: ');
});

// ---- the widget's readers of untrusted input, in node ----------------------

function fakeFetch(status, text, headers = {}) {
  return async () => ({ ok: status >= 200 && status < 300, status, text: async () => text,
    headers: { get: (k) => headers[k] ?? null } });
}

test('service_answers_of_any_shape_never_throw_and_are_reduced', async () => {
  // A small seeded generator: the same odd bodies every run.
  let seed = 7;
  const rnd = (n) => { seed = (seed * 1103515245 + 12345) >>> 0; return seed % n; };
  const shapes = [
    '', 'null', '[]', '"x"', '{', '{"error":null}', '{"error":{"message":{"nl":1,"en":[]}}}',
    '{"error":{"code":{"a":1},"field":"phone","message":{"nl":"' + 'a'.repeat(600) + '","en":"b"}}}',
    JSON.stringify({ error: { code: 'x', field: 'name', message: { nl: 'nl', en: 'en' } } }),
    '{"reference":"BB-1"}', '{"reference":42}', '{"room":"1","janus_url":"x","invitation_secret":"y"}',
    'x'.repeat(20000), JSON.stringify({ reference: 'A'.repeat(17000) }),
  ];
  for (let i = 0; i < 300; i++) {
    const status = [200, 201, 400, 404, 410, 429, 500, 502][rnd(8)];
    const body = i < shapes.length ? shapes[i] : String.fromCharCode(...Array.from({ length: rnd(64) }, () => rnd(256)));
    for (const call of [() => sendRequest({}, { fetchImpl: fakeFetch(status, body, { 'Retry-After': String(rnd(100000)) }) }),
      () => redeemInvitation('t', { fetchImpl: fakeFetch(status, body) })]) {
      const r = await call();
      assert(typeof r.ok === 'boolean' && Number.isInteger(r.status), JSON.stringify(r));
      if (!r.ok) {
        const e = r.error;
        assert(typeof e.code === 'string' && e.code.length <= 64, JSON.stringify(e));
        assert(e.message === null || (e.message.nl.length <= 500 && typeof e.message.en === 'string'), JSON.stringify(e));
        assert(e.retryAfter === null || (e.retryAfter >= 0 && e.retryAfter < 86400), JSON.stringify(e));
        if (status >= 500) assertEq(e.message, null, 'a 5xx shows no details:');
      }
    }
  }
  const net = await postJson('/x', {}, { fetchImpl: async () => { throw new TypeError('offline'); } });
  assertEq(JSON.stringify([net.ok, net.status, net.error.code]), '[false,0,"network"]');
  const ok = await redeemInvitation('t', { fetchImpl: fakeFetch(200, JSON.stringify({
    room: 5, pin: '1234', janus_url: 'ws://127.0.0.1:8188', officer: { display_name: 7 } })) });
  assertEq(JSON.stringify([ok.ok, ok.data.room, ok.data.pin, ok.data.officer.displayName]), '[true,5,"1234",""]');
  // The role the link admits: an interpreter's link says so; anything else is the citizen's (never the officer's).
  const roleOf = async (role) => (await redeemInvitation('t', { fetchImpl: fakeFetch(200, JSON.stringify({
    room: 5, janus_url: 'ws://127.0.0.1:8188', role })) })).data.role;
  assertEq([await roleOf('interpreter'), await roleOf('citizen'), await roleOf('officer'), await roleOf(undefined), await roleOf(['interpreter'])].join(),
    'interpreter,citizen,citizen,citizen,citizen');
});

test('names_written_right_to_left_are_isolated_in_every_sentence', async () => {
  const { t } = await import('../../web/widget/i18n.js');
  // Left to right: as it is (what tests and people compare).
  assertEq(t('nl', 'call.heading', { officer: 'Jan de Vries' }), 'Gesprek met Jan de Vries');
  // Right to left, or with direction controls: between FSI and PDI, so the sentence keeps its order.
  assertEq(t('nl', 'call.heading', { officer: 'محمد' }), 'Gesprek met \u2068محمد\u2069');
  assertEq(t('en', 'call.heading', { officer: 'x\u202ey' }), 'Call with \u2068x\u202ey\u2069');
  assertEq(t('nl', 'call.people', { n: 3 }).startsWith('3 mensen'), true);
});

test('invitation_is_read_only_from_a_well_formed_fragment_with_its_key', () => {
  assertEq(inviteFrom(''), null);
  assertEq(inviteFrom('#top'), null);
  const good = inviteFrom(inviteHash(GOOD_TOKEN));
  assertEq(`${good.token} ${good.key}`, `${GOOD_TOKEN} ${INVITE_KEY}`);
  assertEq(inviteFrom(`${inviteHash(GOOD_TOKEN)}&x=1`).key, INVITE_KEY);
  // Malformed, or without the call's key (a link the service alone could have made): not redeemed.
  for (const bad of ['#invite=', '#invite=short', '#invite=abc%20defghijklmnopqrs', `#invite=${'a'.repeat(513)}`,
    '#invite=<script>alert(1)</script>xx', `#invite=${GOOD_TOKEN}`, `#invite=${GOOD_TOKEN}&key=short`,
    `#invite=${GOOD_TOKEN}&key=${INVITE_KEY}x`, `#invite=${GOOD_TOKEN}&x=1&key=${INVITE_KEY}`]) {
    const r = inviteFrom(bad);
    assertEq(`${r.token}|${r.key}`, '|', bad);
  }
});

test('form_rules_match_the_contract', () => {
  const base = { name: ' Anna ', phone: '06-1234 5678', email: '', where: 'groningen-zuid', postcode: '', topic: 'x',
    preference: 'phone', window: 'evening', needs: ['captions', 'bogus'] };
  const { request, errors } = validate(base, 'en');
  assertEq(Object.keys(errors).length, 0, JSON.stringify(errors));
  assertEq(JSON.stringify(request), JSON.stringify({ name: 'Anna', phone: '06-1234 5678', topic: 'x', preference: 'phone',
    window: 'evening', needs: ['captions'], lang: 'en', neighbourhood: 'groningen-zuid' }));
  for (const [phone, ok] of [['0612345678', true], ['+31 6 12345678', true], ['0031612345678', true], ['061234567', false],
    ['06123456789', false], ['+0612345678', false], ['06-abc', false], ['', false]]) {
    assertEq(!validate({ ...base, phone }, 'nl').errors.phone, ok, phone);
  }
  for (const [postcode, ok] of [['9722 AB', true], ['9722ab', true], ['0722 AB', false], ['9722 A', false], ['97222 AB', false]]) {
    assertEq(!validate({ ...base, where: 'postcode', postcode }, 'nl').errors.postcode, ok, postcode);
  }
  assertEq(validate({ ...base, where: 'elsewhere' }, 'nl').request.neighbourhood, 'groningen-noord');
  assert(validate({ ...base, name: 'a'.repeat(101) }, 'nl').errors.name, 'name > 100');
  assert(validate({ ...base, topic: '   ' }, 'nl').errors.topic, 'blank topic');
  assert(validate({ ...base, email: 'anna@' }, 'nl').errors.email, 'bad e-mail');
});

try {
  await run();
} finally {
  await browser.close();
  server.stop();
}
