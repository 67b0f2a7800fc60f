// Recording an interview, in the officer's call panel: start and stop, how
// it goes, and the recording and its manifest to keep. The engine records
// and seals (web/engine/call-recording.js); everyone in the call is told
// before the first frame is written. This panel keeps the bytes as they
// come, a whole segment at a time, and offers both files when it ends.
//
//   const p = recordingPanel({ t, session, level, announce, onStamp, title, names });
//   host.append(p.node); ... p.destroy();
//
// onStamp(request bytes) -> Promise<response bytes>: the time-stamping service.
// t(key, vars) looks up 'recording.*' (texts.js).
import { h, uid } from '../ui/dom.js';

const STATES = ['off', 'announcing', 'recording', 'ending'];

/** "1,2 MB" / "1.2 MB" */
function megabytes(n, lang) {
  return `${(n / 1e6).toLocaleString(lang === 'en' ? 'en-GB' : 'nl-NL', { maximumFractionDigits: 1, minimumFractionDigits: 1 })} MB`;
}

function clock(ms) {
  const s = Math.max(0, Math.floor(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

export function recordingPanel({ t, session, level = 3, announce = () => {}, onStamp, title, names, lang = 'nl' }) {
  const headingId = uid('rec');
  const status = h('p', { class: 'bb-rec-status', role: 'status' });
  const toggle = h('button', { type: 'button', class: 'utrecht-button utrecht-button--secondary-action', 'data-rec': 'toggle' });
  const result = h('div', { class: 'bb-rec-result' });
  const node = h('section', { class: 'bb-recording', 'aria-labelledby': headingId },
    h(`h${level}`, { id: headingId }, t('recording.title')), h('p', { class: 'bb-small' }, t('recording.hint')),
    toggle, status, result);
  let state = 'off', seals = 0, bytes = 0, startedAt = null, parts = [], urls = [], timer = null;

  function render() {
    node.dataset.state = state;
    toggle.textContent = t(state === 'off' ? 'recording.start' : 'recording.stop');
    toggle.disabled = state === 'announcing' || state === 'ending' || session.state === 'ended';
    status.textContent = state === 'recording'
      ? t('recording.running', { time: clock(Date.now() - (startedAt ?? Date.now())), seals, size: megabytes(bytes, lang) })
      : state === 'off' ? '' : t(`recording.st.${state}`);
  }

  function free() { for (const u of urls) URL.revokeObjectURL(u); urls = []; }

  function finished(d) {
    free();
    const stamp = new Date().toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
    const file = new Blob(parts, { type: 'video/webm' }), manifest = new Blob([d.manifest ?? ''], { type: 'application/json' });
    parts = [];
    urls = [URL.createObjectURL(file), URL.createObjectURL(manifest)];
    result.replaceChildren(h('p', {}, t('recording.done', { seals: d.seals ?? 0, size: megabytes(file.size, lang) })),
      h('ul', {},
        h('li', {}, h('a', { href: urls[0], download: `verhoor-${stamp}.webm`, 'data-rec': 'file' }, t('recording.file'))),
        h('li', {}, h('a', { href: urls[1], download: `verhoor-${stamp}.manifest.json`, 'data-rec': 'manifest' }, t('recording.manifest')))));
    announce(t('recording.done', { seals: d.seals ?? 0, size: megabytes(file.size, lang) }));
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
      parts.push(d.data);
      bytes += d.data.length;
    } else if (d.what === 'stamp') {
      let response = null;
      try { response = await onStamp(d.request); } catch { response = null; }
      session.answerRecordingStamp(response);
    } else if (d.what === 'done') {
      finished(d);
    } else if (d.what === 'error') {
      result.replaceChildren(h('p', { class: 'bb-rec-error', role: 'alert' },
        t('recording.error', { message: String((lang === 'nl' ? d.nl : d.en) ?? '').slice(0, 200) })));
    }
  }

  toggle.addEventListener('click', () => {
    if (state === 'off') {
      result.replaceChildren();
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
    destroy() {
      clearInterval(timer);
      session.removeEventListener('recording', onRecording);
      session.removeEventListener('state', onState);
    },
    /** The files of the last recording stay downloadable until the panel goes. */
    free,
  };
}
