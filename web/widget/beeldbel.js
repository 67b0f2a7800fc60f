// <beeldbel-widget> — the element the politie.nl web team embeds:
//   <script type="module" src=".../beeldbel.js" integrity="..."></script>
//   <beeldbel-widget neighbourhood="groningen-noord" lang="nl"></beeldbel-widget>
// codec="wasm" keeps video on the engine's own libvpx even where the
// browser has VP8 itself (WebCodecs); the default uses the browser's.
// Shadow DOM, no globals, styles as a constructed stylesheet (styles.js).
// This file owns the element: attributes, display settings, the live
// region, navigation between screens (screens/*.js) and the events the host
// hears. The WASM engine starts in its Worker at once, so a call can start
// without waiting; the request form does not need it. Every file it loads
// is checked against the hashes inside this bundle (engine-files.js).
import { h } from '../ui/dom.js';
import { t } from './i18n.js';
import { normLang } from '../ui/i18n.js';
import { roleNames } from '../ui/call-view.js';
import { widgetSheet } from './styles.js';
import { inviteFrom, locateCall } from './api.js';
import { requestScreen } from './screens/request.js';
import { confirmScreen } from './screens/confirm.js';
import { statusScreen } from './screens/status.js';
import { redeemScreen, inviteFailedScreen, cannotCallScreen } from './screens/invite.js';
import { deviceScreen } from './screens/device.js';
import { waitingScreen } from './screens/waiting.js';
import { callScreen } from './screens/call.js';
import { endedScreen } from './screens/ended.js';
import { loadEngineFiles, loadPoliceRoot, pdfLoader } from './engine-files.js';
import { createCallSession } from '../engine/call.js';

const SCREENS = {
  request: requestScreen, confirm: confirmScreen, status: statusScreen, redeem: redeemScreen, inviteFailed: inviteFailedScreen, cannotCall: cannotCallScreen,
  device: deviceScreen, waiting: waitingScreen, call: callScreen, ended: endedScreen,
};
const TEXT_SCALES = [1, 1.25, 1.5, 2];
const CONTRASTS = ['auto', 'more', 'normal'];

class BeeldbelWidget extends HTMLElement {
  static get observedAttributes() { return ['lang', 'contrast']; }

  constructor() {
    super();
    this._root = this.attachShadow({ mode: 'open' });
    this._root.adoptedStyleSheets = [widgetSheet()];
    this._engine = 'starting';
    this._worker = null;
    this._store = {};          // state that outlives one rendering of a screen
    this._screen = null;
    this._data = {};
    this._nav = 0;             // counts go(); a screen's async work checks it is still current
    this._live = null;
    this._scale = 0;
    this._contrast = CONTRASTS.includes(this.getAttribute('contrast')) ? this.getAttribute('contrast') : 'auto';
    /** Installed by the call module or a test: ({call, invite, localStream, lang, worker}) => session (call-session.js). */
    this.callSessionFactory = null;
  }

  get lang() { return normLang(this.getAttribute('lang')); }
  set lang(v) { this.setAttribute('lang', normLang(v)); }
  get neighbourhood() { return this.getAttribute('neighbourhood') || ''; }
  /** 'starting' | 'ready' | 'failed' — the WASM engine in its Worker. */
  get engineState() { return this._engine; }
  /** { versions, selftest } once the engine reported, else null. */
  get engineInfo() { return this._engineInfo ?? null; }
  /** The screen shown: request, confirm, status, redeem, inviteFailed, cannotCall, device, waiting, call, ended. */
  get screen() { return this._screen; }

  connectedCallback() {
    if (!this._shell) this._buildShell();
    if (!this._screen && !this._takeInvite()) this._show('request', {});
    // An invitation link opened while the page is already open only changes the fragment.
    this._onHash ??= () => { if (this._screen !== 'call' && this._screen !== 'waiting') this._takeInvite(); };
    addEventListener('hashchange', this._onHash);
    this._startEngine();
  }

  /** Reads "#invite=<token>&key=<key>" and starts redeeming it; false when there is none. */
  _takeInvite() {
    const invite = inviteFrom(location.hash);
    if (invite == null) return false;
    // Both are secrets: take them out of the address bar (and so out of
    // history and bookmarks) once read. The key stays in this page's memory
    // only, for the call's key agreement.
    history.replaceState(history.state, '', location.pathname + location.search);
    this._store.redeem = null;
    this._store.inviteKey = invite.key || null;
    this._show(invite.token ? 'redeem' : 'inviteFailed', invite.token ? { token: invite.token } : { message: t(this.lang, 'invite.badLink') });
    return true;
  }

