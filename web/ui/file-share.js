// Files shared in the call, for the officer's console and the citizen's
// widget: choose a PDF or a photo to send (a photo's location and camera data
// stay behind unless the person says otherwise, and the screen says so),
// follow each file as it goes or comes (a progress bar, cancel), and see what
// arrived: a photo as a photo, a PDF in the page on request (pdf-view.js), and
// every file as a download. The call session
// does the work (call-session.js: shareFile, cancelFile, the 'file' event);
// texts come from the host's t() under 'files.*'.
import { h, uid } from './dom.js';
import { clip } from './call-session.js';
import { pdfView } from './pdf-view.js';

const MIME = Object.freeze({ 1: 'application/pdf', 2: 'image/jpeg', 3: 'image/png' });
const ACCEPT = 'application/pdf,image/jpeg,image/png,.pdf,.jpg,.jpeg,.png';
const MB = 1024 * 1024;

const EXT = Object.freeze({ 1: 'pdf', 2: 'jpg', 3: 'png' });
/** The name to save a file under: with the extension of what it is (checked in the engine). */
export function saveName(name, fileType) {
  const ext = EXT[fileType];
  const m = /\.([a-z0-9]+)$/i.exec(name);
  const has = m && (m[1].toLowerCase() === ext || (ext === 'jpg' && m[1].toLowerCase() === 'jpeg'));
  return has ? name : `${name || 'bestand'}.${ext}`;
}

/** Bytes as people read them: "3,2 MB", "740 kB". */
function size(t, n) {
  return n >= MB ? t('files.mb', { n: (n / MB).toFixed(1) }) : t('files.kb', { n: Math.max(1, Math.round(n / 1024)) });
}

