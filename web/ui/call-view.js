// The call as a person sees it, the same on both sides: the citizen's widget
// and the officer's console build their in-call view from these components.
//
//   identity badge  who the officer is as their certificate proves it (or a
//                   clear warning), the code to compare aloud, and how many
//                   people the code covers
//   quality         the connection, in bars and words
//   recording       that the officer records the call, in words, announced
//                   (on every screen from before the first recorded frame
//                   until after the last)
//   stage           one tile per participant the key agreement authenticated
//                   (their video in a canvas, "no video yet" until the first
//                   frame), the self view, captions over the video, and in
//                   sign-language mode a button per tile to enlarge it
//   controls        microphone, camera, switch camera, sign-language mode,
//                   and hang up behind a confirmation dialog
//   text panel      real-time text both ways: the other side's line as it is
//                   typed, finished lines (and finished captions) in a log
//
// Everything about the call comes from a call session (the interface in
// call-session.js); everything from the network is shown as text, never as
// markup, and cut to MAX_TEXT. The host keeps a view state
// (newViewState()) across rebuilds, so switching the language or the text
// size keeps the log, the unfinished line, the pinned tile and the toggles.
//
//   const view = callView({ t, session, state, localStream, otherName });
//   host.append(view.node); ... view.destroy();
//
// t(key, vars) looks up the host's texts under 'call.*' (ui/i18n.js).
import { h, uid } from './dom.js';
import { safeText, clip, QUALITIES } from './call-session.js';

export const MAX_LINE = 500;           // longest line typed here
const REASON = /^[a-z_]{1,32}$/;

export const ROLES = ['officer', 'citizen', 'interpreter', 'captioner', 'colleague'];

/** The tile labels for participants the call knows only by their proven role ('call.roles.*'). */
export function roleNames(t) {
  return Object.fromEntries(ROLES.map((r) => [r, t(`call.roles.${r}`)]));
}

/** What the host keeps of a call's view between rebuilds. */
export function newViewState() {
  return { mic: true, cam: true, sign: false, pinned: null, lines: [], draft: '' };
}

function toggle(label, pressed, onclick) {
  return h('button', { type: 'button', class: 'utrecht-button utrecht-button--secondary-action bb-ctl', 'aria-pressed': String(pressed), onclick }, label);
}

/** The badge: officer identity (for whoever sees an officer), the code, the number of people. */
function identityBadge(t, session) {
  const node = h('div', { class: 'bb-identity' });
  function render() {
    const id = session.identity;
    node.replaceChildren();
    if (!id) { node.append(h('p', { class: 'bb-small' }, t('call.sasWait'))); return; }
    node.dataset.verified = String(!!id.verified);
    const why = typeof id.reason === 'string' && REASON.test(id.reason) ? t(`call.why.${id.reason}`) : '';
    if (!id.verified) {
      node.append(h('p', { class: 'bb-badge bb-badge--bad', role: 'alert' }, t('call.notVerified'),
        why && why !== `call.why.${id.reason}` ? ` ${why}` : ''));
    } else if (safeText(id.name)) {
      node.append(h('p', { class: 'bb-badge bb-badge--ok' }, h('span', { class: 'bb-badge__mark', 'aria-hidden': 'true' }, '✓'), ' ',
        t('call.verified'), ': ', h('strong', {}, h('bdi', {}, clip(id.name, 100))),
        id.team ? [', ', h('bdi', {}, clip(id.team, 100))] : '',
        id.neighbourhood ? [', ', h('bdi', {}, clip(id.neighbourhood, 100))] : ''));
    }
    const code = clip(id.sas, 16);
    if (!code) return;
    node.append(h('p', { class: 'bb-sas' }, `${t('call.sas')}: `, h('strong', { class: 'bb-sas__code', 'data-sas': '' }, code)),
      h('p', { class: 'bb-small' }, t('call.sasHint')));
    // Everyone the code covers: a participant nobody sees would show up in this number.
    if (Number.isInteger(id.people) && id.people > 0 && id.people < 100) {
      node.append(h('p', { class: 'bb-small bb-people', 'data-people': String(id.people) }, t('call.people', { n: id.people })));
    }
  }
  render();
  return { node, render };
}