  disconnectedCallback() {
    removeEventListener('hashchange', this._onHash);
    if (this._worker) this._worker.terminate();
    this._worker = null;
    this._endCall();
  }

  attributeChangedCallback(name, old, value) {
    if (name === 'contrast' && CONTRASTS.includes(value)) this._contrast = value;
    if (this._shell) { this._renderShell(); this._render(); }
  }

  // ---- engine ----
  _startEngine() {
    if (this._worker || this._engineLoading) return;
    const base = new URL('./', import.meta.url);
    // The police root is needed only once a call starts; a bundle that
    // cannot check it still takes callback requests.
    if (!this._police) {
      this._police = { pending: true };
      loadPoliceRoot(base).then((p) => { this._police = p; }, (err) => { this._police = { error: err }; })
        .then(() => { if (this._screen === 'waiting' && !this._store.session) this._render(); });
    }
    this._engineLoading = loadEngineFiles(base).then(({ worker, wasm, files }) => {
      this._engineLoading = null;
      if (!this.isConnected) { worker.terminate(); return; }
      this._worker = worker;
      this._engineFiles = files;
      worker.onmessage = (ev) => {
        const msg = ev.data || {};
        if (msg.type === 'ready') {
          const ok = Object.entries(msg.selftest || {}).every(([k, v]) => k === 'ms' || v === true);
          this._engineDone(ok, { versions: msg.versions, selftest: msg.selftest });
        } else if (msg.type === 'error') {
          this._engineDone(false, { code: msg.code, en: msg.en, nl: msg.nl });
        }
      };
      worker.onerror = (ev) => this._engineDone(false, { en: ev.message || 'worker error' });
      worker.postMessage({ type: 'init', wasm }, [wasm]);
      this._installCall();
    }, (err) => {
      this._engineLoading = null;
      this._engineDone(false, { code: err.code ?? 0, en: String(err.message || err), file: err.file });
    });
  }

  // The real call, unless the host installed its own factory.
  _installCall() {
    if (this.callSessionFactory) return;
    this.callSessionFactory = ({ call, invite, localStream, worker }) => {
      const police = this._police;
      // Still loading: the waiting room renders again once it is here.
      if (police?.pending) throw Object.assign(new Error('police root still loading'), { code: 'pending' });
      if (!police?.policeRoot) throw police?.error ?? new Error('no police root');
      return createCallSession({
        worker, janusUrl: call.janusUrl, room: call.room, pin: call.pin ?? '', token: call.janusToken,
        locate: (token) => locateCall(token),
        role: call.role, invite, expectedOfficer: call.officer.number,
        localStream, names: { ...roleNames((k) => t(this.lang, k)), ...(call.officer.displayName && { officer: call.officer.displayName }) },
        codec: this.getAttribute('codec') === 'wasm' ? 'wasm' : 'auto',
        files: this._engineFiles, policeRoot: police.policeRoot, policeBase: police.policeBase, crlFloor: police.crlFloor,
      });
    };
    if (this._screen === 'waiting') this._render();
  }

  _engineDone(ok, detail) {
    this._engine = ok ? 'ready' : 'failed';
    this._engineInfo = detail;
    this._emit(ok ? 'engine-ready' : 'engine-failed', detail);
    // An unused invitation on screen: say now that this browser cannot call.
    if (!ok && this._screen === 'redeem' && !this._store.redeem) this._render();
  }

  _emit(name, detail) {
    this.dispatchEvent(new CustomEvent(`beeldbel:${name}`, { bubbles: true, composed: true, detail }));
  }

  // ---- shell: title, display settings, live region, screen slot ----
  _buildShell() {
    const btn = (cls, onclick) => h('button', { type: 'button', class: `utrecht-button utrecht-button--subtle bb-setting ${cls}`, onclick });
    this._el = {
      title: h('h2', { class: 'utrecht-heading-2 bb-title' }),
      lang: btn('bb-lang', () => { this.lang = this.lang === 'nl' ? 'en' : 'nl'; this._el.lang.focus(); }),
      contrast: btn('bb-contrast', () => this._toggleContrast()),
      smaller: btn('bb-smaller', () => this._setScale(this._scale - 1)),
      larger: btn('bb-larger', () => this._setScale(this._scale + 1)),
      settings: h('div', { class: 'bb-settings', role: 'group' }),
      heading: h('h3', { class: 'utrecht-heading-3 bb-screen-heading', id: 'bb-screen-heading', tabindex: '-1' }),
      slot: h('div', { class: 'bb-screen' }),
      live: h('div', { class: 'bb-sr', role: 'status', 'aria-live': 'polite', 'aria-atomic': 'true' }),
    };
    const e = this._el;
    e.settings.append(e.lang, e.contrast, e.smaller, e.larger);
    this._shell = h('section', { class: 'bb', 'data-contrast': this._contrast, 'aria-labelledby': 'bb-title' },
      h('header', { class: 'bb-head' }, e.title, e.settings), e.heading, e.slot, e.live);
    e.title.id = 'bb-title';
    this._root.append(this._shell);
    this._renderShell();
  }

