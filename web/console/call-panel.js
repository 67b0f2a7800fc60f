// The officer's side of the video call, in the console. Opened by the
// console's `beeldbel:officer-call` event (detail { requestId, call, name,
// reference }) or from a request's invitation panel. The officer chooses
// their police certificate and key once per page session (kept in this
// page's memory only, never uploaded), joins the room with the real call
// session (web/engine/call.js: Janus, the WASM media engine and E2EE in the
// engine Worker), and sees the citizen's video, the six-digit code to read
// aloud, the call state, and real-time text both ways. Everything that
// comes from the network or the citizen is shown with textContent only.
import { createCallSession } from '/engine/call.js';
import { el } from './dom.js';

const MAX_FILE = 16 * 1024;       // a PEM certificate or key is a few hundred bytes
const MAX_TEXT = 2000;            // as in the call session
const MAX_LINE = 500;             // one RTT line as typed here

const TEXT = {
  nl: {
    title: (n) => `Videogesprek met ${n}`, citizen: 'Burger',
    ref: (r, room) => `Kenmerk ${r} — kamer ${room}`,
    files: 'Uw politiecertificaat (.pem) en sleutel (.key)',
    files_hint: 'Kies beide bestanden, samen of na elkaar. Ze blijven alleen in dit venster en worden nooit verstuurd. (In gebruik staat de sleutel op uw smartcard.)',
    files_none: 'Nog geen certificaat of sleutel gekozen.',
    files_have: (c, k) => `Certificaat: ${c ?? 'ontbreekt nog'}. Sleutel: ${k ?? 'ontbreekt nog'}.`,
    files_ok: 'Certificaat en sleutel staan klaar.',
    join: 'Deelnemen aan het gesprek', rejoin: 'Opnieuw deelnemen', close_panel: 'Gesprekspaneel sluiten',
    st: { idle: 'Nog niet in het gesprek.', media: 'Camera en microfoon openen…', connecting: 'Verbinden…',
      waiting: 'Wachten op de burger…', connected: (n) => `Verbonden met ${n}.`,
      reconnecting: 'Verbinding herstellen…', ended: 'Het gesprek is beëindigd.' },
    no_media: 'Geen toegang tot camera of microfoon: u neemt deel zonder beeld en geluid. Tekst werkt wel. Sta camera en microfoon toe in de browser en neem opnieuw deel.',
    no_camera: 'Geen camera gevonden: u neemt deel met alleen geluid.',
    sas: 'Code om voor te lezen', sas_wait: 'De code verschijnt zodra de burger verbonden is.',
    sas_hint: 'Lees deze code voor. De burger ziet dezelfde code; is die anders, hang dan op.',
    people: (n) => `${n} mensen in dit gesprek, u meegerekend. Ziet u er minder? Hang dan op.`,
    stage: 'Videobeelden', you: 'U (eigen camera)', cam_is_off: 'Camera staat uit', no_video: 'Nog geen beeld',
    controls: 'Bediening van het gesprek', mic: 'Microfoon uit', cam: 'Camera uit', hangup: 'Ophangen',
    quality: (q) => `Verbinding: ${{ good: 'goed', fair: 'matig', poor: 'slecht' }[q] ?? q}`,
    rtt: 'Tekstgesprek', rtt_in: 'Uw tekst (de burger ziet het terwijl u typt; Enter = regel klaar)',
    rtt_send: 'Regel versturen', rtt_me: 'U', typing: 'typt…', caption: 'ondertiteling',
    err: {
      no_files: 'Kies eerst uw politiecertificaat (.pem) en sleutel (.key).',
      too_big: (f) => `${f} is te groot voor een certificaat of sleutel (meer dan 16 KiB).`,
      unknown_file: (f) => `${f} is geen certificaat (.pem) of sleutel (.key) in PEM-vorm.`,
      read: (f) => `${f} kon niet worden gelezen.`,
      busy: 'U bent nog in een ander gesprek. Hang eerst op.',
      engine: 'De video-engine startte niet. Herlaad de pagina.',
      identity: 'Met dit certificaat en deze sleutel kunt u niet deelnemen. Kies ze opnieuw.',
      session: (m) => `Probleem in het gesprek: ${m}`,
      unauthorized: 'Uw toegang tot dit gesprek is verlopen of ongeldig. Bel opnieuw terug met beeld.',
      no_room: 'Dit gesprek bestaat niet meer. Bel opnieuw terug met beeld.',
    },
  },
  en: {
    title: (n) => `Video call with ${n}`, citizen: 'Citizen',
    ref: (r, room) => `Reference ${r} — room ${room}`,
    files: 'Your police certificate (.pem) and key (.key)',
    files_hint: 'Choose both files, together or one after the other. They stay in this window only and are never uploaded. (In service, the key sits on your smart card.)',
    files_none: 'No certificate or key chosen yet.',
    files_have: (c, k) => `Certificate: ${c ?? 'still missing'}. Key: ${k ?? 'still missing'}.`,
    files_ok: 'Certificate and key are ready.',
    join: 'Join the call', rejoin: 'Join again', close_panel: 'Close call panel',
    st: { idle: 'Not in the call yet.', media: 'Opening camera and microphone…', connecting: 'Connecting…',
      waiting: 'Waiting for the citizen…', connected: (n) => `Connected with ${n}.`,
      reconnecting: 'Reconnecting…', ended: 'The call has ended.' },
    no_media: 'No access to camera or microphone: you join without video and sound. Text still works. Allow camera and microphone in the browser and join again.',
    no_camera: 'No camera found: you join with sound only.',
    sas: 'Code to read aloud', sas_wait: 'The code appears once the citizen is connected.',
    sas_hint: 'Read this code aloud. The citizen sees the same code; if it differs, hang up.',
    people: (n) => `${n} people in this call, you included. Do you see fewer? Then hang up.`,
    stage: 'Video', you: 'You (own camera)', cam_is_off: 'Camera is off', no_video: 'No video yet',
    controls: 'Call controls', mic: 'Microphone off', cam: 'Camera off', hangup: 'Hang up',
    quality: (q) => `Connection: ${q}`,
    rtt: 'Text chat', rtt_in: 'Your text (the citizen sees it as you type; Enter = line done)',
    rtt_send: 'Send line', rtt_me: 'You', typing: 'typing…', caption: 'captions',
    err: {
      no_files: 'First choose your police certificate (.pem) and key (.key).',
      too_big: (f) => `${f} is too large for a certificate or key (over 16 KiB).`,
      unknown_file: (f) => `${f} is not a certificate (.pem) or key (.key) in PEM form.`,
      read: (f) => `${f} could not be read.`,
      busy: 'You are still in another call. Hang up first.',
      engine: 'The video engine did not start. Reload the page.',
      identity: 'You cannot join with this certificate and key. Choose them again.',
      session: (m) => `Problem in the call: ${m}`,
      unauthorized: 'Your access to this call has expired or is not valid. Call back by video again.',
      no_room: 'This call no longer exists. Call back by video again.',
    },
  },
};