function qualityMeter(t, session) {
  const node = h('p', { class: 'bb-quality' });
  function render() {
    const q = QUALITIES.includes(session.quality) ? session.quality : 'good';
    node.dataset.level = q;
    node.replaceChildren(h('span', { class: 'bb-bars', 'aria-hidden': 'true' }, h('i'), h('i'), h('i')), ' ',
      t('call.quality', { q: t(`call.${q}`) }));
  }
  render();
  return { node, render };
}

/**
 * "This call is being recorded": in words and with a mark, in a live region
 * that is always there (so the change is read out), from session.recording.
 */
function recordingNotice(t, session) {
  const node = h('p', { class: 'bb-rec', role: 'status' });
  let was = false;
  function render() {
    const on = !!session.recording;
    node.dataset.recording = String(on);
    if (on === was && node.childNodes.length) return;
    node.replaceChildren(...(on ? [h('span', { class: 'bb-rec__mark', 'aria-hidden': 'true' }, '●'), ' ', t('call.recording')]
      : was ? [t('call.recordingStopped')] : []));
    was = on;
  }
  render();
  return { node, render };
}

/** Tiles of the authenticated participants, the self view and the captions. */
function stage(t, session, st, localStream) {
  const node = h('div', { class: 'bb-stage', role: 'region', 'aria-label': t('call.region') });
  const captions = h('p', { class: 'bb-captions', hidden: true });
  const self = h('video', { class: 'bb-self', muted: true, autoplay: true, playsinline: true, 'aria-label': t('call.you') });
  self.muted = true;
  self.srcObject = localStream ?? null;
  const selfOff = h('p', { class: 'bb-self-off', hidden: true }, t('call.camIsOff'));
  const selfTile = h('figure', { class: 'bb-tile bb-tile--self' }, self, selfOff, h('figcaption', {}, t('call.you')));
  const playing = new Set();
  function render() {
    const tiles = Array.isArray(session.tiles) ? session.tiles : [];
    node.dataset.sign = String(st.sign);
    node.replaceChildren(...tiles.map((tile) => {
      const id = String(tile.id), name = clip(tile.name, 100), pinned = st.pinned === tile.id;
      const canvas = tile.canvas instanceof HTMLCanvasElement ? tile.canvas : null;
      if (canvas) { canvas.setAttribute('role', 'img'); canvas.setAttribute('aria-label', name); }
      return h('figure', { class: `bb-tile${pinned ? ' bb-tile--pinned' : ''}`, 'data-tile': id,
        'data-role': clip(tile.role, 20), 'data-video': tile.playing === true || playing.has(id) ? 'playing' : 'waiting' },
      canvas, h('p', { class: 'bb-novideo' }, t('call.noVideo')),
      h('figcaption', {}, h('bdi', {}, name),
        st.sign && h('button', { type: 'button', class: 'utrecht-button utrecht-button--subtle bb-pin', 'aria-pressed': String(pinned),
          onclick: () => pin(pinned ? null : tile.id) }, t('call.pin', { name }))));
    }), selfTile, captions);
  }
  function pin(id) {
    st.pinned = id;
    session.pinTile(id);
    render();
  }
  function frame(feedId) {
    const id = String(feedId);
    if (playing.has(id)) return;
    playing.add(id);
    const fig = [...node.querySelectorAll('figure[data-tile]')].find((f) => f.dataset.tile === id);
    if (fig) fig.dataset.video = 'playing';
  }
  function caption(text) {
    captions.textContent = text;
    captions.hidden = !text;
  }
  function camera(on, stream) {
    if (stream !== undefined) self.srcObject = stream;
    self.classList.toggle('bb-self--off', !on);
    selfOff.hidden = on;
  }
  render();
  return { node, render, pin, frame, caption, camera };
}

