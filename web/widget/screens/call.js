// Screen: the call. Video tiles (canvases from the session), captions over
// the video, a real-time text panel, the verified-officer badge with the
// short authentication code, network quality, a reconnecting banner, and
// the controls. Everything it knows about the call comes through the
// interface in call-session.js.
import { h, uid } from '../dom.js';
import { safeText, QUALITIES } from '../call-session.js';

function toggle(label, pressed, onclick, extra = '') {
  return h('button', { type: 'button', class: `utrecht-button utrecht-button--secondary-action bb-ctl ${extra}`, 'aria-pressed': String(pressed), onclick }, label);
}

export function callScreen(ctx, data) {
  const { t } = ctx;
  const s = ctx.store.session;
  const st = ctx.store.call ??= { mic: true, cam: true, sign: false, pinned: null, lines: [], startedAt: Date.now() };
  const officer = data.call.officer.displayName;

  // ---- identity, quality, reconnecting ----
  const banner = h('div', { class: 'utrecht-alert utrecht-alert--warning bb-banner', role: 'alert', hidden: true },
    h('div', { class: 'utrecht-alert__content' }, h('p', { class: 'utrecht-paragraph' }, t('call.reconnecting'))));
  const badge = h('div', { class: 'bb-identity' });
  const quality = h('p', { class: 'bb-quality' });
  function renderIdentity() {
    const id = s.identity;
    badge.replaceChildren();
    if (!id) return;
    badge.dataset.verified = String(!!id.verified);
    badge.append(id.verified
      ? h('p', { class: 'bb-badge bb-badge--ok' }, h('span', { class: 'bb-badge__mark', 'aria-hidden': 'true' }, '✓'), ' ',
        t('call.verified'), ': ', h('strong', {}, safeText(id.name)), id.team ? `, ${safeText(id.team)}` : '',
        id.neighbourhood ? `, ${safeText(id.neighbourhood)}` : '')
      : h('p', { class: 'bb-badge bb-badge--bad', role: 'alert' }, t('call.notVerified'),
        typeof id.reason === 'string' && /^[a-z_]{1,32}$/.test(id.reason) && typeof t(`call.why.${id.reason}`) === 'string' && t(`call.why.${id.reason}`) !== `call.why.${id.reason}`
          ? ` ${t(`call.why.${id.reason}`)}` : ''));
    if (id.sas) {
      badge.append(h('p', { class: 'bb-sas' }, `${t('call.sas')}: `, h('strong', { class: 'bb-sas__code', 'data-sas': '' }, safeText(id.sas))),
        h('p', { class: 'bb-small' }, t('call.sasHint')));
      // Everyone the code covers: a participant nobody sees would show up in this number.
      if (Number.isInteger(id.people) && id.people > 0 && id.people < 100) {
        badge.append(h('p', { class: 'bb-small bb-people', 'data-people': String(id.people) }, t('call.people', { n: id.people })));
      }
    }
  }
  function renderQuality() {
    const q = QUALITIES.includes(s.quality) ? s.quality : 'good';
    quality.dataset.level = q;
    quality.replaceChildren(h('span', { class: 'bb-bars', 'aria-hidden': 'true' }, h('i'), h('i'), h('i')), ' ', t('call.quality', { q: t(`call.${q}`) }));
  }

  // ---- video stage: remote tiles + self view + captions ----
  const stage = h('div', { class: 'bb-stage', role: 'region', 'aria-label': t('call.region') });
  const captions = h('p', { class: 'bb-captions', hidden: true });
  const self = h('video', { class: 'bb-self', muted: true, autoplay: true, playsinline: true, 'aria-label': t('call.you') });
  self.muted = true;
  if (ctx.store.localStream) self.srcObject = ctx.store.localStream;
  function renderTiles() {
    const tiles = Array.isArray(s.tiles) ? s.tiles : [];
    stage.replaceChildren();
    stage.dataset.sign = String(st.sign);
    for (const tile of tiles) {
      const name = safeText(tile.name);
      const pinned = st.pinned === tile.id;
      const fig = h('figure', { class: `bb-tile${pinned ? ' bb-tile--pinned' : ''}`, 'data-tile': tile.id, 'data-role': tile.role },
        tile.canvas instanceof HTMLCanvasElement ? tile.canvas : null,
        h('figcaption', {}, name,
          st.sign && h('button', { type: 'button', class: 'utrecht-button utrecht-button--subtle bb-pin', 'aria-pressed': String(pinned),
            onclick: () => pin(pinned ? null : tile.id) }, t('call.pin', { name }))));
      if (tile.canvas) { tile.canvas.setAttribute('role', 'img'); tile.canvas.setAttribute('aria-label', name); }
      stage.append(fig);
    }
    stage.append(h('figure', { class: 'bb-tile bb-tile--self' }, self, h('figcaption', {}, t('call.you'))), captions);
  }
  function pin(id) {
    st.pinned = id;
    s.pinTile(id);
    renderTiles();
  }

  // ---- real-time text ----
  const logId = uid('bb-rtt');
  const log = h('div', { class: 'bb-rtt-log', role: 'log', 'aria-live': 'polite', 'aria-labelledby': `${logId}-h` });
  // The other side's unfinished line is visible as it is typed, but kept out
  // of the live region: a screen reader would otherwise read every keystroke.
  // The finished line is added to the log and announced once.
  const typing = h('p', { class: 'bb-rtt-line bb-rtt-line--theirs bb-rtt-typing', hidden: true });
  const lineNode = (mine, name, text) => h('p', { class: `bb-rtt-line bb-rtt-line--${mine ? 'mine' : 'theirs'}` },
    h('span', { class: 'bb-rtt-who' }, `${mine ? t('call.rttMine') : name}: `), text);
  for (const l of st.lines) log.append(lineNode(l.mine, l.name, l.text));
  const input = h('textarea', { id: `${logId}-in`, class: 'utrecht-textarea utrecht-textarea--html-textarea bb-rtt-input', rows: 2, maxlength: 500 });
  const sendLine = () => {
    const text = input.value.trim();
    s.sendText(input.value, true);
    if (text) { st.lines.push({ mine: true, name: '', text }); log.append(lineNode(true, '', text)); }
    input.value = '';
    st.draft = '';
  };
  // The unfinished line survives a re-render (language or text-size switch).
  input.value = st.draft ?? '';
  input.addEventListener('input', () => { st.draft = input.value; s.sendText(input.value, false); });
  input.addEventListener('keydown', (e) => { if (e.key === 'Enter' && !e.shiftKey) { e.preventDefault(); sendLine(); } });

  // ---- controls ----
  const micBtn = toggle(t('call.mute'), !st.mic, () => { st.mic = !st.mic; s.setMicrophone(st.mic); micBtn.setAttribute('aria-pressed', String(!st.mic)); });
  const camBtn = toggle(t('call.cameraOff'), !st.cam, () => {
    st.cam = !st.cam; s.setCamera(st.cam); camBtn.setAttribute('aria-pressed', String(!st.cam));
    self.classList.toggle('bb-self--off', !st.cam);
  });
  const switchBtn = h('button', { type: 'button', class: 'utrecht-button utrecht-button--secondary-action bb-ctl',
    onclick: async () => { const next = await s.switchCamera(); if (next) self.srcObject = next; } }, t('call.switchCamera'));
  const signBtn = toggle(t('call.signMode'), st.sign, () => {
    st.sign = !st.sign; signBtn.setAttribute('aria-pressed', String(st.sign));
    if (st.sign) {
      const tiles = s.tiles || [];
      const target = tiles.find((x) => x.role === 'interpreter') || tiles.find((x) => x.role === 'officer');
      pin(target ? target.id : null);
    } else pin(null);
  });
  const dialogId = uid('bb-dlg');
  const dialog = h('dialog', { class: 'bb-dialog', 'aria-labelledby': `${dialogId}-h` },
    h('h3', { class: 'utrecht-heading-3', id: `${dialogId}-h` }, t('call.confirmHangUp')),
    h('div', { class: 'bb-actions' },
      h('button', { type: 'button', class: 'utrecht-button utrecht-button--primary-action bb-danger', onclick: () => { dialog.close(); s.hangUp(); } }, t('call.confirmYes')),
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
  const hangBtn = h('button', { type: 'button', class: 'utrecht-button utrecht-button--primary-action bb-ctl bb-danger', onclick: () => dialog.showModal() }, t('call.hangUp'));

  // ---- session events ----
  let wasReconnecting = false;
  const on = {
    state: () => {
      banner.hidden = s.state !== 'reconnecting';
      if (s.state === 'reconnecting') { wasReconnecting = true; }
      else if (s.state === 'connected' && wasReconnecting) { wasReconnecting = false; ctx.announce(t('call.reconnected')); }
      else if (s.state === 'ended') {
        if (dialog.open) dialog.close();
        ctx.go('ended', { ...data, left: false, durationS: (Date.now() - st.startedAt) / 1000 });
      }
    },
    tiles: renderTiles, identity: renderIdentity, quality: renderQuality,
    rtt: (e) => {
      const d = e.detail || {}, text = safeText(d.text), name = safeText(d.name) || officer;
      if (d.final) {
        typing.hidden = true;
        if (text.trim()) { st.lines.push({ mine: false, name, text }); log.append(lineNode(false, name, text)); }
      } else {
        typing.hidden = !text;
        typing.replaceChildren(h('span', { class: 'bb-rtt-who' }, `${name} (${t('call.rttTyping')}): `), text);
      }
    },
    caption: (e) => {
      const d = e.detail || {};
      captions.textContent = safeText(d.text);
      captions.hidden = !captions.textContent;
    },
  };
  for (const [k, fn] of Object.entries(on)) s.addEventListener(k, fn);
  renderIdentity(); renderQuality(); renderTiles();
  banner.hidden = s.state !== 'reconnecting';
  if (!ctx.store.callAnnounced) {
    ctx.store.callAnnounced = true;
    ctx.announce(t('call.connected', { officer }));
    ctx.emit('call-started', { callId: data.call.callId });
  }

  return {
    heading: t('call.heading', { officer }),
    destroy() { for (const [k, fn] of Object.entries(on)) s.removeEventListener(k, fn); },
    node: h('div', { class: 'bb-call' },
      banner,
      h('div', { class: 'bb-callbar' }, badge, quality),
      stage,
      h('div', { class: 'bb-controls', role: 'group', 'aria-label': t('call.controls') }, micBtn, camBtn, switchBtn, signBtn, hangBtn),
      h('section', { class: 'bb-rtt', 'aria-labelledby': `${logId}-h` },
        h('h4', { class: 'bb-h4', id: `${logId}-h` }, t('call.rttLog', { officer })),
        log, typing,
        h('label', { class: 'utrecht-form-label', for: `${logId}-in` }, t('call.rttInput')),
        input,
        h('div', { class: 'bb-actions' }, h('button', { type: 'button', class: 'utrecht-button utrecht-button--secondary-action', onclick: sendLine }, t('call.rttSend')))),
      dialog),
  };
}
