// Recording an interview, in the officer's call panel: start and stop, how
// it goes, and the recording and its manifest to keep. The engine records
// and seals (web/engine/call-recording.js); everyone in the call is told
// before the first frame is written. This panel sends the bytes to the
// evidence store as they come, a whole segment at a time (a part that does
// not arrive is sent again from where the store stands), the manifest after
// every seal and at the end, when the store checks the seal and keeps the
// recording sealed. It also keeps a copy in the page and offers both files.
//
//   const p = recordingPanel({ t, session, level, announce, onStamp, title, names, lang, store });
//   host.append(p.node); ... p.relabel() after a language switch; p.destroy();
//
// lang: () => 'nl' | 'en', the console's language now (t follows it too).
// onStamp(request bytes) -> Promise<response bytes>: the time-stamping service;
// store: the evidence store (console.js evidenceStore), or null.
// t(key, vars) looks up 'recording.*' (texts.js).
import { h, uid } from '../ui/dom.js';

const STATES = ['off', 'announcing', 'recording', 'ending'];
const RETRY_MS = 2000;
const sleep = (ms) => new Promise((r) => { setTimeout(r, ms); });
/** The network or the service failed (worth sending again), not a refusal. */
const transient = (r) => r.status === 0 || r.status >= 500;

/** "1,2 MB" / "1.2 MB" */
function megabytes(n, lang) {
  return `${(n / 1e6).toLocaleString(lang === 'en' ? 'en-GB' : 'nl-NL', { maximumFractionDigits: 1, minimumFractionDigits: 1 })} MB`;
}

