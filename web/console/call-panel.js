// The officer's side of the video call, in the console. Opened by the
// console's `beeldbel:officer-call` event (detail { requestId, call, name,
// reference }) or from a request's invitation panel. The officer chooses
// their police certificate and key once per page session (kept in this
// page's memory only, never uploaded), joins the room with the real call
// session (web/engine/call.js: Janus, the WASM media engine and E2EE in the
// engine Worker), and sees the citizen's video, the six-digit code to read
// aloud, the call state, and real-time text both ways: the in-call view is
// the one the citizen's widget shows (../ui/call-view.js). Everything that
// comes from the network or the citizen is shown with textContent only.
import { createCallSession } from '../engine/call.js';
import { h } from '../ui/dom.js';
import { callView, newViewState, roleNames } from '../ui/call-view.js';
import { statementPanel } from '../ui/statement-view.js';
import { filePanel } from '../ui/file-share.js';
import { recordingPanel } from './recording-panel.js';
import { once, startPdfRenderer } from '../ui/pdf-view.js';
import { clip } from '../ui/call-session.js';
import { t as text } from './texts.js';

const MAX_FILE = 16 * 1024;       // a PEM certificate or key is a few hundred bytes
// pdf.js, by URL from the console's own origin, when a shared PDF is opened.
const loadPdf = once(() => startPdfRenderer(new URL('../engine/pdf.min.mjs', import.meta.url).href,
  new URL('../engine/pdf.worker.min.mjs', import.meta.url).href));

// ---- module state -----------------------------------------------------------

const S = {
  lang: 'nl',
  announce: () => {},
  onClose: () => {},
  stamp: null,          // the time-stamping service (console.js)
  keep: null,           // keeps a signed statement with its request (console.js)
  statement: null,      // the statement panel (../ui/statement-view.js), officers only
  recording: null,      // the recording panel (recording-panel.js), officers only
  evidence: null,       // the evidence store of a request's recordings (console.js)
  files: null,          // the file panel (../ui/file-share.js)
  worker: null,
  engineFailed: false,
  identity: { cert: null, key: null, certName: null, keyName: null },  // memory only
  current: null,        // { requestId, call, name, reference }
  session: null,
  stream: null,
  viewState: null,      // what the in-call view keeps across a language switch
  view: null,           // the in-call view (../ui/call-view.js)
  e: null,              // the panel's elements
};
const t = (key, vars) => text(S.lang, key, vars);
const active = () => !!S.session && S.session.state !== 'ended';

/** A button whose label is the text under `key` (relabelled on a language switch). */
const button = (cls, key, onclick) =>
  h('button', { type: 'button', class: `utrecht-button ${cls}`, 'data-cp': key, onclick }, t(key));

// ---- the engine Worker: one per console page ---------------------------------

function ensureWorker() {
  if (S.worker) return S.worker;
  S.worker = new Worker('/engine/worker.js', { type: 'module' });
  S.worker.addEventListener('message', (ev) => {
    if (ev.data?.type === 'error') { S.engineFailed = true; showError(t('panel.err.engine')); }
  });
  S.worker.addEventListener('error', () => { S.engineFailed = true; showError(t('panel.err.engine')); });
  S.worker.postMessage({ type: 'init' });   // loads the engine while the officer gets ready
  return S.worker;
}

// ---- the officer's certificate and key ---------------------------------------

/** What a chosen file is, from its content: 'cert', 'key' or null. */
export function pemKind(pem) {
  if (/-----BEGIN CERTIFICATE-----/.test(pem)) return 'cert';
  if (/-----BEGIN (EC |ENCRYPTED )?PRIVATE KEY-----/.test(pem)) return 'key';
  return null;
}

async function readIdentityFiles(files) {
  const errors = [];
  for (const f of files) {
    const file = clip(f.name, 100);
    if (f.size === 0 || f.size >= MAX_FILE) { errors.push(t(f.size ? 'panel.err.too_big' : 'panel.err.unknown_file', { file })); continue; }
    let bytes;
    try { bytes = new Uint8Array(await f.arrayBuffer()); } catch { errors.push(t('panel.err.read', { file })); continue; }
    const kind = pemKind(new TextDecoder().decode(bytes));
    if (!kind) { errors.push(t('panel.err.unknown_file', { file })); continue; }
    S.identity[kind] = bytes;
    S.identity[`${kind}Name`] = file;
  }
  return errors;
}

function haveIdentity() { return !!(S.identity.cert && S.identity.key); }

function forgetIdentity() {
  S.identity = { cert: null, key: null, certName: null, keyName: null };
  renderFiles();
}