/** loadPdf: how this page loads pdf.js (pdf-view.js); without it a PDF is a download only. */
export function filePanel({ t, session, level = 3, announce = () => {}, loadPdf = null }) {
  const id = uid('bb-files');
  const items = new Map(); // `${from}:${id}` -> { row, bar, state, cancel, url }
  const limitMb = () => Math.round((session.fileLimits?.maxBytes ?? 20 * MB) / MB);
  const input = h('input', { type: 'file', id: `${id}-in`, accept: ACCEPT, class: 'bb-files-input' });
  const keep = h('input', { type: 'checkbox', id: `${id}-keep` });
  const note = h('p', { class: 'utrecht-paragraph bb-files-note', id: `${id}-note` });
  const list = h('ul', { class: 'bb-files-list', 'aria-labelledby': `${id}-h` });
  const node = h('section', { class: 'bb-files', 'aria-labelledby': `${id}-h` },
    h(`h${level}`, { id: `${id}-h` }, t('files.heading')),
    note,
    h('div', { class: 'bb-files-pick' },
      h('label', { for: `${id}-in`, class: 'utrecht-form-label' }, t('files.choose')),
      input),
    h('div', { class: 'bb-files-keep' }, keep, h('label', { for: `${id}-keep` }, t('files.keepMetadata'))),
    list);
  input.setAttribute('aria-describedby', `${id}-note`);
  const renderNote = () => { note.textContent = t('files.note', { mb: limitMb() }); };
  renderNote();

  input.addEventListener('change', () => {
    const file = input.files?.[0];
    input.value = '';
    if (file) session.shareFile(file, { keepMetadata: keep.checked });
  });

  function row(key, { name, size: n, outgoing, sender }) {
    let it = items.get(key);
    if (it) return it;
    const label = outgoing ? t('files.toAll', { name }) : t('files.from', { name, sender: sender || t('files.someone') });
    const bar = h('progress', { max: n, value: 0, 'aria-label': t('files.progress', { name }) });
    const status = h('span', { class: 'bb-files-status' });
    const cancel = h('button', { type: 'button', class: 'utrecht-button utrecht-button--secondary-action',
      'aria-label': t('files.cancelNamed', { name }) }, t('files.cancel'));
    const li = h('li', { class: 'bb-files-item' },
      h('p', { class: 'utrecht-paragraph bb-files-name' }, label, ` (${size(t, n)})`), bar, status, cancel);
    list.append(li);
    it = { li, bar, status, cancel, url: null, name };
    items.set(key, it);
    return it;
  }

  function over(it, text) {
    it.bar.remove();
    it.cancel.remove();
    it.status.textContent = text;
  }

  function arrived(it, d) {
    const blob = new Blob([d.data], { type: MIME[d.fileType] ?? 'application/octet-stream' });
    it.url = URL.createObjectURL(blob);
    over(it, t('files.arrived'));
    if (d.fileType === 2 || d.fileType === 3) {
      it.li.append(h('img', { class: 'bb-files-photo', src: it.url,
        alt: t('files.photoAlt', { name: d.name, sender: d.sender || t('files.someone') }) }));
    }
    it.li.append(h('a', { class: 'utrecht-link bb-files-download', href: it.url, download: saveName(d.name, d.fileType) },
      t('files.download', { name: d.name })));
    if (d.fileType === 1 && loadPdf) viewButton(it, d);
    announce(t('files.arrivedAnnounce', { name: d.name, sender: d.sender || t('files.someone') }));
  }

  // A PDF opens under its row, and closes again, by the same button.
  function viewButton(it, d) {
    const where = h('div', { class: 'bb-files-view', id: uid('bb-pdf') });
    const button = h('button', { type: 'button', class: 'utrecht-button utrecht-button--secondary-action bb-files-open',
      'aria-expanded': 'false', 'aria-controls': where.id }, t('files.view', { name: d.name }));
    button.addEventListener('click', () => {
      const open = !it.viewer;
      if (open) {
        it.viewer = pdfView({ t, bytes: d.data, name: d.name, loadPdf });
        where.replaceChildren(it.viewer.node);
      } else {
        it.viewer.destroy();
        it.viewer = null;
        where.replaceChildren();
      }
      button.setAttribute('aria-expanded', String(open));
      button.textContent = t(open ? 'files.hide' : 'files.view', { name: d.name });
    });
    it.li.append(button, where);
  }

  const onFile = (ev) => {
    const d = ev.detail;
    const key = `${d.from}:${d.id}`;
    const name = clip(d.name, 200);
    switch (d.what) {
      case 'refused':
        announce(t(`files.refused.${String(d.reason).split(':')[0]}`, { name, mb: limitMb() }));
        break;
      case 'sending':
      case 'file-offer': {
        const outgoing = d.what === 'sending';
        const it = row(key, { name, size: d.size, outgoing, sender: clip(d.sender, 100) });
        it.status.textContent = !outgoing ? '' : [d.stripped ? t('files.stripped') : '', d.photoOnly ? t('files.photoOnly') : '']
          .filter(Boolean).join(' ');
        it.cancel.onclick = () => session.cancelFile(d.from, d.id);
        if (!outgoing) announce(t('files.incoming', { name, sender: clip(d.sender, 100) || t('files.someone') }));
        break;
      }
      case 'file-progress': {
        const it = items.get(key);
        if (it) it.bar.value = d.done;
        break;
      }
      case 'file': {
        const it = row(key, { name, size: d.size, outgoing: false, sender: clip(d.sender, 100) });
        arrived(it, { ...d, name, sender: clip(d.sender, 100) });
        break;
      }
      case 'file-ended': {
        const it = items.get(key);
        const text = t(`files.end.${d.end}`, { name: it?.name || name || t('files.aFile'), by: clip(d.byName, 100) || t('files.someone') });
        if (it) over(it, text);
        announce(text);
        break;
      }
      default: break;
    }
  };
  session.addEventListener('file', onFile);

  return {
    node,
    destroy() {
      session.removeEventListener('file', onFile);
      for (const it of items.values()) {
        if (it.url) URL.revokeObjectURL(it.url);
        it.viewer?.destroy();
      }
    },
  };
}