// ---- module state -----------------------------------------------------------

const S = {
  lang: 'nl',
  announce: () => {},
  onClose: () => {},
  worker: null,
  engineFailed: false,
  identity: { cert: null, key: null, certName: null, keyName: null },  // memory only
  current: null,        // { requestId, call, name, reference }
  session: null,
  stream: null,
  mic: true,
  cam: true,
  e: null,              // the panel's elements
  figures: new Map(),   // tile id -> figure
};
const T = () => TEXT[S.lang];
const active = () => !!S.session && S.session.state !== 'ended';

const button = (cls, key, onclick, extra = {}) =>
  el('button', { type: 'button', class: `utrecht-button ${cls}`, 'data-cp': key, onclick, ...extra }, T()[key]);
const clip = (v, n) => (typeof v === 'string' ? v.slice(0, n) : '');

// ---- the engine Worker: one per console page ---------------------------------

function ensureWorker() {
  if (S.worker) return S.worker;
  S.worker = new Worker('/engine/worker.js', { type: 'module' });
  S.worker.addEventListener('message', (ev) => {
    if (ev.data?.type === 'error') { S.engineFailed = true; showError(T().err.engine); }
  });
  S.worker.addEventListener('error', () => { S.engineFailed = true; showError(T().err.engine); });
  S.worker.postMessage({ type: 'init' });   // loads the engine while the officer gets ready
  return S.worker;
}

// ---- the officer's certificate and key ---------------------------------------