async function onFiles(ev) {
  const input = ev.target;
  showError(null);
  const errors = await readIdentityFiles([...input.files]);
  input.value = '';     // the bytes are in memory; the input holds nothing
  renderFiles();
  if (errors.length) showError(errors.join(' '));
  else if (haveIdentity()) S.announce(t('panel.files_ok'));
}

function renderFiles() {
  const e = S.e;
  if (!e) return;
  const id = S.identity;
  const have = t('panel.files_have', { cert: id.certName ?? t('panel.missing'), key: id.keyName ?? t('panel.missing') });
  e.filesStatus.textContent = !id.certName && !id.keyName ? t('panel.files_none')
    : haveIdentity() ? `${t('panel.files_ok')} ${have}` : have;
  e.filesStatus.dataset.ready = String(haveIdentity());
}

// ---- building the panel --------------------------------------------------------

function buildPanel() {
  const e = {};
  e.heading = h('h2', { id: 'call-title', class: 'utrecht-heading-2', tabindex: '-1' });
  e.ref = h('p', { class: 'utrecht-paragraph call-ref' });
  e.state = h('p', { class: 'utrecht-paragraph call-state', role: 'status', 'aria-live': 'polite', 'aria-atomic': 'true', 'data-state': 'idle' });
  e.error = h('div', { class: 'utrecht-alert utrecht-alert--error call-error', role: 'alert', hidden: true });
  e.notice = h('div', { class: 'utrecht-alert utrecht-alert--warning call-notice', hidden: true });

  // identity + join
  e.filesInput = h('input', { id: 'call-files', type: 'file', multiple: true, accept: '.pem,.key,.crt',
    class: 'call-files', 'aria-describedby': 'call-files-hint call-files-status', onchange: onFiles });
  e.filesStatus = h('p', { id: 'call-files-status', class: 'utrecht-paragraph call-files-status' });
  e.join = button('utrecht-button--primary-action', 'panel.join', () => join());
  e.setup = h('div', { class: 'call-setup' },
    h('div', { class: 'utrecht-form-field' },
      h('label', { class: 'utrecht-form-label', for: 'call-files', 'data-cp': 'panel.files' }, t('panel.files')),
      h('p', { id: 'call-files-hint', class: 'utrecht-form-field-description', 'data-cp': 'panel.files_hint' }, t('panel.files_hint')),
      e.filesInput, e.filesStatus),
    h('div', { class: 'actions' }, e.join, button('utrecht-button--secondary-action', 'panel.close_panel', () => closePanel())));

  // in the call: the view shared with the widget, built on joining
  e.incall = h('div', { class: 'call-incall', hidden: true });
  e.root = h('section', { id: 'call-view', class: 'call-panel', 'aria-labelledby': 'call-title' },
    e.heading, e.ref, e.state, e.error, e.notice, e.setup, e.incall);
  return e;
}

/** Static texts by key (data-cp), then everything computed. */
function relabel() {
  const e = S.e;
  if (!e) return;
  for (const n of e.root.querySelectorAll('[data-cp]')) n.textContent = t(n.dataset.cp);
  const c = S.current;
  e.heading.textContent = c.role === 'colleague' ? t('panel.title_colleague', { name: clip(c.name, 100) })
    : t('panel.title', { name: citizenName() });
  e.ref.textContent = c.reference ? t('panel.ref', { reference: c.reference, room: c.call.room }) : t('panel.room', { room: c.call.room });
  renderState();
  if (active()) { mediaNotice(); buildView(); }
  S.recording?.relabel();
  renderFiles();
}

/** The citizen's name as the request gives it; a colleague is not told it. */
function citizenName() {
  return (S.current?.role !== 'colleague' && clip(S.current?.name, 100)) || t('panel.citizen');
}

