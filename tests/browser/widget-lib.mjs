// Helpers for the widget's browser tests: a fake contact service that
// follows src/contact/API.md (Playwright routes, including its bilingual
// error bodies), the fake call session, and ways to reach each screen.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { root } from './lib.mjs';

export const fakeCallSource = readFileSync(join(root, 'tests', 'browser', 'fake-call.js'), 'utf8');
export const GOOD_TOKEN = 'inv_9fQ2xLk3Rb7TwZ0pYv4m';
export const USED_TOKEN = 'inv_usedusedusedusedused';
export const REFERENCE = 'BB-7K3M-Q9XZ';
export const FEEDBACK_TOKEN = 'fb_' + 'q'.repeat(40);
/** The call's end-to-end secret the officer's console puts beside the token in the link. */
export const INVITE_KEY = 'YmVlbGRiZWwtdGVzdC1pbnZpdGF0aW9uLWtleS0zMmI';
/** An invitation link's fragment, as the console makes it. */
export const inviteHash = (token) => `#invite=${token}&key=${INVITE_KEY}`;

const REQUEST_FIELDS = ['name', 'phone', 'email', 'neighbourhood', 'postcode', 'topic', 'preference', 'window', 'date', 'needs', 'lang'];
const err = (status, code, field, nl, en) => ({ status, body: { error: { code, field, message: { nl, en } } } });

/** Checks a request body the way the contract says the service does. */
export function contractProblem(b) {
  if (!b || typeof b !== 'object') return err(415, 'not_json', null, 'Geen JSON.', 'Not JSON.');
  for (const k of Object.keys(b)) if (!REQUEST_FIELDS.includes(k)) return err(400, 'unknown_field', k, 'Onbekend veld.', 'Unknown field.');
  if (typeof b.name !== 'string' || b.name.length < 1 || b.name.length > 100) return err(400, 'invalid_name', 'name', 'Vul je naam in.', 'Enter your name.');
  if (typeof b.phone !== 'string' || !/^\+?[\d\s-]{8,20}$/.test(b.phone)) return err(400, 'invalid_phone', 'phone', 'Dit telefoonnummer klopt niet.', 'This phone number is not valid.');
  if (('neighbourhood' in b) === ('postcode' in b)) return err(400, 'invalid_location', 'neighbourhood', 'Kies een wijk of vul een postcode in.', 'Choose a neighbourhood or enter a postcode.');
  if (!['video', 'phone'].includes(b.preference)) return err(400, 'invalid_preference', 'preference', 'Kies video of telefoon.', 'Choose video or phone.');
  if (!['morning', 'afternoon', 'evening', 'any'].includes(b.window)) return err(400, 'invalid_window', 'window', 'Kies een dagdeel.', 'Choose a time window.');
  if (!Array.isArray(b.needs) || b.needs.some((n) => !['captions', 'sign_language', 'speech_to_text', 'high_contrast'].includes(n))) return err(400, 'invalid_needs', 'needs', 'Ongeldige keuze.', 'Invalid choice.');
  if (!['nl', 'en'].includes(b.lang)) return err(400, 'invalid_lang', 'lang', 'Ongeldige taal.', 'Invalid language.');
  return null;
}