/** What a chosen file is, from its content: 'cert', 'key' or null. */
export function pemKind(text) {
  if (/-----BEGIN CERTIFICATE-----/.test(text)) return 'cert';
  if (/-----BEGIN (EC |ENCRYPTED )?PRIVATE KEY-----/.test(text)) return 'key';
  return null;
}

async function readIdentityFiles(files) {
  const errors = [];
  for (const f of files) {
    const name = clip(f.name, 100);
    if (f.size === 0 || f.size >= MAX_FILE) { errors.push(f.size ? T().err.too_big(name) : T().err.unknown_file(name)); continue; }
    let bytes;
    try { bytes = new Uint8Array(await f.arrayBuffer()); } catch { errors.push(T().err.read(name)); continue; }
    const kind = pemKind(new TextDecoder().decode(bytes));
    if (!kind) { errors.push(T().err.unknown_file(name)); continue; }
    S.identity[kind] = bytes;
    S.identity[`${kind}Name`] = name;
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
  else if (haveIdentity()) S.announce(T().files_ok);
}

function renderFiles() {
  const e = S.e;
  if (!e) return;
  const id = S.identity;
  e.filesStatus.textContent = !id.certName && !id.keyName ? T().files_none
    : haveIdentity() ? `${T().files_ok} ${T().files_have(id.certName, id.keyName)}` : T().files_have(id.certName, id.keyName);
  e.filesStatus.dataset.ready = String(haveIdentity());
}

// ---- building the panel --------------------------------------------------------

function buildPanel() {
  const e = {};
  e.heading = el('h2', { id: 'call-title', class: 'utrecht-heading-2', tabindex: '-1' });
  e.ref = el('p', { class: 'utrecht-paragraph call-ref' });
  e.state = el('p', { class: 'utrecht-paragraph call-state', role: 'status', 'aria-live': 'polite', 'aria-atomic': 'true', 'data-state': 'idle' });
  e.error = el('div', { class: 'utrecht-alert utrecht-alert--error call-error', role: 'alert', hidden: true });
  e.notice = el('div', { class: 'utrecht-alert utrecht-alert--warning call-notice', hidden: true });

  // identity + join
  e.filesInput = el('input', { id: 'call-files', type: 'file', multiple: true, accept: '.pem,.key,.crt',
    class: 'call-files', 'aria-describedby': 'call-files-hint call-files-status', onchange: onFiles });
  e.filesStatus = el('p', { id: 'call-files-status', class: 'utrecht-paragraph call-files-status' });
  e.join = button('utrecht-button--primary-action', 'join', () => join());
  e.closePanel = button('utrecht-button--secondary-action', 'close_panel', () => closePanel());
  e.setup = el('div', { class: 'call-setup' },
    el('div', { class: 'utrecht-form-field' },
      el('label', { class: 'utrecht-form-label', for: 'call-files', 'data-cp': 'files' }, T().files),
      el('p', { id: 'call-files-hint', class: 'utrecht-form-field-description', 'data-cp': 'files_hint' }, T().files_hint),
      e.filesInput, e.filesStatus),
    el('div', { class: 'actions' }, e.join, e.closePanel));

  // in the call
  e.sas = el('div', { class: 'call-sas' });
  e.quality = el('p', { class: 'utrecht-paragraph call-quality' });
  e.stage = el('div', { class: 'call-stage', role: 'region', 'aria-label': T().stage, 'data-cp-label': 'stage' });
  e.self = el('video', { class: 'call-self', muted: true, autoplay: true, playsinline: true });
  e.self.muted = true;
  e.selfOff = el('p', { class: 'call-self-off', hidden: true, 'data-cp': 'cam_is_off' }, T().cam_is_off);
  e.selfFig = el('figure', { class: 'call-tile call-tile--self' }, e.self, e.selfOff,
    el('figcaption', { 'data-cp': 'you' }, T().you));
  e.mic = button('utrecht-button--secondary-action call-ctl', 'mic', () => setMic(!S.mic), { 'aria-pressed': 'false' });
  e.cam = button('utrecht-button--secondary-action call-ctl', 'cam', () => setCam(!S.cam), { 'aria-pressed': 'false' });
  e.hangup = button('utrecht-button--primary-action utrecht-button--danger call-ctl call-hangup', 'hangup', () => hangUp());
  e.controls = el('div', { class: 'call-controls', role: 'group', 'aria-label': T().controls, 'data-cp-label': 'controls' },
    e.mic, e.cam, e.hangup);
  e.rtt = buildRtt(e);
  e.incall = el('div', { class: 'call-incall', hidden: true }, el('div', { class: 'call-bar' }, e.sas, e.quality),
    e.stage, e.controls, e.rtt);

  e.root = el('section', { id: 'call-view', class: 'call-panel', 'aria-labelledby': 'call-title' },
    e.heading, e.ref, e.state, e.error, e.notice, e.setup, e.incall);
  return e;
}

function buildRtt(e) {
  e.log = el('div', { id: 'call-rtt-log', class: 'call-rtt-log', role: 'log', 'aria-live': 'polite', 'aria-labelledby': 'call-rtt-title' });
  e.typing = el('p', { class: 'call-rtt-line call-rtt-line--theirs call-rtt-typing', hidden: true });
  e.input = el('textarea', { id: 'call-rtt-in', class: 'utrecht-textarea utrecht-textarea--html-textarea call-rtt-input',
    rows: '2', maxlength: String(MAX_LINE) });
  e.input.addEventListener('input', () => S.session?.sendText(e.input.value, false));
  e.input.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter' && !ev.shiftKey && !ev.isComposing) { ev.preventDefault(); sendLine(); }
  });
  return el('section', { class: 'call-rtt', 'aria-labelledby': 'call-rtt-title' },
    el('h3', { id: 'call-rtt-title', class: 'call-h3', 'data-cp': 'rtt' }, T().rtt),
    e.log, e.typing,
    el('label', { class: 'utrecht-form-label', for: 'call-rtt-in', 'data-cp': 'rtt_in' }, T().rtt_in),
    e.input,
    el('div', { class: 'actions' }, button('utrecht-button--secondary-action', 'rtt_send', () => sendLine())));
}