/** (Re)builds the in-call view with the kept view state (joining, a language switch). */
function buildView() {
  const focusInside = S.e.incall.contains(document.activeElement);
  S.view?.destroy();
  S.view = callView({ t, session: S.session, state: S.viewState, localStream: S.stream, otherName: citizenName(), level: 3,
    onLocalStream: (stream) => { S.stream = stream; } });
  // The statement keeps what was typed while the call lasts (a language switch rebuilds the view).
  const c = S.current;
  if (S.statement && S.statement.session !== S.session) { S.statement.destroy(); S.statement = null; }
  if (!S.statement && c.role === 'officer' && c.reference && c.officer && S.stamp) {
    const requestId = c.requestId;
    S.statement = statementPanel({ t, session: S.session, role: 'officer', level: 3, announce: S.announce, onStamp: S.stamp,
      onKeep: S.keep ? (pdf) => S.keep(requestId, pdf) : null,
      statement: { reference: c.reference, lang: c.lang === 'en' ? 'en' : 'nl',
        officer: { name: clip(c.officer.name, 64), number: clip(c.officer.number, 32), team: clip(c.officer.team, 64) } } });
    S.statement.session = S.session;
  }
  if (S.recording && S.recording.session !== S.session) { S.recording.destroy(); S.recording = null; }
  if (!S.recording && c.role === 'officer' && c.officer && S.stamp) {
    S.recording = recordingPanel({ t, session: S.session, level: 3, announce: S.announce, onStamp: S.stamp, lang: () => S.lang,
      store: S.evidence && c.requestId !== undefined ? S.evidence(c.requestId) : null,
      title: c.reference ? `Verhoor ${c.reference}` : `Gesprek ${c.call.room}`,
      names: { self: `${clip(c.officer.name, 64)} (wijkagent)`, citizen: `${citizenName()} (burger)` } });
    S.recording.session = S.session;
  }
  if (S.files && S.files.session !== S.session) { S.files.destroy(); S.files = null; }
  if (!S.files) {
    S.files = filePanel({ t, session: S.session, level: 3, announce: S.announce, loadPdf });
    S.files.session = S.session;
  }
  S.e.incall.replaceChildren(S.view.node, ...(S.recording ? [S.recording.node] : []),
    ...(S.statement ? [S.statement.node] : []), S.files.node);
  if (focusInside) S.view.focus();
}

// ---- state -----------------------------------------------------------------------

function renderState() {
  const e = S.e;
  e.state.textContent = t(`panel.st.${e.state.dataset.state}`, { name: citizenName() });
}

function setState(st) {
  S.e.state.dataset.state = st;
  renderState();
}

// ---- errors ----------------------------------------------------------------------

function showError(msg) {
  const box = S.e?.error;
  if (!box) return;
  if (!msg) { box.hidden = true; box.textContent = ''; return; }
  if (box.textContent === msg && !box.hidden) return;
  box.textContent = msg;
  box.hidden = false;
}

function onSessionError(ev) {
  const d = ev.detail || {};
  const s = S.session;
  const why = clip(S.lang === 'nl' && d.nl ? d.nl : d.reason, 200);
  // An engine error before the citizen's key arrived is the E2EE set-up:
  // almost always the certificate or key. Leave, and let them choose again.
  if (typeof d.code === 'number' && d.code < 0 && !s?.identity) {
    forgetIdentity();
    hangUp(true);
    setState('idle');
    S.e.join.dataset.cp = 'panel.join';
    S.e.join.textContent = t('panel.join');
    showError(`${t('panel.err.identity')}${why ? ` (${why})` : ''}`);
    S.e.filesInput.focus();
    return;
  }
  if (why) showError(t('panel.err.session', { message: why }));
}

// ---- joining and leaving ---------------------------------------------------------

/** Camera and microphone; without a camera the microphone alone; null when refused. */
async function openMedia() {
  for (const want of [{ video: { width: 640, height: 360 }, audio: true }, { audio: true }]) {
    try {
      return await navigator.mediaDevices.getUserMedia(want);
    } catch (err) {
      if (err?.name === 'NotAllowedError' || err?.name === 'SecurityError') return null;
    }
  }
  return null;
}

function mediaNotice() {
  const e = S.e, video = !!S.stream?.getVideoTracks().length;
  e.notice.textContent = !S.stream ? t('panel.no_media') : video ? '' : t('panel.no_camera');
  e.notice.hidden = !e.notice.textContent;
}

async function join() {
  showError(null);
  if (active()) return;
  if (!haveIdentity()) { showError(t('panel.err.no_files')); S.e.filesInput.focus(); return; }
  if (S.engineFailed) { showError(t('panel.err.engine')); return; }
  const worker = ensureWorker();
  S.e.join.disabled = true;
  setState('media');
  const stream = await openMedia();
  if (!S.current || active()) { for (const tr of stream?.getTracks() ?? []) tr.stop(); return; }  // closed meanwhile
  S.stream = stream;
  mediaNotice();
  const c = S.current.call;
  const s = createCallSession({
    worker, janusUrl: c.janus_url, room: c.room, pin: c.pin, token: c.janus_token, role: S.current.role,
    locate: S.locate ?? undefined,
    // A colleague sees the officer who holds the call verified, by their officer number.
    expectedOfficer: S.current.role === 'colleague' ? S.current.expectedOfficer : '',
    invite: c.invitation_key, cert: S.identity.cert, key: S.identity.key, localStream: S.stream,
    names: { ...roleNames(t), citizen: citizenName() },
    // ?codec=wasm in the console's address: libvpx in WASM instead of the browser's VP8.
    codec: new URLSearchParams(location.search).get('codec') === 'wasm' ? 'wasm' : 'auto',
  });
  S.session = s;
  S.viewState = newViewState();
  s.addEventListener('state', (ev) => {
    if (s !== S.session) return;
    setState(s.state);
    if (s.state === 'ended') callEnded(ev.detail?.reason);
  });
  // After the end (or a refused start) the Worker may still report; that is no news.
  s.addEventListener('error', (ev) => { if (s === S.session && s.state !== 'ended') onSessionError(ev); });
  buildView();
  showInCall(true);
  setState(s.state);
  S.e.join.disabled = false;
  S.view.focus();
}