/** Real-time text: the log, the other side's unfinished line, my line. */
function textPanel(t, session, st, { otherName, level }) {
  const id = uid('bb-rtt');
  const log = h('div', { class: 'bb-rtt-log', role: 'log', 'aria-live': 'polite', 'aria-labelledby': `${id}-h` });
  // The other side's unfinished line is visible as it is typed, but kept out
  // of the live region: a screen reader would otherwise read every keystroke.
  // The finished line is added to the log and announced once.
  const typing = h('p', { class: 'bb-rtt-line bb-rtt-line--theirs bb-rtt-typing', hidden: true });
  // Names and lines from others are isolated: one written right to left
  // cannot reorder what stands around it.
  const lineNode = (l) => h('p', { class: `bb-rtt-line bb-rtt-line--${l.mine ? 'mine' : 'theirs'}${l.caption ? ' bb-rtt-line--caption' : ''}` },
    h('span', { class: 'bb-rtt-who' }, l.mine ? t('call.rttMine') : h('bdi', {}, l.name), l.caption ? ` (${t('call.caption')})` : '', ': '),
    h('bdi', {}, l.text));
  const input = h('textarea', { id: `${id}-in`, class: 'utrecht-textarea utrecht-textarea--html-textarea bb-rtt-input', rows: 2, maxlength: MAX_LINE });
  // A phone's on-screen keyboard covers the lower part of the screen (the
  // visual viewport shrinks), and new lines push the input further down:
  // while the person types, keep the input in view, and with it the newest
  // line just above it.
  const keepInView = () => { if (input.getRootNode().activeElement === input) input.scrollIntoView({ block: 'nearest' }); };
  const viewport = globalThis.visualViewport ?? null;
  viewport?.addEventListener('resize', keepInView);
  const add = (l) => { st.lines.push(l); log.append(lineNode(l)); log.scrollTop = log.scrollHeight; keepInView(); };
  for (const l of st.lines) log.append(lineNode(l));
  const send = () => {
    if (session.state === 'ended') return;
    const text = input.value.trim().slice(0, MAX_LINE);
    session.sendText(input.value, true);
    if (text) add({ mine: true, name: '', text });
    input.value = '';
    st.draft = '';
  };
  // The unfinished line survives a rebuild (language or text-size switch).
  input.value = st.draft ?? '';
  input.addEventListener('input', () => { st.draft = input.value; session.sendText(input.value, false); });
  input.addEventListener('keydown', (e) => { if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) { e.preventDefault(); send(); } });
  function received(d = {}, caption) {
    const text = safeText(d.text), name = clip(d.name, 100) || otherName;
    if (d.final) {
      typing.hidden = true;
      typing.replaceChildren();
      if (text.trim()) add({ mine: false, name, text, caption });
      return;
    }
    typing.hidden = !text;
    typing.replaceChildren(h('span', { class: 'bb-rtt-who' }, h('bdi', {}, name), ` (${t('call.rttTyping')}): `), h('bdi', {}, text));
    keepInView();
  }
  const node = h('section', { class: 'bb-rtt', 'aria-labelledby': `${id}-h` },
    h(`h${level}`, { class: 'bb-rtt-heading', id: `${id}-h` }, t('call.rttLog', { name: otherName })),
    log, typing,
    h('label', { class: 'utrecht-form-label', for: `${id}-in` }, t('call.rttInput')),
    input,
    h('div', { class: 'bb-actions' }, h('button', { type: 'button', class: 'utrecht-button utrecht-button--secondary-action', onclick: send }, t('call.rttSend'))));
  return { node, received, stopTyping: () => { typing.hidden = true; }, destroy: () => viewport?.removeEventListener('resize', keepInView) };
}