/** Routes /api/v1/* to a fake service. `answer` may override the request reply: (body) => {status, body, headers}. */
export async function fakeService(page, { answer } = {}) {
  const svc = { requests: [], redeems: [], lookups: [], cancels: [], feedback: [], status: 'claimed' };
  await page.route('**/api/v1/**', async (route) => {
    const req = route.request();
    const path = new URL(req.url()).pathname;
    let body = null;
    try { body = JSON.parse(req.postData() || 'null'); } catch { body = null; }
    const reply = ({ status, body: b, headers = {} }) => route.fulfill({
      status, contentType: 'application/json', headers, body: JSON.stringify(b),
    });
    if (req.method() !== 'POST') return reply(err(405, 'method', null, 'Methode niet toegestaan.', 'Method not allowed.'));
    if (!String(req.headers()['content-type']).startsWith('application/json')) return reply(err(415, 'not_json', null, 'Geen JSON.', 'Not JSON.'));
    if (path === '/api/v1/requests') {
      svc.requests.push(body);
      const special = answer && answer(body);
      if (special) return reply(special);
      const bad = contractProblem(body);
      if (bad) return reply(bad);
      return reply({ status: 201, body: { reference: REFERENCE, status: 'queued', neighbourhood: body.neighbourhood ?? 'groningen-zuid' } });
    }
    if (path === '/api/v1/requests/status' || path === '/api/v1/requests/cancel') {
      const cancel = path.endsWith('/cancel');
      (cancel ? svc.cancels : svc.lookups).push(body);
      if (typeof body?.reference !== 'string' || !/^BB-[0-9A-Z]{4}-[0-9A-Z]{4}$/.test(body.reference)) {
        return reply(err(400, 'invalid_reference', 'reference', 'Dit kenmerk klopt niet.', 'This reference is not valid.'));
      }
      // As the service: a wrong phone number is the same 404 as an unknown reference.
      if (body.reference !== REFERENCE || String(body.phone).replace(/[\s().-]/g, '') !== '0612345678' || svc.status === 'gone') {
        return reply(err(404, 'request_unknown', null, 'We vinden geen verzoek met dit kenmerk en telefoonnummer.',
          'We find no request with this reference and phone number.'));
      }
      if (cancel) { svc.status = 'gone'; return reply({ status: 200, body: { reference: REFERENCE, status: 'cancelled' } }); }
      return reply({ status: 200, body: { reference: REFERENCE, status: svc.status, preference: 'video', created_at: '2026-12-01T10:00:00Z' } });
    }
    if (path === '/api/v1/feedback') {
      svc.feedback.push(body);
      if (body?.token !== FEEDBACK_TOKEN || svc.feedback.length > 1) return reply(err(404, 'feedback_unknown', null, 'Al beantwoord.', 'Already answered.'));
      return reply({ status: 200, body: { ok: true } });
    }
    if (path === '/api/v1/invitations/redeem') {
      svc.redeems.push(body);
      if (body?.token === GOOD_TOKEN) {
        return reply({ status: 200, body: {
          call_id: 'call-42', room: 1234, pin: '4711', janus_url: 'ws://127.0.0.1:8188', janus_token: 'tok', participant_id: 'citizen-1',
          officer: { display_name: 'J. Jansen', team: 'Basisteam Groningen-Noord', number: '100001' },
          expires_at: '2026-12-01T12:00:00Z', feedback_token: FEEDBACK_TOKEN,
        } });
      }
      if (body?.token === USED_TOKEN) return reply(err(410, 'invitation_used', null, 'Deze uitnodiging is al gebruikt.', 'This invitation has already been used.'));
      return reply(err(404, 'invitation_unknown', null, 'Deze uitnodiging kennen we niet.', 'We do not know this invitation.'));
    }
    return reply(err(404, 'unknown', null, 'Niet gevonden.', 'Not found.'));
  });
  return svc;
}

/** The focused element, looking through shadow roots. */
export function focused(page) {
  return page.evaluate(() => {
    let a = document.activeElement;
    while (a && a.shadowRoot && a.shadowRoot.activeElement) a = a.shadowRoot.activeElement;
    if (!a) return null;
    const label = a.getAttribute('aria-label') || (a.labels && a.labels[0] && a.labels[0].textContent) || a.textContent || '';
    return { tag: a.tagName.toLowerCase(), type: a.type || '', label: label.trim().replace(/\s+/g, ' '), value: a.value ?? '' };
  });
}

/** Presses Tab (up to `max` times) until the focused element's label contains `text`. */
export async function tabTo(page, text, { max = 40, shift = false } = {}) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press(shift ? 'Shift+Tab' : 'Tab');
    const f = await focused(page);
    if (f && f.label.includes(text)) return f;
  }
  throw new Error(`keyboard: "${text}" not reached in ${max} Tab presses`);
}

export function widgetScreen(page) {
  return page.evaluate(() => document.querySelector('beeldbel-widget')?.screen ?? null);
}

/** Waits for the widget's screen `name`; a failure names the screen it is on, and what why() adds. */
export async function waitScreen(page, name, timeout = 10000, why = async () => '') {
  try {
    await page.waitForFunction((n) => document.querySelector('beeldbel-widget')?.screen === n, name, { timeout, polling: 100 });
  } catch (e) {
    throw new Error(`widget screen ${await widgetScreen(page).catch(() => '?')} (wanted ${name}); ${await why()}\n${e.message}`);
  }
}

/** Installs the fake call factory on the widget (after it is defined). */
export function useFakeCall(page) {
  return page.evaluate(() => customElements.whenDefined('beeldbel-widget').then(() => {
    document.querySelector('beeldbel-widget').callSessionFactory = (o) => (window.bbCall = new window.BbFakeCall(o));
  }));
}

/**
 * The callback request filled in and sent with the keyboard alone, as a
 * person does it, through any browser driver: k.tabTo(label), k.type(text),
 * k.press('Tab' | 'Enter' | 'Space'). A video call, with a sign-language
 * interpreter.
 */
export async function requestByKeyboard(k) {
  await k.tabTo('Je naam');
  await k.type('Anna de Vries');
  await k.press('Tab');
  await k.type('0612345678');
  await k.tabTo('Waar gaat het over?');
  await k.type('Fietsen in de gang');
  await k.tabTo('Beeldbellen (video)');
  await k.tabTo('Gebarentolk');
  await k.press('Space');
  await k.tabTo('Verstuur verzoek');
  await k.press('Enter');
}