function showInCall(on) {
  S.e.incall.hidden = !on;
  S.e.setup.hidden = on;
}

function hangUp(quiet) {
  if (S.session && S.session.state !== 'ended') S.session.hangUp();
  else callEnded();
  if (!quiet) S.e?.join.focus();
}

function callEnded(reason) {
  const e = S.e;
  if (['unauthorized', 'no_room', 'police_trust', 'engine_failed', 'webrtc_failed'].includes(reason)) showError(t(`panel.err.${reason}`));
  for (const tr of S.stream?.getTracks() ?? []) tr.stop();
  S.stream = null;
  const focusInside = e.incall.contains(document.activeElement) || document.activeElement === document.body;
  S.view?.destroy();
  S.view = null;
  // A signed statement and a recording stay downloadable.
  const kept = [...(S.recording ? [S.recording.node] : []), ...(S.statement ? [S.statement.node] : [])];
  e.incall.replaceChildren(...kept);
  e.join.textContent = t('panel.rejoin');
  e.join.dataset.cp = 'panel.rejoin';
  showInCall(false);
  if (kept.length) e.incall.hidden = false;
  setState('ended');
  // Focus was on a control that is gone now: keep it in the panel.
  if (focusInside) e.join.focus();
}

// ---- opening and closing the panel ------------------------------------------------

/**
 * Shows the call panel for a prepared call. detail: { requestId, call,
 * name?, reference? }; focus: move focus to the panel (the console's own
 * "call back by video" keeps focus on the invitation link instead).
 */
export function openCallPanel(detail, { focus = false } = {}) {
  if (!detail?.call || typeof detail.call.room !== 'number') return;
  if (!S.e) { S.e = buildPanel(); S.mount(S.e.root); }
  if (active() && S.current?.requestId !== detail.requestId) {
    showError(t('panel.err.busy'));
    S.e.incall.querySelector('.bb-danger')?.focus();
    return;
  }
  if (!active()) {
    S.current = { requestId: detail.requestId, call: detail.call, name: detail.name, reference: detail.reference,
      lang: detail.lang, officer: detail.officer,
      role: detail.role === 'colleague' ? 'colleague' : 'officer', expectedOfficer: clip(detail.expectedOfficer, 32) };
    S.e.join.dataset.cp = 'panel.join';
    showError(null);
    S.e.notice.hidden = true;
    S.session = null;
    S.view?.destroy();
    S.view = null;
    S.statement?.destroy();
    S.statement = null;
    S.files?.destroy();
    S.files = null;
    S.e.incall.replaceChildren();
    showInCall(false);
    setState('idle');
  } else {
    S.current = { ...S.current, ...detail, call: S.current.call };
  }
  S.e.root.hidden = false;
  relabel();
  ensureWorker();
  if (focus) S.e.heading.focus();
}

/** Hides the panel (hanging up first). */
export function closePanel() {
  if (!S.e) return;
  const id = S.current?.requestId;
  if (active()) hangUp(true);
  S.e.root.hidden = true;
  S.current = null;
  S.onClose(id);
}

/** The request was closed or the officer logged out: leave that call. */
export function endCallFor(requestId) {
  if (!S.current || (requestId !== undefined && S.current.requestId !== requestId)) return;
  closePanel();
  if (requestId === undefined) forgetIdentity();   // logging out forgets the certificate and key
}

/** true while the officer is in a call (or joining one). */
export function inCall() { return active(); }

export function setCallPanelLanguage(lang) {
  S.lang = lang === 'en' ? 'en' : 'nl';
  if (S.e && S.current) relabel();
}

/**
 * mount(node): puts the panel into the page; announce(msg): the console's
 * live region; onClose(requestId): where focus goes when the panel closes.
 */
export function initCallPanel({ lang, mount, announce, onClose, stamp, keepStatement, evidenceStore, locateCall }) {
  S.lang = lang === 'en' ? 'en' : 'nl';
  S.locate = locateCall ?? null;
  S.stamp = stamp ?? null;
  S.keep = keepStatement ?? null;
  S.evidence = evidenceStore ?? null;
  S.mount = mount;
  S.announce = announce ?? S.announce;
  S.onClose = onClose ?? S.onClose;
  window.addEventListener('beeldbel:officer-call', (ev) => openCallPanel(ev.detail));
}
