// Files shared in a call, in the engine Worker. The page hands over a file
// the person chose; the engine decides what it really is (C: filetype.h),
// takes a photo's location and camera data out unless the person chose to
// keep them, and sends it inside the call's end-to-end encryption
// (CallCore.sendFile). What arrives reaches the page only whole, with its
// SHA-256 and type checked in C.
//
//   page -> Worker  file {what: 'send', name, mime, bytes, keepMetadata}
//                   file {what: 'cancel', owner, id}
//   Worker -> page  file {what: 'limits', maxBytes, maxName}
//                   file {what: 'refused', name, reason}      nothing was sent
//                   file {what: 'sending', id, from, name, size, fileType, stripped, photoOnly}
//                   file {what: 'file-offer'|'file-progress'|'file'|'file-ended', ...} (CallCore events)
import { Msg } from './messages.js';

/** What a file is (bb_file_type): the MIME type a page may show it as. */
export const FileMime = Object.freeze({ 1: 'application/pdf', 2: 'image/jpeg', 3: 'image/png' });

// Characters a shown name may not hold (the engine refuses them): control
// characters and the bidirectional controls that make a name read as
// something else.
const UNSHOWN = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

// The type a file says it is: its MIME type, else its name's extension (bb_file_type; 0 unknown).
const BY_MIME = { 'application/pdf': 1, 'image/jpeg': 2, 'image/png': 3 };
const BY_EXT = { pdf: 1, jpg: 2, jpeg: 2, png: 3 };
export function claimedType(name, mime) {
  if (BY_MIME[mime]) return BY_MIME[mime];
  const ext = /\.([a-z0-9]+)$/i.exec(String(name ?? ''))?.[1]?.toLowerCase();
  return BY_EXT[ext] ?? 0;
}

/** A name the engine takes: without unshown characters, at most maxBytes of UTF-8, its extension kept. */
export function fileName(name, maxBytes) {
  const enc = new TextEncoder();
  let n = String(name ?? '').replace(UNSHOWN, '').trim() || 'bestand';
  if (enc.encode(n).length <= maxBytes) return n;
  const dot = n.lastIndexOf('.');
  const ext = dot > 0 && n.length - dot <= 8 ? n.slice(dot) : '';
  let stem = [...n.slice(0, n.length - ext.length)];
  while (stem.length && enc.encode(stem.join('') + '…' + ext).length > maxBytes) stem.pop();
  return stem.join('') + '…' + ext;
}

export class CallFiles {
  /**
   * @param {import('./engine.js').Engine} engine
   * @param {import('./engine.js').CallCore} core
   * @param {number} feedId  ours: the owner of what we send
   * @param {(msg: object, transfer?: Transferable[]) => void} post
   * @param {() => number} nowUs
   */
  constructor(engine, core, feedId, post, nowUs) {
    this.e = engine;
    this.feedId = feedId;
    this.M = engine.M;
    this.core = core;
    this.post = (m, t) => post({ type: Msg.file, ...m }, t);
    this.nowUs = nowUs;
    this.maxBytes = this.M._bbw_file_max();
    this.maxName = this.M._bbw_call_max_file_name();
    this.post({ what: 'limits', maxBytes: this.maxBytes, maxName: this.maxName });
  }

  /** bb_file_type of the bytes, or the reason they are none (the engine's reject name). */
  sniff(bytes) {
    const M = this.M;
    const rc = this.e._with((s) => M._bbw_file_sniff(s.bytes(bytes), bytes.length));
    return rc > 0 ? { type: rc } : { type: 0, reason: M.UTF8ToString(M._bbw_file_reject_name(-rc)) };
  }

  /** The photo without its location and camera data. */
  strip(type, bytes) {
    const M = this.M, cap = bytes.length + M._bbw_file_strip_extra();
    return this.e._with((s) => {
      const out = s.alloc(cap);
      const n = this.e._check(M._bbw_file_strip(type, s.bytes(bytes), bytes.length, out, cap), 'file strip');
      return M.HEAPU8.slice(out, out + n);
    });
  }

  send({ name, mime, bytes: given, keepMetadata }) {
    let bytes = given;
    const shown = fileName(name, this.maxName);
    const refuse = (reason) => this.post({ what: 'refused', name: shown, reason });
    if (!(bytes instanceof Uint8Array) || !bytes.length) return refuse('empty');
    if (bytes.length > this.maxBytes) return refuse('too-large');
    let { type, reason } = this.sniff(bytes);
    // A phone's motion photo carries its video after the JPEG: the photo goes alone.
    let photoOnly = false;
    if (!type && reason === 'trailing') {
      const n = this.e._with((s) => this.M._bbw_file_jpeg_length(s.bytes(bytes), bytes.length));
      if (n > 0) { bytes = bytes.subarray(0, n); ({ type, reason } = this.sniff(bytes)); photoOnly = type === 2; }
    }
    if (!type) return refuse(`type:${reason}`);
    // Bytes that are not what the file says it is (a PNG named .pdf) are refused, not relabelled.
    const claimed = claimedType(name, mime);
    if (claimed !== type) return refuse(claimed ? 'mismatch' : 'type:name');
    const out = type === 1 || keepMetadata ? bytes : this.strip(type, bytes);
    let id;
    try {
      id = this.core.sendFile(type, shown, out, this.nowUs());
    } catch (e) {
      return refuse(e.code === -10 ? 'busy' : e.code === -11 ? 'alone' : `engine:${e.code ?? 0}`);
    }
    this.post({ what: 'sending', id, from: this.feedId, name: shown, size: out.length, fileType: type,
      stripped: out !== bytes, photoOnly });
  }

  cancel({ owner, id }) {
    try { this.core.cancelFile(Number(owner), Number(id), this.nowUs()); } catch { /* already over */ }
  }

  /** A CallCore file event, to the page (a whole file's bytes transferred). */
  event(ev) {
    const { type, ...rest } = ev;
    this.post({ what: type, ...rest }, ev.data ? [ev.data.buffer] : []);
  }
}
