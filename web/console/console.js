// Officer console: log in, see the callback requests of your neighbourhoods
// (oldest first, access needs visible), claim one, call back by video
// (room + one-time invitation link) or by phone (record the outcome), add
// notes, close. Talks to the contact service (src/contact/API.md) on the
// same origin. All text from the service is shown with textContent, never
// as HTML: citizens' input cannot become markup here. The video call
// itself is the call panel (call-panel.js).
import { initCallPanel, setCallPanelLanguage, openCallPanel, endCallFor } from './call-panel.js';
import { el } from './dom.js';

const TEXT = {
  nl: {
    title: 'Beeldbel — console wijkagent', skip: 'Naar de inhoud', logout: 'Uitloggen',
    login_title: 'Inloggen', username: 'Gebruikersnaam', password: 'Wachtwoord', login: 'Inloggen',
    queue_title: 'Terugbelverzoeken', refresh: 'Vernieuwen', empty: 'Er zijn geen open verzoeken in uw wijken.',
    logged_in_as: (o) => `Ingelogd als ${o.name} (${o.team}) — wijken: ${o.neighbourhoods.join(', ')}`,
    queue_updated: (n) => `Wachtrij bijgewerkt: ${n} ${n === 1 ? 'verzoek' : 'verzoeken'}.`,
    logged_out: 'U bent uitgelogd.', ref: 'Kenmerk', phone: 'Telefoon', email: 'E-mail',
    neighbourhood: 'Wijk', topic: 'Onderwerp', preference: 'Voorkeur', window: 'Moment', date: 'Datum',
    needs: 'Ondersteuning', status: 'Status', created: 'Aangevraagd', claimed_by: 'Opgepakt door',
    notes: 'Notities', none: 'geen',
    pref: { video: 'beeldbellen', phone: 'gewoon bellen' },
    win: { morning: 'ochtend', afternoon: 'middag', evening: 'avond', any: 'maakt niet uit' },
    need: { captions: 'ondertiteling / tekst', sign_language: 'gebarentolk', speech_to_text: 'schrijftolk', high_contrast: 'hoog contrast' },
    st: { queued: 'in de wachtrij', claimed: 'opgepakt', inviting: 'uitnodiging verstuurd', in_call: 'in gesprek', done: 'afgerond' },
    claim: 'Oppakken', video: 'Terugbellen met beeld', phone_cb: 'Terugbellen met telefoon', add_note: 'Notitie toevoegen',
    close: 'Afronden', note_label: 'Notitie', save_note: 'Notitie opslaan', outcome: 'Uitkomst', record: 'Uitkomst vastleggen',
    call_number: (p) => `Bel ${p}`, out: { reached: 'bereikt', no_answer: 'geen gehoor', wrong_number: 'verkeerd nummer' },
    invite_ready: 'Uitnodiging klaar. Stuur deze link naar de burger (eenmalig te gebruiken, verloopt om',
    invite_link: 'Uitnodigingslink', copy: 'Link kopiëren', copied: 'Link gekopieerd.', to_call: 'Naar het gesprek',
    call_ready: (room) => `Gesprek klaargezet in kamer ${room}. Uw toegang is klaar; de burger komt binnen via de link.`,
    claimed_ok: 'Verzoek opgepakt.', note_ok: 'Notitie opgeslagen.', closed_ok: 'Verzoek afgerond.',
    outcome_ok: 'Uitkomst vastgelegd.', network: 'De dienst is niet bereikbaar. Probeer het opnieuw.',
    other_lang: 'English', other_lang_code: 'en',
  },
  en: {
    title: 'Beeldbel — officer console', skip: 'Skip to content', logout: 'Log out',
    login_title: 'Log in', username: 'User name', password: 'Password', login: 'Log in',
    queue_title: 'Callback requests', refresh: 'Refresh', empty: 'There are no open requests in your neighbourhoods.',
    logged_in_as: (o) => `Logged in as ${o.name} (${o.team}) — neighbourhoods: ${o.neighbourhoods.join(', ')}`,
    queue_updated: (n) => `Queue updated: ${n} ${n === 1 ? 'request' : 'requests'}.`,
    logged_out: 'You are logged out.', ref: 'Reference', phone: 'Phone', email: 'E-mail',
    neighbourhood: 'Neighbourhood', topic: 'Topic', preference: 'Preference', window: 'Time', date: 'Date',
    needs: 'Support', status: 'Status', created: 'Requested', claimed_by: 'Claimed by',
    notes: 'Notes', none: 'none',
    pref: { video: 'video call', phone: 'phone call' },
    win: { morning: 'morning', afternoon: 'afternoon', evening: 'evening', any: 'any time' },
    need: { captions: 'captions / text', sign_language: 'sign-language interpreter', speech_to_text: 'speech-to-text interpreter', high_contrast: 'high contrast' },
    st: { queued: 'queued', claimed: 'claimed', inviting: 'invitation sent', in_call: 'in call', done: 'closed' },
    claim: 'Claim', video: 'Call back by video', phone_cb: 'Call back by phone', add_note: 'Add note',
    close: 'Close', note_label: 'Note', save_note: 'Save note', outcome: 'Outcome', record: 'Record outcome',
    call_number: (p) => `Call ${p}`, out: { reached: 'reached', no_answer: 'no answer', wrong_number: 'wrong number' },
    invite_ready: 'Invitation ready. Send this link to the citizen (single use, expires at',
    invite_link: 'Invitation link', copy: 'Copy link', copied: 'Link copied.', to_call: 'Go to the call',
    call_ready: (room) => `Call prepared in room ${room}. Your access is ready; the citizen joins through the link.`,
    claimed_ok: 'Request claimed.', note_ok: 'Note saved.', closed_ok: 'Request closed.',
    outcome_ok: 'Outcome recorded.', network: 'The service cannot be reached. Please try again.',
    other_lang: 'Nederlands', other_lang_code: 'nl',
  },
};