/** Static texts by key (data-cp / data-cp-label), then everything computed. */
function relabel() {
  const e = S.e;
  if (!e) return;
  for (const n of e.root.querySelectorAll('[data-cp]')) n.textContent = T()[n.dataset.cp];
  for (const n of e.root.querySelectorAll('[data-cp-label]')) n.setAttribute('aria-label', T()[n.dataset.cpLabel]);
  const c = S.current;
  e.heading.textContent = T().title(citizenName());
  e.ref.textContent = T().ref(c.reference ?? '—', c.call.room);
  renderState();
  if (active()) mediaNotice();
  renderFiles();
  renderIdentity();
  renderQuality();
  renderTiles();
}

function citizenName() { return clip(S.current?.name, 100) || T().citizen; }

// ---- state, identity, quality, tiles ------------------------------------------

function renderState() {
  const e = S.e;
  const st = e.state.dataset.state;
  const m = T().st[st];
  e.state.textContent = typeof m === 'function' ? m(citizenName()) : m;
}

function setState(st) {
  S.e.state.dataset.state = st;
  renderState();
}

function renderIdentity() {
  const e = S.e, id = S.session?.identity;
  const code = id && typeof id.sas === 'string' ? clip(id.sas, 16) : '';
  e.sas.replaceChildren(code
    ? el('p', { class: 'utrecht-paragraph' }, `${T().sas}: `, el('strong', { class: 'call-sas-code', 'data-sas': '' }, code))
    : el('p', { class: 'utrecht-paragraph' }, T().sas_wait),
  code ? el('p', { class: 'utrecht-paragraph call-small' }, T().sas_hint) : null,
  // Everyone the code covers: a participant nobody sees would show up in this number.
  code && Number.isInteger(id.people) && id.people > 0 && id.people < 100
    ? el('p', { class: 'utrecht-paragraph call-small call-people', 'data-people': String(id.people) }, T().people(id.people)) : null);
}

function renderQuality() {
  const q = S.session?.quality;
  S.e.quality.textContent = q && S.session.state === 'connected' ? T().quality(q) : '';
}

