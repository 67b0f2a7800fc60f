// <beeldbel-widget> — the element the politie.nl web team embeds:
//   <script type="module" src=".../beeldbel.js" integrity="..."></script>
//   <beeldbel-widget neighbourhood="groningen-noord" lang="nl"></beeldbel-widget>
// Shadow DOM, no globals, styles via a constructed stylesheet (works under a
// CSP without 'unsafe-inline'). This first version starts the engine and
// reports its state; the request form and the call come with later issues.

const TEXT = {
  nl: {
    title: 'Beeldbellen met je wijkagent',
    starting: 'De beveiligde verbinding wordt voorbereid…',
    ready: 'Klaar. De beveiligde video-engine draait in je browser.',
    failed: 'Beeldbellen is nu niet beschikbaar in deze browser.',
    checks: { vp8: 'Video (VP8)', opus: 'Geluid (Opus)', aesgcm: 'Versleuteling (AES-GCM)', json: 'Berichten (JSON)' },
    ok: 'werkt', notOk: 'werkt niet',
  },
  en: {
    title: 'Video call with your neighbourhood officer',
    starting: 'Preparing the secure connection…',
    ready: 'Ready. The secure video engine is running in your browser.',
    failed: 'Video calling is not available in this browser right now.',
    checks: { vp8: 'Video (VP8)', opus: 'Sound (Opus)', aesgcm: 'Encryption (AES-GCM)', json: 'Messages (JSON)' },
    ok: 'works', notOk: 'does not work',
  },
};

const CSS = `
:host {
  all: initial;
  display: block;
  font-family: var(--beeldbel-font-family, system-ui, "Segoe UI", Roboto, Arial, sans-serif);
  font-size: var(--beeldbel-font-size, 1rem);
  line-height: 1.5;
  color: var(--beeldbel-color, #1a1a1a);
  background: var(--beeldbel-background, #ffffff);
  border: 1px solid var(--beeldbel-border-color, #6b6b6b);
  border-radius: var(--beeldbel-radius, 4px);
  padding: 1.25em;
  max-width: 40em;
  box-sizing: border-box;
}
h2 { font-size: 1.375em; margin: 0 0 0.5em; color: var(--beeldbel-heading-color, #154273); }
p { margin: 0 0 0.75em; }
ul { margin: 0; padding-left: 1.25em; }
[data-state="failed"] .status { color: var(--beeldbel-error-color, #a30000); font-weight: 600; }
@media (prefers-contrast: more) {
  :host { --beeldbel-color: #000; --beeldbel-background: #fff; --beeldbel-border-color: #000;
          --beeldbel-heading-color: #000; border-width: 2px; }
}
`;

let sheet = null;
function styles() {
  if (!sheet) {
    sheet = new CSSStyleSheet();
    sheet.replaceSync(CSS);
  }
  return sheet;
}

class BeeldbelWidget extends HTMLElement {
  static get observedAttributes() { return ['lang']; }

  constructor() {
    super();
    this._root = this.attachShadow({ mode: 'open' });
    this._root.adoptedStyleSheets = [styles()];
    this._state = 'starting';
    this._result = null;
    this._worker = null;
  }

  get lang() { return this.getAttribute('lang') === 'en' ? 'en' : 'nl'; }
  /** 'starting' | 'ready' | 'failed' */
  get engineState() { return this._state; }

  connectedCallback() {
    this._render();
    if (this._worker) return;
    try {
      this._worker = new Worker(new URL('./engine/worker.js', import.meta.url), { type: 'module' });
    } catch (err) {
      this._fail({ en: String(err.message || err) });
      return;
    }
    this._worker.onmessage = (ev) => this._onWorker(ev.data);
    this._worker.onerror = (ev) => this._fail({ en: ev.message || 'worker error' });
    this._worker.postMessage({ type: 'init' });
  }

  disconnectedCallback() {
    if (this._worker) this._worker.terminate();
    this._worker = null;
  }

  attributeChangedCallback() { if (this.isConnected) this._render(); }

  _onWorker(msg) {
    if (msg.type === 'ready') {
      const allOk = Object.entries(msg.selftest).every(([k, v]) => k === 'ms' || v === true);
      this._result = msg;
      this._state = allOk ? 'ready' : 'failed';
      this._render();
      this.dispatchEvent(new CustomEvent(allOk ? 'beeldbel:engine-ready' : 'beeldbel:engine-failed', {
        bubbles: true, composed: true, detail: { versions: msg.versions, selftest: msg.selftest },
      }));
    } else if (msg.type === 'error') {
      this._fail(msg);
    }
  }

  _fail(detail) {
    this._state = 'failed';
    this._error = detail;
    this._render();
    this.dispatchEvent(new CustomEvent('beeldbel:engine-failed', { bubbles: true, composed: true, detail }));
  }

  // The DOM is built once: a live region must stay in place for screen
  // readers to announce its changes.
  _build() {
    const box = document.createElement('section');
    box.setAttribute('aria-labelledby', 'bb-title');
    const h = document.createElement('h2');
    h.id = 'bb-title';
    const status = document.createElement('p');
    status.className = 'status';
    status.setAttribute('role', 'status');
    const list = document.createElement('ul');
    list.hidden = true;
    box.append(h, status, list);
    this._root.append(box);
    this._el = { box, h, status, list };
  }

  _render() {
    if (!this._el) this._build();
    const t = TEXT[this.lang];
    const { box, h, status, list } = this._el;
    box.dataset.state = this._state;
    h.textContent = t.title;
    status.textContent = t[this._state];
    list.replaceChildren();
    list.hidden = !this._result;
    if (this._result) {
      list.setAttribute('aria-label', this.lang === 'nl' ? 'Controle van de onderdelen' : 'Component check');
      for (const [k, label] of Object.entries(t.checks)) {
        const li = document.createElement('li');
        li.textContent = `${label}: ${this._result.selftest[k] ? t.ok : t.notOk}`;
        list.append(li);
      }
    }
  }
}

if (!customElements.get('beeldbel-widget')) customElements.define('beeldbel-widget', BeeldbelWidget);