const state = {
  lang: sessionStorage.getItem('bb_console_lang') === 'en' ? 'en' : 'nl',
  csrf: sessionStorage.getItem('bb_console_csrf'),
  officer: JSON.parse(sessionStorage.getItem('bb_console_officer') ?? 'null'),
  requests: [],
  calls: new Map(), // request id -> the officer's call credentials (kept in memory only)
};
const $ = (id) => document.getElementById(id);
const t = () => TEXT[state.lang];

function announce(msg) {
  // Clear first so repeating the same message is announced again.
  $('status').textContent = '';
  setTimeout(() => { $('status').textContent = msg; }, 50);
}

function showError(err) {
  const box = $('error');
  if (!err) { box.hidden = true; box.textContent = ''; return; }
  box.textContent = typeof err === 'string' ? err : (err.message?.[state.lang] ?? err.code ?? t().network);
  box.hidden = false;
}

async function api(method, path, body) {
  const headers = {};
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method === 'POST' && state.csrf) headers['X-CSRF-Token'] = state.csrf;
  let res;
  try {
    res = await fetch(`/api/v1/${path}`, { method, headers, credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    return { ok: false, error: t().network };
  }
  const json = await res.json().catch(() => null);
  if (res.status === 401 && path !== 'officer/login') setLoggedOut();
  if (!res.ok) return { ok: false, status: res.status, error: json?.error ?? t().network };
  return { ok: true, json };
}

function applyLanguage() {
  document.documentElement.lang = state.lang;
  document.title = t().title;
  for (const node of document.querySelectorAll('[data-i18n]')) node.textContent = t()[node.dataset.i18n];
  const b = $('lang');
  b.textContent = t().other_lang;
  b.lang = t().other_lang_code;
  if (state.officer) $('officer').textContent = t().logged_in_as(state.officer);
  setCallPanelLanguage(state.lang);
  renderQueue();
}

function setLoggedOut() {
  endCallFor();
  state.csrf = null;
  state.officer = null;
  sessionStorage.removeItem('bb_console_csrf');
  sessionStorage.removeItem('bb_console_officer');
  $('queue-view').hidden = true;
  $('logout').hidden = true;
  $('login-view').hidden = false;
}

async function loadQueue(quiet) {
  const r = await api('GET', 'officer/queue');
  if (!r.ok) { if (r.status !== 401) showError(r.error); return; }
  state.requests = r.json.requests;
  renderQueue();
  if (!quiet) announce(t().queue_updated(state.requests.length));
}

function fmtTime(iso) {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString(state.lang === 'nl' ? 'nl-NL' : 'en-GB');
}

function renderQueue() {
  const list = $('queue');
  if (!list || $('queue-view').hidden) return;
  // Keep focus on the same control across a re-render.
  const focused = document.activeElement?.dataset?.key;
  list.replaceChildren(...state.requests.map(renderRequest));
  $('empty').hidden = state.requests.length > 0;
  if (focused) list.querySelector(`[data-key="${CSS.escape(focused)}"]`)?.focus();
}

function renderRequest(r) {
  const T = t();
  const mine = r.claimed_by && state.officer && r.claimed_by === state.officer.name;
  const needs = r.needs.length ? r.needs.map((n) => T.need[n] ?? n).join(', ') : T.none;
  const headingId = `req-${r.id}`;
  const rows = [
    [T.ref, r.reference], [T.phone, r.phone], [T.email, r.email ?? '—'], [T.neighbourhood, r.neighbourhood],
    [T.topic, r.topic], [T.preference, T.pref[r.preference] ?? r.preference],
    [T.window, T.win[r.window] ?? r.window], [T.date, r.date ?? '—'],
    [T.needs, needs, r.needs.length ? 'needs' : ''], [T.status, T.st[r.status] ?? r.status],
    [T.created, fmtTime(r.created_at)], [T.claimed_by, r.claimed_by ?? '—'],
  ];
  if (r.notes) rows.push([T.notes, r.notes]);
  const dl = el('dl', {});
  for (const [k, v, cls] of rows) dl.append(el('dt', {}, k), el('dd', { class: cls || undefined }, v));
  const btn = (key, label, onclick, primary) => el('button', {
    type: 'button', class: `utrecht-button utrecht-button--${primary ? 'primary' : 'secondary'}-action`,
    'data-key': `${r.id}-${key}`, 'aria-describedby': headingId, onclick }, label);
  const actions = el('div', { class: 'actions' });
  if (r.status === 'queued') actions.append(btn('claim', T.claim, () => act(r, 'claim'), true));
  if (mine) {
    actions.append(btn('video', T.video, () => video(r), r.preference === 'video'),
      btn('phone', T.phone_cb, () => togglePanel(r, 'phone'), r.preference === 'phone'),
      btn('note', T.add_note, () => togglePanel(r, 'note')),
      btn('close', T.close, () => act(r, 'close', {})));
  }
  const item = el('li', { class: 'request' },
    el('article', { 'aria-labelledby': headingId },
      el('h3', { id: headingId }, `${r.reference} — ${r.name}`), dl, actions,
      el('div', { id: `panel-${r.id}`, class: 'panel' })));
  const call = state.calls.get(r.id);
  if (call) setTimeout(() => showInvitation(r, call), 0);
  return item;
}

async function act(r, action, body) {
  showError(null);
  const res = await api('POST', `officer/requests/${r.id}/${action}`, body);
  if (!res.ok) { showError(res.error); return false; }
  announce({ claim: t().claimed_ok, close: t().closed_ok, notes: t().note_ok, phone: t().outcome_ok }[action] ?? '');
  if (action === 'close') { state.calls.delete(r.id); endCallFor(r.id); }
  await loadQueue(true);
  return true;
}

/** 32 random bytes, base64url (43 characters). */
function randomKey() {
  const b = crypto.getRandomValues(new Uint8Array(32));
  return btoa(String.fromCharCode(...b)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

async function video(r) {
  showError(null);
  const res = await api('POST', `officer/requests/${r.id}/video`);
  if (!res.ok) { showError(res.error); return; }
  // The call's end-to-end secret is made here and travels only in the
  // link's fragment, which no server sees: the contact service admits the
  // citizen to the room but cannot join the call's key agreement.
  const key = randomKey();
  const invitation = { ...res.json, invitation_url: `${res.json.invitation_url}&key=${key}`,
    call: { ...res.json.call, invitation_key: key } };
  // The officer's own call credentials stay in this page's memory; the
  // call itself is joined with them once the call screen exists.
  state.calls.set(r.id, invitation);
  // The call panel (call-panel.js) opens on this event.
  window.dispatchEvent(new CustomEvent('beeldbel:officer-call', { detail: callDetail(r, invitation) }));
  await loadQueue(true);
  showInvitation(r, invitation);   // now, not after the re-render's timer: focus goes there
  announce(t().call_ready(invitation.call.room));
  document.querySelector(`[data-key="${r.id}-invite"]`)?.focus();
}

const callDetail = (r, invitation) => ({ requestId: r.id, call: invitation.call, name: r.name, reference: r.reference });

function showInvitation(r, call) {
  const panel = $(`panel-${r.id}`);
  if (!panel || panel.querySelector('.invite')) return;
  const T = t();
  const inputId = `invite-${r.id}`;
  const input = el('input', { id: inputId, class: 'utrecht-textbox', readonly: true, value: call.invitation_url,
    'data-key': `${r.id}-invite` });
  const copy = el('button', { type: 'button', class: 'utrecht-button utrecht-button--secondary-action',
    'data-key': `${r.id}-copy`, onclick: async () => {
      try { await navigator.clipboard.writeText(call.invitation_url); announce(T.copied); } catch { input.select(); }
    } }, T.copy);
  const toCall = el('button', { type: 'button', class: 'utrecht-button utrecht-button--primary-action',
    'data-key': `${r.id}-to-call`, onclick: () => openCallPanel(callDetail(r, call), { focus: true }) }, T.to_call);
  panel.append(el('div', { class: 'invite utrecht-alert utrecht-alert--ok' },
    el('p', { class: 'utrecht-paragraph' }, `${T.invite_ready} ${fmtTime(call.expires_at)}).`),
    el('label', { class: 'utrecht-form-label', for: inputId }, T.invite_link), input,
    el('div', { class: 'actions' }, copy, toCall),
    el('p', { class: 'utrecht-paragraph', 'data-room': call.call.room }, T.call_ready(call.call.room))));
}

function togglePanel(r, kind) {
  const panel = $(`panel-${r.id}`);
  const T = t();
  if (panel.dataset.open === kind) { panel.replaceChildren(); delete panel.dataset.open; return; }
  panel.dataset.open = kind;
  const noteId = `note-${r.id}-${kind}`;
  const note = el('textarea', { id: noteId, class: 'utrecht-textarea', maxlength: '2000', rows: '3' });
  if (kind === 'note') {
    panel.replaceChildren(el('label', { class: 'utrecht-form-label', for: noteId }, T.note_label), note,
      el('button', { type: 'button', class: 'utrecht-button utrecht-button--primary-action', onclick: async () => {
        if (await act(r, 'notes', { note: note.value })) note.value = '';
      } }, T.save_note));
  } else {
    const selId = `outcome-${r.id}`;
    const sel = el('select', { id: selId, class: 'utrecht-select' },
      ...Object.entries(T.out).map(([v, label]) => el('option', { value: v }, label)));
    panel.replaceChildren(
      el('p', { class: 'utrecht-paragraph' }, el('a', { href: `tel:${r.phone}` }, T.call_number(r.phone))),
      el('label', { class: 'utrecht-form-label', for: selId }, T.outcome), sel,
      el('label', { class: 'utrecht-form-label', for: noteId }, T.note_label), note,
      el('button', { type: 'button', class: 'utrecht-button utrecht-button--primary-action', onclick: () =>
        act(r, 'phone', note.value.trim() ? { outcome: sel.value, note: note.value } : { outcome: sel.value }) }, T.record));
  }
  panel.querySelector('select, textarea')?.focus();
}

async function onLogin(ev) {
  ev.preventDefault();
  showError(null);
  const username = $('username').value.trim(), password = $('password').value;
  const res = await api('POST', 'officer/login', { username, password });
  $('password').value = '';
  if (!res.ok) { showError(res.error); $('username').focus(); return; }
  state.csrf = res.json.csrf_token;
  state.officer = res.json.officer;
  // sessionStorage: survives a reload of this tab, gone when it closes.
  sessionStorage.setItem('bb_console_csrf', state.csrf);
  sessionStorage.setItem('bb_console_officer', JSON.stringify(state.officer));
  await showQueue();
}

async function showQueue() {
  $('login-view').hidden = true;
  $('queue-view').hidden = false;
  $('logout').hidden = false;
  $('officer').textContent = t().logged_in_as(state.officer);
  await loadQueue();
  $('queue-title').setAttribute('tabindex', '-1');
  $('queue-title').focus();
}

$('login-form').addEventListener('submit', onLogin);
$('refresh').addEventListener('click', () => loadQueue());
$('logout').addEventListener('click', async () => {
  await api('POST', 'officer/logout');
  setLoggedOut();
  announce(t().logged_out);
  $('username').focus();
});
$('lang').addEventListener('click', () => {
  state.lang = state.lang === 'nl' ? 'en' : 'nl';
  sessionStorage.setItem('bb_console_lang', state.lang);
  applyLanguage();
});
initCallPanel({
  lang: state.lang, announce,
  mount: (node) => $('error').after(node),
  // Back to where the officer came from: the request's video button.
  onClose: (id) => (document.querySelector(`[data-key="${id}-to-call"]`) ?? $('queue-title'))?.focus(),
});
applyLanguage();
if (state.csrf && state.officer) showQueue();