function tileFigure(tile) {
  let fig = S.figures.get(tile.id);
  if (!fig) {
    fig = el('figure', { class: 'call-tile', 'data-tile': tile.id, 'data-role': clip(tile.role, 20), 'data-video': 'waiting' },
      el('p', { class: 'call-novideo' }), el('figcaption'));
    S.figures.set(tile.id, fig);
  }
  const name = clip(tile.name, 100);
  if (tile.canvas instanceof HTMLCanvasElement && tile.canvas.parentNode !== fig) fig.prepend(tile.canvas);
  if (tile.canvas) { tile.canvas.setAttribute('role', 'img'); tile.canvas.setAttribute('aria-label', name); }
  fig.querySelector('figcaption').textContent = name;
  fig.querySelector('.call-novideo').textContent = T().no_video;
  return fig;
}

function renderTiles() {
  const e = S.e, tiles = Array.isArray(S.session?.tiles) ? S.session.tiles : [];
  const ids = new Set(tiles.map((t) => t.id));
  for (const id of [...S.figures.keys()]) if (!ids.has(id)) S.figures.delete(id);
  e.stage.replaceChildren(...tiles.map(tileFigure), e.selfFig);
}

function onFrame(ev) {
  const fig = S.figures.get(String(ev.detail?.feedId));
  if (fig && fig.dataset.video !== 'playing') fig.dataset.video = 'playing';
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
  // An engine error before the citizen's key arrived is the E2EE set-up:
  // almost always the certificate or key. Leave, and let them choose again.
  if (typeof d.code === 'number' && d.code < 0 && !s?.identity) {
    forgetIdentity();
    hangUp(true);
    setState('idle');
    S.e.join.dataset.cp = 'join';
    S.e.join.textContent = T().join;
    const why = S.lang === 'nl' && d.nl ? d.nl : d.reason;
    showError(`${T().err.identity}${why ? ` (${clip(why, 200)})` : ''}`);
    S.e.filesInput.focus();
    return;
  }
  const msg = S.lang === 'nl' && d.nl ? d.nl : d.reason;
  if (msg) showError(T().err.session(clip(msg, 200)));
}

// ---- joining, the controls, leaving -------------------------------------------------

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
  e.notice.textContent = !S.stream ? T().no_media : video ? '' : T().no_camera;
  e.notice.hidden = !e.notice.textContent;
}

async function join() {
  showError(null);
  if (active()) return;
  if (!haveIdentity()) { showError(T().err.no_files); S.e.filesInput.focus(); return; }
  if (S.engineFailed) { showError(T().err.engine); return; }
  const worker = ensureWorker();
  S.e.join.disabled = true;
  setState('media');
  const stream = await openMedia();
  if (!S.current || active()) { for (const t of stream?.getTracks() ?? []) t.stop(); return; }  // closed meanwhile
  S.stream = stream;
  mediaNotice();
  const c = S.current.call;
  S.mic = S.cam = true;
  const s = createCallSession({
    worker, janusUrl: c.janus_url, room: c.room, pin: c.pin, token: c.janus_token, role: 'officer',
    invite: c.invitation_key, cert: S.identity.cert, key: S.identity.key, localStream: S.stream,
    names: { citizen: citizenName() },
    // ?codec=wasm in the console's address: libvpx in WASM instead of the browser's VP8.
    codec: new URLSearchParams(location.search).get('codec') === 'wasm' ? 'wasm' : 'auto',
  });
  S.session = s;
  wireSession(s);
  showInCall(true);
  setState(s.state);
  S.e.join.disabled = false;
  S.e.mic.focus();
}

function wireSession(s) {
  s.addEventListener('state', (ev) => {
    if (s !== S.session) return;
    setState(s.state);
    renderQuality();
    if (s.state === 'ended') callEnded(ev.detail?.reason);
  });
  s.addEventListener('tiles', () => { if (s === S.session) renderTiles(); });
  s.addEventListener('identity', () => { if (s === S.session) renderIdentity(); });
  s.addEventListener('quality', () => { if (s === S.session) renderQuality(); });
  s.addEventListener('frame', onFrame);
  s.addEventListener('rtt', (ev) => { if (s === S.session) received(ev.detail, false); });
  s.addEventListener('caption', (ev) => { if (s === S.session) received(ev.detail, true); });
  // After the end (or a refused start) the Worker may still report; that is no news.
  s.addEventListener('error', (ev) => { if (s === S.session && s.state !== 'ended') onSessionError(ev); });
}