/** Microphone, camera, switch camera, sign-language mode, hang up (confirmed). */
function controls(t, session, st, { hasAudio, hasVideo, theStage, onLocalStream }) {
  const mic = toggle(t('call.mute'), !st.mic, () => {
    st.mic = !st.mic; session.setMicrophone(st.mic); mic.setAttribute('aria-pressed', String(!st.mic));
  });
  const cam = toggle(t('call.cameraOff'), !st.cam, () => {
    st.cam = !st.cam; session.setCamera(st.cam); cam.setAttribute('aria-pressed', String(!st.cam));
    theStage.camera(st.cam && hasVideo);
  });
  const switchCam = h('button', { type: 'button', class: 'utrecht-button utrecht-button--secondary-action bb-ctl',
    onclick: async () => { const next = await session.switchCamera(); if (next) { theStage.camera(st.cam, next); onLocalStream?.(next); } } }, t('call.switchCamera'));
  mic.disabled = !hasAudio;
  cam.disabled = switchCam.disabled = !hasVideo;
  const sign = toggle(t('call.signMode'), st.sign, () => {
    st.sign = !st.sign; sign.setAttribute('aria-pressed', String(st.sign));
    if (st.sign) {
      const tiles = Array.isArray(session.tiles) ? session.tiles : [];
      const target = tiles.find((x) => x.role === 'interpreter') || tiles.find((x) => x.role === 'officer') || tiles[0];
      theStage.pin(target ? target.id : null);
    } else theStage.pin(null);
  });
  const dialogId = uid('bb-dlg');
  const dialog = h('dialog', { class: 'bb-dialog', 'aria-labelledby': `${dialogId}-h` },
    h('h3', { class: 'utrecht-heading-3', id: `${dialogId}-h` }, t('call.confirmHangUp')),
    h('div', { class: 'bb-actions' },
      h('button', { type: 'button', class: 'utrecht-button utrecht-button--primary-action bb-danger', onclick: () => { dialog.close(); session.hangUp(); } }, t('call.confirmYes')),
      h('button', { type: 'button', class: 'utrecht-button utrecht-button--secondary-action', autofocus: true, onclick: () => dialog.close() }, t('call.confirmNo'))));
  // showModal() makes the page inert, but Tab would still leave for the
  // browser's own UI; keep it cycling between the dialog's two buttons.
  dialog.addEventListener('keydown', (e) => {
    if (e.key !== 'Tab') return;
    const items = [...dialog.querySelectorAll('button')];
    const i = items.indexOf(dialog.getRootNode().activeElement);
    const next = e.shiftKey ? (i <= 0 ? items.length - 1 : i - 1) : (i + 1) % items.length;
    e.preventDefault();
    items[next].focus();
  });
  const hangUp = h('button', { type: 'button', class: 'utrecht-button utrecht-button--primary-action bb-ctl bb-danger', onclick: () => dialog.showModal() }, t('call.hangUp'));
  const node = h('div', { class: 'bb-controls', role: 'group', 'aria-label': t('call.controls') }, mic, cam, switchCam, sign, hangUp);
  return { node, dialog, first: () => (mic.disabled ? sign : mic), close: () => { if (dialog.open) dialog.close(); } };
}

/**
 * The whole in-call view. t(key, vars): the host's texts; session: the call;
 * state: newViewState(), kept by the host; localStream: the own camera and
 * microphone (null without); otherName: whom a line without a name is from;
 * level: the text panel's heading level; onLocalStream(stream): after a
 * camera switch.
 */
export function callView({ t, session, state, localStream = null, otherName = '', level = 3, onLocalStream }) {
  const st = state ?? newViewState();
  const hasAudio = !!localStream?.getAudioTracks?.().length;
  const hasVideo = !!localStream?.getVideoTracks?.().length;
  const badge = identityBadge(t, session);
  const quality = qualityMeter(t, session);
  const rec = recordingNotice(t, session);
  const theStage = stage(t, session, st, localStream);
  theStage.camera(st.cam && hasVideo);
  const text = textPanel(t, session, st, { otherName, level });
  const ctl = controls(t, session, st, { hasAudio, hasVideo, theStage, onLocalStream });
  const on = {
    tiles: () => theStage.render(),
    identity: () => badge.render(),
    quality: () => quality.render(),
    recording: () => rec.render(),
    frame: (e) => theStage.frame(e.detail?.feedId),
    rtt: (e) => text.received(e.detail, false),
    caption: (e) => { theStage.caption(safeText(e.detail?.text)); if (e.detail?.final) text.received(e.detail, true); },
    state: () => { if (session.state === 'ended') { ctl.close(); text.stopTyping(); } },
  };
  for (const [k, fn] of Object.entries(on)) session.addEventListener(k, fn);
  return {
    node: h('div', { class: 'bb-call' },
      h('div', { class: 'bb-callbar' }, badge.node, quality.node), rec.node,
      theStage.node, ctl.node, text.node, ctl.dialog),
    /** Where focus goes when the call starts. */
    focus: () => ctl.first().focus(),
    destroy() {
      ctl.close();
      text.destroy();
      for (const [k, fn] of Object.entries(on)) session.removeEventListener(k, fn);
    },
  };
}
