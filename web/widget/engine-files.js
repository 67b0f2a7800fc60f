// The files the widget loads besides itself — the engine Worker, the wire
// Worker, the audio worklet, the WASM module, the police root, and pdf.js
// when a PDF shared in a call is opened — are
// fetched only with the SHA-384 this bundle carries, and run from the checked
// bytes (blob: URLs, the WASM from its bytes). So the host page's one
// integrity hash over beeldbel.js covers every byte the widget runs and the
// root it trusts: whoever can change a file on the widget's host cannot swap
// the engine or the police root. The engine's hashes are written in when the
// bundle is built (src/scripts/web-dist.sh); the police root's when the
// bundle is sealed with the police's root (src/scripts/seal-bundle.mjs), and
// with it the thisUpdate of the revocation list current then: the widget
// takes no older list, so no server can replay one from before a revocation.

import { once, startPdfRenderer } from '../ui/pdf-view.js';
import { engineWasmName } from '../engine/support.js';

export const ENGINE_HASHES = JSON.parse('/*@BEELDBEL_ENGINE_HASHES@*/');
const POLICE_ROOT_SHA384 = '';
const POLICE_CRL_FLOOR = 0;

/** A file that failed its check (or could not be fetched): the widget stops with a clear message. */
export class EngineFileError extends Error {
  constructor(name, reason) {
    super(`${name}: ${reason}`);
    this.name = 'EngineFileError';
    this.code = 'integrity';
    this.file = name;
  }
}

async function fetchChecked(url, name, integrity) {
  if (!/^sha384-[A-Za-z0-9+/]{64}$/.test(integrity || '')) throw new EngineFileError(name, 'no pinned hash in this bundle');
  let r;
  try {
    // A mismatch rejects the fetch itself: the bytes never reach us.
    r = await fetch(url, { integrity, credentials: 'omit', cache: 'no-cache' });
  } catch (err) {
    throw new EngineFileError(name, `not loaded or changed (${err.message || err})`);
  }
  if (!r.ok) throw new EngineFileError(name, `HTTP ${r.status}`);
  return r.arrayBuffer();
}

const blobUrl = (bytes) => URL.createObjectURL(new Blob([bytes], { type: 'text/javascript' }));

/** The files of dist/engine/ named, each checked against its pinned hash (base: the directory of beeldbel.js). */
const engineFiles = (base, names) =>
  Promise.all(names.map((name) => fetchChecked(new URL(`engine/${name}`, base), name, ENGINE_HASHES[name])));

/**
 * The engine's code, checked: { worker (a started module Worker), wasm
 * (ArrayBuffer, for its init message), files: { wireWorkerUrl, workletUrl } }.
 * base: the directory of beeldbel.js.
 */
export async function loadEngineFiles(base) {
  const [worker, wire, worklet, wasm] = await engineFiles(base,
    ['worker.bundle.js', 'wire-worker.bundle.js', 'audio-worklet.js', engineWasmName()]);
  return {
    worker: new Worker(blobUrl(worker), { type: 'module' }),
    wasm,
    files: { wireWorkerUrl: blobUrl(wire), workletUrl: blobUrl(worklet) },
  };
}

/** The police root (root.pem's bytes), checked against the pinned hash; where the CRL is, and its floor. */
export async function loadPoliceRoot(base) {
  const policeBase = new URL('police/', base);
  const root = await fetchChecked(new URL('root.pem', policeBase), 'root.pem', POLICE_ROOT_SHA384);
  return { policeRoot: new Uint8Array(root), policeBase: policeBase.href, crlFloor: POLICE_CRL_FLOOR };
}

/** Loads pdf.js (its module and its Worker) checked like the engine, on the first call only. */
export function pdfLoader(base) {
  return once(async () => {
    const [lib, worker] = await engineFiles(base, ['pdf.min.mjs', 'pdf.worker.min.mjs']);
    return startPdfRenderer(blobUrl(lib), blobUrl(worker));
  });
}