  _renderShell() {
    const e = this._el, L = this.lang;
    this._shell.setAttribute('lang', L);
    this._shell.dataset.contrast = this._contrast;
    this._shell.dataset.scale = String(this._scale);
    e.title.textContent = t(L, 'title');
    e.settings.setAttribute('aria-label', t(L, 'settings.label'));
    e.lang.textContent = t(L, 'settings.language');
    e.lang.setAttribute('lang', L === 'nl' ? 'en' : 'nl');
    e.lang.setAttribute('aria-label', t(L, 'settings.languageLabel'));
    e.contrast.textContent = t(L, 'settings.contrast');
    e.contrast.setAttribute('aria-pressed', String(this._highContrast()));
    // Visible text = accessible name (WCAG 2.5.3), so voice control users can say it.
    e.smaller.textContent = t(L, 'settings.textSmallerLabel');
    e.smaller.disabled = this._scale === 0;
    e.larger.textContent = t(L, 'settings.textLargerLabel');
    e.larger.disabled = this._scale === TEXT_SCALES.length - 1;
  }

  _highContrast() {
    return this._contrast === 'more' || (this._contrast === 'auto' && matchMedia('(prefers-contrast: more)').matches);
  }

  _toggleContrast() {
    this._contrast = this._highContrast() ? 'normal' : 'more';
    this._renderShell();
  }

  _setScale(i) {
    this._scale = Math.max(0, Math.min(TEXT_SCALES.length - 1, i));
    this._renderShell();
    this.announce(t(this.lang, 'settings.textSize', { pct: Math.round(TEXT_SCALES[this._scale] * 100) }));
  }

  /** Says `msg` through the live region (cleared first so a repeat is read again). */
  announce(msg) {
    const live = this._el.live;
    live.textContent = '';
    setTimeout(() => { live.textContent = msg; }, 50);
  }

  // ---- screens ----
  _show(name, data) {
    const from = this._screen;
    this._nav += 1;
    this._screen = name;
    this._data = data;
    if (name === 'confirm') this._emit('request-sent', { reference: data.reference, preference: data.preference, neighbourhood: data.neighbourhood });
    if (name === 'ended' && (from === 'call' || from === 'waiting')) {
      if (from === 'call') this._emit('call-ended', { callId: data.call?.callId ?? null, durationS: Math.round(data.durationS ?? 0) });
      this._endCall();
    }
    if (name === 'request') { this._store.redeem = null; }
    this._render();
    // Move focus to the new screen's heading, except on first load (never
    // steal focus from the host page) and for the call (keep the person's place).
    if (from) this._el.heading.focus();
  }

  _render() {
    if (this._current?.destroy) this._current.destroy();
    const nav = this._nav, L = this.lang;
    let alive = true;
    const ctx = {
      lang: L, t: (k, v) => t(L, k, v), store: this._store, neighbourhood: this.neighbourhood,
      go: (n, d) => { if (alive && nav === this._nav) this._show(n, d); },
      isCurrent: () => alive && nav === this._nav,
      announce: (m) => this.announce(m), emit: (n, d) => this._emit(n, d),
      engineState: () => this._engine, engineInfo: () => this._engineInfo ?? null, callSessionFactory: this.callSessionFactory, worker: () => this._worker,
      loadPdf: () => (this._loadPdf ??= pdfLoader(new URL('./', import.meta.url)))(),
    };
    const screen = SCREENS[this._screen](ctx, this._data);
    const destroy = screen.destroy;
    screen.destroy = () => { alive = false; if (destroy) destroy(); };
    this._current = screen;
    this._el.heading.textContent = screen.heading;
    this._shell.dataset.screen = this._screen;
    this._el.slot.replaceChildren(screen.node);
  }

  _endCall() {
    const st = this._store;
    if (st.localStream) for (const tr of st.localStream.getTracks()) tr.stop();
    st.localStream = null;
    st.session = null;
    st.call = null;
    st.callAnnounced = false;
  }
}

if (!customElements.get('beeldbel-widget')) customElements.define('beeldbel-widget', BeeldbelWidget);
