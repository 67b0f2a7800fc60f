// Officer console: log in, see the callback requests of your neighbourhoods
// (oldest first, access needs visible), claim one, call back by video
// (room + one-time invitation link) or by phone (record the outcome), add
// notes, close. Talks to the contact service (src/contact/API.md) on the
// same origin. All text from the service is shown with textContent, never
// as HTML: citizens' input cannot become markup here. The video call
// itself is the call panel (call-panel.js).
import { initCallPanel, setCallPanelLanguage, openCallPanel, endCallFor, inCall } from './call-panel.js';
import { h } from '../ui/dom.js';
import { t as text, label } from './texts.js';
import { themeSheet } from '../ui/theme.js';
import { clip } from '../ui/call-session.js';
import { initIntake, renderIntake, resetIntake } from './intake.js';
import { initPilot, loadPilot, renderPilot, resetPilot } from './pilot.js';

const state = {
  lang: sessionStorage.getItem('bb_console_lang') === 'en' ? 'en' : 'nl',
  csrf: sessionStorage.getItem('bb_console_csrf'),
  join: null,       // a colleague's invitation from the address, until it is redeemed
  officer: JSON.parse(sessionStorage.getItem('bb_console_officer') ?? 'null'),
  idleS: Number(sessionStorage.getItem('bb_console_idle')) || 1200, // the session's idle timeout
  requests: [],
  calls: new Map(), // request id -> the officer's call credentials (kept in memory only)
};
const $ = (id) => document.getElementById(id);
const t = (key, vars) => text(state.lang, key, vars);

function announce(msg) {
  // Clear first so repeating the same message is announced again.
  $('status').textContent = '';
  setTimeout(() => { $('status').textContent = msg; }, 50);
}

function showError(err) {
  const box = $('error');
  if (!err) { box.hidden = true; box.textContent = ''; return; }
  box.textContent = typeof err === 'string' ? err : (err.message?.[state.lang] ?? err.code ?? t('network'));
  box.hidden = false;
}

/**
 * A request to the service (path under /api/v1/) as the officer logged in
 * here: a POST carries the CSRF token; a 401 logs the page out. The
 * Response, or null when the network failed.
 */
async function officerFetch(method, path, { body, headers = {}, csrf = state.csrf } = {}) {
  let res;
  try {
    res = await fetch(`/api/v1/${path}`, { method, credentials: 'same-origin', body,
      headers: { ...headers, ...(method === 'POST' && csrf ? { 'X-CSRF-Token': csrf } : {}) } });
  } catch {
    return null;
  }
  if (res.status === 401 && path !== 'officer/login') setLoggedOut();
  return res;
}