function showInCall(on) {
  const e = S.e;
  e.incall.hidden = !on;
  e.setup.hidden = on;
  e.self.srcObject = on ? S.stream : null;
  e.mic.disabled = !S.stream?.getAudioTracks().length;
  e.cam.disabled = !S.stream?.getVideoTracks().length;
  setPressed(e.mic, false);
  setPressed(e.cam, false);
  e.self.classList.toggle('call-self--off', e.cam.disabled);
  e.selfOff.hidden = !e.cam.disabled;
  renderIdentity();
  renderTiles();
}

function setPressed(btn, on) { btn.setAttribute('aria-pressed', String(on)); }

function setMic(on) {
  S.mic = on;
  S.session?.setMicrophone(on);
  setPressed(S.e.mic, !on);
}

function setCam(on) {
  S.cam = on;
  S.session?.setCamera(on);
  setPressed(S.e.cam, !on);
  S.e.self.classList.toggle('call-self--off', !on);
  S.e.selfOff.hidden = on;
}

function hangUp(quiet) {
  if (S.session && S.session.state !== 'ended') S.session.hangUp();
  else callEnded();
  if (!quiet) S.e?.join.focus();
}

function callEnded(reason) {
  const e = S.e;
  if (reason === 'unauthorized' || reason === 'no_room') showError(T().err[reason]);
  for (const t of S.stream?.getTracks() ?? []) t.stop();
  S.stream = null;
  e.typing.hidden = true;
  e.join.textContent = T().rejoin;
  e.join.dataset.cp = 'rejoin';
  showInCall(false);
  setState('ended');
  // Focus was on a control that is gone now: keep it in the panel.
  if (document.activeElement === document.body || e.incall.contains(document.activeElement)) e.join.focus();
}

// ---- real-time text --------------------------------------------------------------

function logLine(mine, who, text, caption) {
  const whoNode = el('span', { class: 'call-rtt-who', 'data-cp': mine ? 'rtt_me' : undefined }, mine ? T().rtt_me : who);
  const line = el('p', { class: `call-rtt-line call-rtt-line--${mine ? 'mine' : 'theirs'}${caption ? ' call-rtt-line--caption' : ''}` });
  line.append(whoNode, ': ', text);
  S.e.log.append(line);
  S.e.log.scrollTop = S.e.log.scrollHeight;
}

function sendLine() {
  const e = S.e, s = S.session;
  if (!s || s.state === 'ended') return;
  const text = e.input.value;
  s.sendText(text, true);
  if (text.trim()) logLine(true, '', text.trim().slice(0, MAX_LINE));
  e.input.value = '';
}

function received(d = {}, caption) {
  const e = S.e;
  const text = clip(d.text, MAX_TEXT);
  const who = clip(d.name, 100) || citizenName();
  const label = caption ? `${who} (${T().caption})` : who;
  if (d.final) {
    e.typing.hidden = true;
    e.typing.textContent = '';
    if (text.trim()) logLine(false, label, text, caption);
    return;
  }
  e.typing.hidden = !text;
  e.typing.replaceChildren(el('span', { class: 'call-rtt-who' }, `${label} (${T().typing}): `), text);
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
  if (active() && S.current?.requestId !== detail.requestId) { showError(T().err.busy); S.e.hangup.focus(); return; }
  if (!active()) {
    S.current = { requestId: detail.requestId, call: detail.call, name: detail.name, reference: detail.reference };
    S.e.log.replaceChildren();
    S.e.input.value = '';
    S.e.join.dataset.cp = 'join';
    showError(null);
    S.e.notice.hidden = true;
    S.session = null;
    S.figures.clear();
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

export function setCallPanelLanguage(lang) {
  S.lang = lang === 'en' ? 'en' : 'nl';
  if (S.e && S.current) relabel();
}

/**
 * mount(node): puts the panel into the page; announce(msg): the console's
 * live region; onClose(requestId): where focus goes when the panel closes.
 */
export function initCallPanel({ lang, mount, announce, onClose }) {
  S.lang = lang === 'en' ? 'en' : 'nl';
  S.mount = mount;
  S.announce = announce ?? S.announce;
  S.onClose = onClose ?? S.onClose;
  window.addEventListener('beeldbel:officer-call', (ev) => openCallPanel(ev.detail));
}
