// A PDF shared in the call, shown in the page: every page drawn by Mozilla's
// pdf.js, with its text in a layer over the picture, so that a screen reader
// reads it, and it can be selected, searched and enlarged with the page. Only
// pages and text are drawn: nothing in the PDF runs (no scripts, forms or
// links), and pdf.js parses the untrusted bytes in a Worker of its own.
//
// pdf.js is loaded only when a person opens a PDF, never with the widget: the
// host hands over how (loadPdf: the widget fetches both files with the
// SHA-384 its bundle carries and runs them from the checked bytes; the
// console loads them by URL from its own origin).
import { h } from './dom.js';

const MAX_PAGES = 50;        // more are left to the download
const MAX_PIXEL_RATIO = 2;   // sharp on a phone, without a canvas per page of 4x the memory

/**
 * pdf.js from the two module URLs (blob: or same-origin): its API and one
 * Worker for every document, made once per page.
 */
export async function startPdfRenderer(moduleUrl, workerUrl) {
  const pdfjs = await import(moduleUrl);
  const port = new Worker(workerUrl, { type: 'module' });
  return { pdfjs, worker: new pdfjs.PDFWorker({ port }) };
}

/** loadPdf, asked once: later callers share the first answer (or its failure, once, then try again). */
export function once(load) {
  let p = null;
  return () => {
    p ??= load().catch((e) => { p = null; throw e; });
    return p;
  };
}

/**
 * The viewer for one PDF: { node, destroy() }. bytes: the file's checked
 * bytes; t: the host's texts ('files.pdf.*'); loadPdf: () => Promise of
 * startPdfRenderer's answer.
 */
export function pdfView({ t, bytes, name, loadPdf }) {
  const status = h('p', { class: 'utrecht-paragraph bb-pdf-status', role: 'status' });
  // Scrolled by itself, so it takes focus: the arrow keys scroll it.
  const pages = h('div', { class: 'bb-pdf-pages', tabindex: '0', role: 'group', 'aria-label': t('files.pdf.pages', { name }) });
  const node = h('section', { class: 'bb-pdf', 'aria-label': t('files.pdf.label', { name }) }, status, pages);
  let task = null, closed = false, room = 0;
  const shown = []; // { box, width, height }: each page drawn, and its size at scale 1

  // The width the pages fill: the scroller's, within its padding.
  const roomNow = () => {
    const pad = getComputedStyle(pages);
    const r = pages.clientWidth - parseFloat(pad.paddingLeft) - parseFloat(pad.paddingRight);
    return Math.max(160, Math.min(r || 600, 1200));
  };
  // Sizes through the CSSOM (the CSP allows no style attributes in markup);
  // the text layer follows --total-scale-factor.
  function fit(p) {
    const scale = room / p.width;
    p.box.style.width = `${Math.floor(p.width * scale)}px`;
    p.box.style.height = `${Math.floor(p.height * scale)}px`;
    p.box.style.setProperty('--total-scale-factor', String(scale));
  }
  // A narrower or wider panel (a phone turned, the page zoomed): the pages
  // follow, their pictures stretched rather than drawn again.
  const resize = new ResizeObserver(() => {
    const r = roomNow();
    if (Math.abs(r - room) < 1) return;
    room = r;
    for (const p of shown) fit(p);
  });
  resize.observe(pages);

  async function page(pdfjs, doc, n, total) {
    const pg = await doc.getPage(n);
    const unit = pg.getViewport({ scale: 1 });
    room ||= roomNow();
    const viewport = pg.getViewport({ scale: room / unit.width });
    const ratio = Math.min(MAX_PIXEL_RATIO, globalThis.devicePixelRatio || 1);
    const canvas = h('canvas', { class: 'bb-pdf-canvas', 'aria-hidden': 'true' });
    canvas.width = Math.floor(viewport.width * ratio);
    canvas.height = Math.floor(viewport.height * ratio);
    const text = h('div', { class: 'textLayer bb-pdf-text' });
    const box = h('div', { class: 'bb-pdf-page', role: 'group', 'aria-label': t('files.pdf.page', { n, total }) }, canvas, text);
    const p = { box, width: unit.width, height: unit.height };
    fit(p);
    shown.push(p);
    pages.append(box);
    await pg.render({ canvas, canvasContext: canvas.getContext('2d'), viewport,
      transform: ratio === 1 ? null : [ratio, 0, 0, ratio, 0, 0] }).promise;
    if (closed) return;
    await new pdfjs.TextLayer({ textContentSource: pg.streamTextContent(), container: text, viewport }).render();
    pg.cleanup();
  }

  (async () => {
    status.textContent = t('files.pdf.loading', { name });
    try {
      const { pdfjs, worker } = await loadPdf();
      if (closed) return;
      // A copy: pdf.js hands its data to its Worker.
      task = pdfjs.getDocument({ data: bytes.slice(), worker, enableXfa: false, stopAtErrors: false,
        disableWorkerRendering: true, verbosity: 0 });
      const doc = await task.promise;
      const total = doc.numPages, shown = Math.min(total, MAX_PAGES);
      for (let n = 1; n <= shown && !closed; n++) await page(pdfjs, doc, n, total);
      if (!closed) status.textContent = total > shown ? t('files.pdf.first', { name, n: shown, total }) : t('files.pdf.shown', { name, n: total });
    } catch (e) {
      if (closed) return;
      status.textContent = t(e?.name === 'PasswordException' ? 'files.pdf.password' : 'files.pdf.failed', { name });
      console.warn('beeldbel: pdf', e?.message || e);
    }
  })();

  return {
    node,
    destroy() {
      closed = true;
      resize.disconnect();
      task?.destroy();
      pages.replaceChildren();
    },
  };
}