async function api(method, path, body, csrf = state.csrf) {
  const res = await officerFetch(method, path, { csrf, body: body === undefined ? undefined : JSON.stringify(body),
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' } });
  if (!res) return { ok: false, error: t('network') };
  const json = await res.json().catch(() => null);
  if (!res.ok) return { ok: false, status: res.status, error: json?.error ?? t('network') };
  return { ok: true, json };
}

function loggedInAs(o) {
  return t('logged_in_as', { name: o.name, team: o.team, neighbourhoods: o.neighbourhoods.join(', ') });
}

function applyLanguage() {
  document.documentElement.lang = state.lang;
  document.title = t('title');
  for (const node of document.querySelectorAll('[data-i18n]')) node.textContent = t(node.dataset.i18n);
  const b = $('lang');
  b.textContent = t('other_lang');
  b.lang = t('other_lang_code');
  if (state.officer) $('officer').textContent = loggedInAs(state.officer);
  if (!$('pilot-view').hidden) {
    $('pilot-who').textContent = loggedInAs(state.officer);
    renderPilot();
  }
  if (!$('intake-view').hidden) {
    $('intake-who').textContent = t('intake_who', { name: state.officer.name, team: state.officer.team });
    renderIntake();
  }
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
  $('intake-view').hidden = true;
  $('pilot-view').hidden = true;
  resetIntake();
  resetPilot();
  $('logout').hidden = true;
  $('login-view').hidden = false;
}

async function loadQueue(quiet) {
  const r = await api('GET', 'officer/queue');
  if (!r.ok) { if (r.status !== 401) showError(r.error); return; }
  state.requests = r.json.requests;
  renderQueue();
  if (!quiet) announce(t('queue_updated', { n: state.requests.length }));
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
  const L = state.lang;
  const mine = r.claimed_by && state.officer && r.claimed_by === state.officer.name;
  const needs = r.needs.length ? r.needs.map((n) => label(L, 'need', n)).join(', ') : t('none');
  const headingId = `req-${r.id}`;
  const rows = [
    [t('ref'), r.reference], [t('phone'), r.phone], [t('email'), r.email ?? '—'], [t('neighbourhood'), r.neighbourhood],
    [t('topic'), r.topic], [t('preference'), label(L, 'pref', r.preference)],
    [t('window'), label(L, 'win', r.window)], [t('date'), r.date ?? '—'],
    [t('needs'), needs, r.needs.length ? 'needs' : ''], [t('status'), label(L, 'st', r.status)],
    [t('created'), fmtTime(r.created_at)], [t('claimed_by'), r.claimed_by ?? '—'],
  ];
  if (r.via_phone) rows.unshift([t('via_phone_label'), t('via_phone'), 'via-phone']);
  // Past its time window and nobody calling back yet: said in words, first in the list (the service's order).
  if (r.overdue) rows.unshift([t('overdue_label'), t('overdue', { at: fmtTime(r.window_ends_at) }), 'overdue']);
  if (r.repeats > 0) rows.push([t('repeats_label'), t('repeats', { n: r.repeats }), 'repeats']);
  if (r.notes) rows.push([t('notes'), r.notes]);
  // A signed statement kept with the request: downloaded from the service (session cookie).
  if (r.statement) rows.push([t('statement_label'), h('a', { class: 'utrecht-link', 'data-key': `${r.id}-statement`,
    href: `/api/v1/officer/requests/${encodeURIComponent(r.id)}/statement`, download: `proces-verbaal-${r.reference}.pdf` },
  t('statement_download'))]);
  const dl = h('dl', {});
  // What the citizen typed keeps its own direction: dir="auto" per value.
  for (const [k, v, cls] of rows) dl.append(h('dt', {}, k), h('dd', { class: cls || undefined, dir: 'auto' }, v));
  const btn = (key, label, onclick, primary) => h('button', {
    type: 'button', class: `utrecht-button utrecht-button--${primary ? 'primary' : 'secondary'}-action`,
    'data-key': `${r.id}-${key}`, 'aria-describedby': headingId, onclick }, label);
  const actions = h('div', { class: 'actions' });
  if (r.status === 'queued') actions.append(btn('claim', t('claim'), () => act(r, 'claim'), true));
  if (mine) {
    actions.append(btn('video', t('video'), () => video(r), r.preference === 'video'),
      btn('phone', t('phone_cb'), () => togglePanel(r, 'phone'), r.preference === 'phone'),
      btn('note', t('add_note'), () => togglePanel(r, 'note')),
      btn('close', t('close'), () => act(r, 'close', {})));
  }
  const item = h('li', { class: 'request' },
    h('article', { 'aria-labelledby': headingId },
      h('h3', { id: headingId }, `${r.reference} — `, h('bdi', {}, r.name)), dl, actions,
      h('div', { id: `panel-${r.id}`, class: 'panel' })));
  const call = state.calls.get(r.id);
  if (call) setTimeout(() => showInvitation(r, call), 0);
  return item;
}

async function act(r, action, body) {
  showError(null);
  const res = await api('POST', `officer/requests/${r.id}/${action}`, body);
  if (!res.ok) { showError(res.error); return false; }
  announce({ claim: t('claimed_ok'), close: t('closed_ok'), notes: t('note_ok'), phone: t('outcome_ok') }[action] ?? '');
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
  announce(t('call_ready', { room: invitation.call.room }));
  document.querySelector(`[data-key="${r.id}-invite"]`)?.focus();
}

const callDetail = (r, invitation) => ({ requestId: r.id, call: invitation.call, name: r.name, reference: r.reference,
  lang: r.lang, officer: state.officer });

/** POSTs bytes of a type (not JSON) to the service with the session's CSRF token; the response. */
async function postBytes(path, bytes, type) {
  const res = await officerFetch('POST', path, { body: bytes, headers: { 'Content-Type': type } });
  if (!res) throw new Error('network');
  return res;
}

/**
 * The evidence store for a request's recordings (src/contact/API.md): each
 * answer { ok, status, json } (json: the body, or the error's details).
 */
function evidenceStore(requestId) {
  const base = 'officer/recordings';
  const json = { 'Content-Type': 'application/json' };
  const send = async (method, path, body, headers = {}) => {
    const res = await officerFetch(method, path, { body, headers });
    if (!res) return { ok: false, status: 0, json: null };
    const answer = await res.json().catch(() => null);
    return { ok: res.ok, status: res.status, json: res.ok ? answer : answer?.error ?? null };
  };
  return {
    create: () => send('POST', `officer/requests/${encodeURIComponent(requestId)}/recording`, '{}', json),
    status: (id) => send('GET', `${base}/${id}`),
    append: (id, offset, bytes) => send('POST', `${base}/${id}/file`, bytes,
      { 'Content-Type': 'application/octet-stream', 'Upload-Offset': String(offset) }),
    manifest: (id, text, last) => send('POST', `${base}/${id}/manifest${last ? '?last=1' : ''}`, text, json),
    url: (id, what) => `/api/v1/${base}/${id}/${what}`,
  };
}

/** Keeps a signed statement with its request (the contact service checks the signature first). */
async function keepStatement(requestId, pdf) {
  const res = await postBytes(`officer/requests/${encodeURIComponent(requestId)}/statement`, pdf, 'application/pdf');
  return res.status === 201;
}

/** The police time-stamping service (RFC 3161) for a signature the engine made: DER in, DER out. */
async function stamp(request) {
  const res = await postBytes('officer/timestamp', request, 'application/timestamp-query');
  if (!res.ok) throw new Error(`timestamp ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}

/** A read-only link with its label and a copy button. */
function linkField(id, label, url, key) {
  const input = h('input', { id, class: 'utrecht-textbox', readonly: true, value: url, 'data-key': key });
  const copy = h('button', { type: 'button', class: 'utrecht-button utrecht-button--secondary-action',
    'data-key': `${key}-copy`, onclick: async () => {
      try { await navigator.clipboard.writeText(url); announce(t('copied')); } catch { input.select(); }
    } }, t('copy'));
  return [h('label', { class: 'utrecht-form-label', for: id }, label), input, copy];
}

function showInvitation(r, call) {
  const panel = $(`panel-${r.id}`);
  if (!panel || panel.querySelector('.invite')) return;
  const [label, input, copy] = linkField(`invite-${r.id}`, t('invite_link'), call.invitation_url, `${r.id}-invite`);
  const toCall = h('button', { type: 'button', class: 'utrecht-button utrecht-button--primary-action',
    'data-key': `${r.id}-to-call`, onclick: () => openCallPanel(callDetail(r, call), { focus: true }) }, t('to_call'));
  const others = h('div', { class: 'invite-others' });
  const addLink = (kind, link, n) => others.append(h('div', { class: 'invite-other', [`data-${kind}`]: String(n) },
    ...linkField(`${kind}-${r.id}-${n}`, t(`${kind}_link`, { n }), link, `${r.id}-${kind}-${n}`)));
  for (const kind of ['interpreter', 'colleague']) (call[kind] ?? []).forEach((link, i) => addLink(kind, link, i + 1));
  const inviteBtn = (kind) => h('button', { type: 'button', class: 'utrecht-button utrecht-button--secondary-action',
    'data-key': `${r.id}-invite-${kind}`, onclick: () => inviteOther(r, call, kind, addLink) }, t(`invite_${kind}`));
  panel.append(h('div', { class: 'invite utrecht-alert utrecht-alert--ok' },
    h('p', { class: 'utrecht-paragraph' }, t('invite_ready', { at: fmtTime(call.expires_at) })),
    label, input,
    h('div', { class: 'actions' }, copy, toCall),
    h('p', { class: 'utrecht-paragraph', 'data-room': call.call.room }, t('call_ready', { room: call.call.room })),
    others,
    h('div', { class: 'actions' }, inviteBtn('interpreter'), inviteBtn('colleague'))));
}

/**
 * A link of their own for an interpreter (who joins through the widget) or
 * a colleague (who logs in to this console and joins with their own police
 * certificate), into the same call: the service admits them to the room
 * once; the call's end-to-end secret goes into the fragment here, as for
 * the citizen, and everyone is shown on every screen by the role their
 * handshake proves.
 */
async function inviteOther(r, call, kind, addLink) {
  showError(null);
  const res = await api('POST', `officer/requests/${r.id}/${kind}`);
  if (!res.ok) { showError(res.error); return; }
  call[kind] = [...(call[kind] ?? []), `${res.json.invitation_url}&key=${call.call.invitation_key}`];
  const n = call[kind].length;
  addLink(kind, call[kind][n - 1], n);
  announce(t(`${kind}_ready`, { n }));
  document.querySelector(`[data-key="${r.id}-${kind}-${n}"]`)?.focus();
}

/** "#join=<token>&key=<the call's secret>": a colleague's invitation, for after the login. */
function joinFrom(hash) {
  const m = /^#join=([A-Za-z0-9_-]{43})&key=([A-Za-z0-9_-]{43})$/.exec(hash || '');
  return m ? { token: m[1], key: m[2] } : null;
}

/** Redeems a colleague's invitation (once logged in) and opens its call in the call panel. */
async function joinAsColleague() {
  const join = state.join;
  if (!join || !state.csrf) return;
  state.join = null;
  const res = await api('POST', 'officer/invitations/redeem', { token: join.token });
  if (!res.ok) { showError(res.error); return; }
  const c = res.json, host = clip(c.officer?.display_name, 100);
  openCallPanel({
    requestId: `join-${clip(c.participant_id, 40)}`, name: host, reference: null, role: 'colleague',
    expectedOfficer: typeof c.officer?.number === 'string' ? c.officer.number : '',
    call: { call_id: c.call_id, room: c.room, pin: c.pin, janus_url: c.janus_url, janus_token: c.janus_token,
      participant_id: c.participant_id, invitation_key: join.key },
  }, { focus: true });
  announce(t('joined', { name: host }));
}

function togglePanel(r, kind) {
  const panel = $(`panel-${r.id}`);
  if (panel.dataset.open === kind) { panel.replaceChildren(); delete panel.dataset.open; return; }
  panel.dataset.open = kind;
  const noteId = `note-${r.id}-${kind}`;
  const note = h('textarea', { id: noteId, class: 'utrecht-textarea', maxlength: '2000', rows: '3' });
  if (kind === 'note') {
    panel.replaceChildren(h('label', { class: 'utrecht-form-label', for: noteId }, t('note_label')), note,
      h('button', { type: 'button', class: 'utrecht-button utrecht-button--primary-action', onclick: async () => {
        if (await act(r, 'notes', { note: note.value })) note.value = '';
      } }, t('save_note')));
  } else {
    const selId = `outcome-${r.id}`;
    const sel = h('select', { id: selId, class: 'utrecht-select' },
      ...['reached', 'no_answer', 'wrong_number'].map((v) => h('option', { value: v }, t(`out.${v}`))));
    panel.replaceChildren(
      h('p', { class: 'utrecht-paragraph' }, h('a', { href: `tel:${r.phone}` }, t('call_number', { phone: r.phone }))),
      h('label', { class: 'utrecht-form-label', for: selId }, t('outcome')), sel,
      h('label', { class: 'utrecht-form-label', for: noteId }, t('note_label')), note,
      h('button', { type: 'button', class: 'utrecht-button utrecht-button--primary-action', onclick: () =>
        act(r, 'phone', note.value.trim() ? { outcome: sel.value, note: note.value } : { outcome: sel.value }) }, t('record')));
  }
  panel.querySelector('select, textarea')?.focus();
}

// While an account without a second factor enrols: its name and password,
// in memory only, for the login with the first code.
let enrolling = null;

/** The QR code the service made (rows of '0'/'1'), with its quiet zone, dark on light in every theme. */
function qrImage(rows) {
  const n = rows.length;
  let d = '';
  rows.forEach((row, y) => { for (let x = 0; x < n; x++) if (row[x] === '1') d += `M${x + 4} ${y + 4}h1v1h-1z`; });
  return h('svg:svg', { viewBox: `0 0 ${n + 8} ${n + 8}`, width: (n + 8) * 4, height: (n + 8) * 4, role: 'img',
    'aria-label': t('enrol_qr'), 'shape-rendering': 'crispEdges' },
  h('svg:rect', { width: n + 8, height: n + 8, fill: '#fff' }), h('svg:path', { d, fill: '#000' }));
}

function showEnrolment(enrol, username, password) {
  enrolling = { username, password };
  $('enrol-qr').replaceChildren(qrImage(enrol.qr));
  $('enrol-key').textContent = enrol.secret.replace(/(.{4})(?=.)/g, '$1 ');
  $('login-view').hidden = true;
  $('enrol-view').hidden = false;
  $('enrol-title').focus();
  announce(t('enrol_ready'));
}

function endEnrolment() {
  enrolling = null;
  $('enrol-view').hidden = true;
  $('enrol-qr').replaceChildren();
  $('enrol-key').textContent = '';
  $('enrol-code').value = '';
}

async function onEnrol(ev) {
  ev.preventDefault();
  showError(null);
  const code = $('enrol-code').value.replace(/\s/g, '');
  const res = await api('POST', 'officer/login', { ...enrolling, code });
  $('enrol-code').value = '';
  if (!res.ok || !res.json.csrf_token) { showError(res.error); $('enrol-code').focus(); return; }
  endEnrolment();
  await loggedIn(res);
}

async function onLogin(ev) {
  ev.preventDefault();
  showError(null);
  const username = $('username').value.trim(), password = $('password').value;
  const code = $('code').value.replace(/\s/g, '');
  const res = await api('POST', 'officer/login', { username, password, ...(code && { code }) });
  $('password').value = '';
  $('code').value = '';
  $('show-password').checked = false;
  $('password').type = 'password';
  if (!res.ok) { showError(res.error); $('username').focus(); return; }
  if (res.json.enrol) { showEnrolment(res.json.enrol, username, password); return; }
  await loggedIn(res);
}

async function loggedIn(res) {
  state.csrf = res.json.csrf_token;
  state.officer = res.json.officer;
  // sessionStorage: survives a reload of this tab, gone when it closes.
  sessionStorage.setItem('bb_console_csrf', state.csrf);
  sessionStorage.setItem('bb_console_officer', JSON.stringify(state.officer));
  state.idleS = Number(res.json.idle_timeout_s) || 1200;
  sessionStorage.setItem('bb_console_idle', String(state.idleS));
  await showQueue();
}

// A call is work: while the officer is in one (and makes no other request),
// the console tells the service, so the session's idle timeout does not end
// it mid-call. Outside calls, only the officer's own actions count.
let lastPing = 0;
setInterval(() => {
  if (!state.csrf || !inCall() || Date.now() - lastPing < (state.idleS * 1000) / 3) return;
  lastPing = Date.now();
  api('GET', 'officer/session');
}, 1000);

/** The service centre's one view: entering requests for callers of 0900-8844. */
function showIntake() {
  $('login-view').hidden = true;
  $('intake-view').hidden = false;
  $('logout').hidden = false;
  $('intake-who').textContent = t('intake_who', { name: state.officer.name, team: state.officer.team });
  renderIntake();
  $('intake-title').focus();
}

/** A team lead's one view: the pilot's figures of their neighbourhoods. */
async function showPilot() {
  $('login-view').hidden = true;
  $('pilot-view').hidden = false;
  $('logout').hidden = false;
  $('pilot-who').textContent = loggedInAs(state.officer);
  await loadPilot();
  $('pilot-title').focus();
}

async function showQueue() {
  if (state.officer?.role === 'service_centre') return showIntake();
  if (state.officer?.role === 'team_lead') return showPilot();
  $('login-view').hidden = true;
  $('queue-view').hidden = false;
  $('logout').hidden = false;
  $('officer').textContent = loggedInAs(state.officer);
  await loadQueue();
  $('queue-title').setAttribute('tabindex', '-1');
  document.querySelector('.join-note')?.remove();
  if (state.join) await joinAsColleague();
  else $('queue-title').focus();
}

$('login-form').addEventListener('submit', onLogin);
$('enrol-form').addEventListener('submit', onEnrol);
$('enrol-cancel').addEventListener('click', () => { endEnrolment(); $('login-view').hidden = false; $('username').focus(); });
$('show-password').addEventListener('change', (ev) => { $('password').type = ev.target.checked ? 'text' : 'password'; });
$('refresh').addEventListener('click', () => loadQueue());
$('logout').addEventListener('click', async () => {
  // The page leaves the call and goes quiet first, then tells the service:
  // no keep-alive of the call can reach the service after the session ends.
  const csrf = state.csrf;
  setLoggedOut();
  await api('POST', 'officer/logout', undefined, csrf);
  announce(t('logged_out'));
  $('username').focus();
});
$('lang').addEventListener('click', () => {
  state.lang = state.lang === 'nl' ? 'en' : 'nl';
  sessionStorage.setItem('bb_console_lang', state.lang);
  applyLanguage();
});
// The colour tokens and their high-contrast twins, the same as the widget's
// (ui/theme.js, contrast-tested), for the console and the shared call view.
document.adoptedStyleSheets = [...document.adoptedStyleSheets, themeSheet()];
// A colleague's invitation: read once, then gone from the address (a reload
// or a shared screenshot does not carry the call's secret on).
state.join = joinFrom(location.hash);
if (location.hash) history.replaceState(null, '', location.pathname + location.search);
initIntake({ api, t, lang: () => state.lang, announce, showError });
initPilot({ api, t, announce, showError });
$('pilot-refresh').addEventListener('click', () => loadPilot());
// Where a call is now, when its Janus server went away (calls/where).
async function locateCall(janusToken) {
  const r = await api('POST', 'officer/calls/where', { janus_token: janusToken });
  const over = { call_ended: 'no_room', call_token_invalid: 'unauthorized' }[r.error?.code];
  if (over) return { ended: over };
  const c = r.ok ? r.json?.call : null;
  return c && typeof c.janus_url === 'string' && typeof c.janus_token === 'string'
    ? { janusUrl: c.janus_url, token: c.janus_token, room: c.room, pin: c.pin, moved: r.json.moved === true } : null;
}

initCallPanel({
  lang: state.lang, announce, stamp, keepStatement, evidenceStore, locateCall,
  mount: (node) => $('error').after(node),
  // Back to where the officer came from: the request's video button.
  onClose: (id) => (document.querySelector(`[data-key="${id}-to-call"]`) ?? $('queue-title'))?.focus(),
});
applyLanguage();
if (state.csrf && state.officer) showQueue();
else if (state.join) {
  $('login-title').after(h('p', { class: 'utrecht-alert utrecht-alert--info join-note', 'data-i18n': 'joining' }, t('joining')));
}