function clock(ms) {
  const s = Math.max(0, Math.floor(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

export function recordingPanel({ t, session, level = 3, announce = () => {}, onStamp, title, names, lang = () => 'nl', store = null }) {
  const headingId = uid('rec');
  const heading = h(`h${level}`, { id: headingId }), hint = h('p', { class: 'bb-small' });
  // What changes once (announcing, ending) is read out; the running clock is not, every second.
  const status = h('p', { class: 'bb-rec-status', role: 'status' });
  const running = h('p', { class: 'bb-rec-running', 'data-rec': 'running' });
  const kept = h('p', { class: 'bb-rec-kept', 'data-rec': 'kept' });
  const toggle = h('button', { type: 'button', class: 'utrecht-button utrecht-button--secondary-action', 'data-rec': 'toggle' });
  const result = h('div', { class: 'bb-rec-result' });
  const node = h('section', { class: 'bb-recording', 'aria-labelledby': headingId },
    heading, hint, toggle, status, running, kept, result);
  let state = 'off', seals = 0, bytes = 0, startedAt = null, parts = [], urls = [], timer = null;
  // The evidence store: the recording's id there, what it holds, what is still to send.
  const up = { id: null, offset: 0, queue: [], manifest: null, last: null, busy: false, failed: false, sent: 0, cut: false };

  // What the store line and the result say, kept as how to say it, so a language switch says it again.
  let keptView = () => [], resultView = () => [];
  const show = (where, view) => where.replaceChildren(...view());

  function renderKept(view) {
    keptView = view ?? (() => (up.id === null ? [] : [t('recording.kept', { kept: megabytes(up.offset, lang()), size: megabytes(up.sent, lang()) })]));
    show(kept, keptView);
  }

  function renderResult(view) {
    resultView = view;
    show(result, resultView);
  }

  function storeFailed(r) {
    up.failed = true;
    renderKept(() => {
      const why = String((lang() === 'nl' ? r?.json?.message?.nl : r?.json?.message?.en) ?? r?.json?.code ?? r?.status ?? '').slice(0, 200);
      return [h('span', { role: 'alert' }, t('recording.storeError', { message: why }))];
    });
  }

  function storeKept(j) {
    const text = () => t('recording.sealedKept', { id: j.id, segments: j.segments, seals: j.seals });
    renderKept(() => [text(), ' ',
      h('a', { href: store.url(j.id, 'file'), 'data-rec': 'stored-file' }, t('recording.storedFile')), ' ',
      h('a', { href: store.url(j.id, 'manifest'), 'data-rec': 'stored-manifest' }, t('recording.storedManifest'))]);
    node.dataset.kept = 'sealed';
    announce(text());
  }

  // One sender at a time, in order: parts, then the manifest as it stands, then the last one.
  async function upload() {
    if (!store || up.busy || up.failed) return;
    up.busy = true;
    try {
      for (;;) {
        if (up.id === null) {
          const r = await store.create();
          if (!r.ok) { if (transient(r)) { await sleep(RETRY_MS); continue; } storeFailed(r); return; }
          up.id = r.json.id;
          renderKept();
          continue;
        }
        if (up.queue.length) {
          const part = up.queue[0];
          const r = await store.append(up.id, up.offset, part);
          if (r.ok) { up.offset = r.json.size; up.queue.shift(); renderKept(); continue; }
          // The store says where it stands: the part is there (its answer was lost), or it is not.
          if (r.status === 409 && r.json?.code === 'recording_offset' && r.json.size === up.offset + part.length) {
            up.offset = r.json.size; up.queue.shift(); renderKept(); continue;
          }
          if (transient(r)) { await sleep(RETRY_MS); continue; }
          storeFailed(r);
          return;
        }
        if (up.manifest) {
          const json = up.manifest;
          up.manifest = null;
          const r = await store.manifest(up.id, json, false);
          if (!r.ok && !transient(r)) { storeFailed(r); return; }
          if (!r.ok) {
            if (!up.manifest) up.manifest = json;   // again, unless a newer one came
            await sleep(RETRY_MS);
          } else if (up.cut && !up.queue.length && !up.manifest) renderKept(() => [t('recording.keptCut', { kept: megabytes(up.offset, lang()) })]);
          continue;
        }
        if (up.last) {
          const r = await store.manifest(up.id, up.last, true);
          if (!r.ok && transient(r)) { await sleep(RETRY_MS); continue; }
          up.last = null;
          if (r.ok) storeKept(r.json); else storeFailed(r);
        }
        return;
      }
    } finally {
      up.busy = false;
    }
  }

  function render() {
    heading.textContent = t('recording.title');
    hint.textContent = t('recording.hint');
    node.dataset.state = state;
    toggle.textContent = t(state === 'off' ? 'recording.start' : 'recording.stop');
    toggle.disabled = state === 'announcing' || state === 'ending' || session.state === 'ended';
    running.textContent = state === 'recording'
      ? t('recording.running', { time: clock(Date.now() - (startedAt ?? Date.now())), seals, size: megabytes(bytes, lang()) }) : '';
    const said = state === 'off' || state === 'recording' ? '' : t(`recording.st.${state}`);
    if (status.textContent !== said) status.textContent = said;
  }

  function free() { for (const u of urls) URL.revokeObjectURL(u); urls = []; }

  function finished(d) {
    free();
    const stamp = new Date().toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
    const file = new Blob(parts, { type: 'video/webm' }), manifest = new Blob(d.manifest instanceof Blob ? [d.manifest] : [], { type: 'application/json' });
    parts = [];
    urls = [URL.createObjectURL(file), URL.createObjectURL(manifest)];
    const [fileUrl, manifestUrl] = urls;
    renderResult(() => [h('p', {}, t('recording.done', { seals: d.seals ?? 0, size: megabytes(file.size, lang()) })),
      h('ul', {},
        h('li', {}, h('a', { href: fileUrl, download: `verhoor-${stamp}.webm`, 'data-rec': 'file' }, t('recording.file'))),
        h('li', {}, h('a', { href: manifestUrl, download: `verhoor-${stamp}.manifest.json`, 'data-rec': 'manifest' }, t('recording.manifest'))))]);
    announce(t('recording.done', { seals: d.seals ?? 0, size: megabytes(file.size, lang()) }));
  }

  async function onRecording(ev) {
    const d = ev.detail ?? {};
    if (d.what === 'state' && STATES.includes(d.state)) {
      const was = state;
      state = d.state;
      seals = Number(d.seals) || 0;
      bytes = Number(d.bytes) || 0;
      if (state === 'recording' && was !== 'recording') { startedAt = Date.now(); announce(t('recording.st.started')); }
      clearInterval(timer);
      timer = state === 'recording' ? setInterval(render, 1000) : null;
      render();
    } else if (d.what === 'bytes' && d.data instanceof Uint8Array) {
      parts.push(new Blob([d.data]));   // the page's copy, outside the heap; the part itself goes once sent
      bytes += d.data.length;
      up.queue.push(d.data);
      up.sent += d.data.length;
      upload();
    } else if (d.what === 'manifest' && d.manifest instanceof Blob) {
      up.manifest = d.manifest;
      upload();
    } else if (d.what === 'stamp') {
      let response = null;
      try { response = await onStamp(d.request); } catch { response = null; }
      session.answerRecordingStamp(response);
    } else if (d.what === 'done') {
      finished(d);
      // Sealed to the end: the store checks it and keeps it sealed. Cut short (the call ended
      // before the last seal): kept as it stands, proven up to its last seal.
      if (d.manifest instanceof Blob) {
        if (d.complete) { up.manifest = null; up.last = d.manifest; } else { up.manifest = d.manifest; up.cut = true; }
        upload();
      }
    } else if (d.what === 'error') {
      renderResult(() => [h('p', { class: 'bb-rec-error', role: 'alert' },
        t('recording.error', { message: String((lang() === 'nl' ? d.nl : d.en) ?? '').slice(0, 200) }))]);
    }
  }

  toggle.addEventListener('click', () => {
    if (state === 'off') {
      renderResult(() => []);
      Object.assign(up, { id: null, offset: 0, queue: [], manifest: null, last: null, failed: false, sent: 0, cut: false });
      delete node.dataset.kept;
      renderKept();
      session.startRecording(title, names);
    } else if (state === 'recording') {
      session.stopRecording();
    }
  });
  const onState = () => render();
  session.addEventListener('recording', onRecording);
  session.addEventListener('state', onState);
  render();
  return {
    node,
    /** After a language switch: everything the panel says, in the language now. */
    relabel() { render(); show(kept, keptView); show(result, resultView); },
    destroy() {
      clearInterval(timer);
      free();
      session.removeEventListener('recording', onRecording);
      session.removeEventListener('state', onState);
    },
  };
}
