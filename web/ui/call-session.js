// The interface between a call and what people see of it: the widget's
// waiting-room and in-call screens and the officer console's call panel (both
// through call-view.js). The real implementation (web/engine/call.js: Janus +
// the WASM engine) and the test fake (tests/browser/fake-call.js) both provide
// this shape; the views use nothing else. In the widget, the host (or the call
// module) installs a factory:
//
//   widget.callSessionFactory = ({ call, invite, localStream, lang, worker }) => session
//
// `call` is the redeemed invitation (api.js redeemInvitation: room, janusUrl,
// janusToken, participantId, officer), `invite` the call's end-to-end secret
// from the link's fragment (never sent to a server), `localStream` the
// MediaStream from the device check (may be null when access was refused),
// `worker` the engine Worker the widget already started (web/engine/worker.js;
// its self-test passed when widget.engineState is 'ready'), so the call can
// reuse it (e.g. for web/engine/transport.js) instead of loading a second one.
//
// A session is an EventTarget. Properties (read by the screens at any time):
//   state     'connecting' | 'waiting' | 'connected' | 'reconnecting' | 'ended'
//   tiles     [{ id, name, role: 'officer'|'citizen'|'interpreter'|'captioner'|'colleague', canvas: HTMLCanvasElement,
//               playing: boolean (a frame has been drawn) }]
//             everyone the end-to-end handshake authenticated (who holds the
//             call's keys), with the role and name they proved; their remote
//             video, already rendered into canvases by the call
//   identity  null | { verified: boolean, name, team, neighbourhood?, sas,
//             reason?: 'expired'|'unknown_ca'|'revoked'|'wrong_officer'|'bad_signature' } — from the E2EE
//             handshake: verified = the officer's certificate chains to the
//             pinned police root; sas = the short authentication string both
//             sides read aloud; people = how many are in the key agreement,
//             this participant included (shown beside the code)
//   quality   'good' | 'fair' | 'poor'
//   fileLimits null | { maxBytes, maxName } — what the engine takes (from C)
//   recording boolean: the officer records the call (told before the first
//             recorded frame, until after the last)
// Events (CustomEvent, detail as shown):
//   reason    why the state became 'ended', when not by hanging up: 'unauthorized' |
//             'no_room' (Janus refused the call) | 'police_trust' (the police
//             root or its revocation list did not check out: nobody could be
//             verified) | 'engine_failed' (the engine could not start the call) |
//             'webrtc_failed' (this browser cannot make a WebRTC connection)
//   'state'    { state, reason? }     after state changed
//   'tiles'    {}                     tiles added, removed or renamed
//   'identity' {}                     identity set or changed
//   'quality'  {}                     quality changed
//   'frame'    { feedId }             a tile's video shows a (new) frame
//   'rtt'      { from, name, text, final }  the other side's current line,
//              as typed (sent at least every 500 ms); final = line done
//   'caption'  { from, name, text, final }  a speech-to-text interpreter's line
//   'document' { what, ... }          the statement's progress (web/engine/messages.js: doc):
//              'statement' {json, version, frozen} (citizen: a version arrived),
//              'shared' | 'problem' {reason, field} (officer: shared or refused),
//              'consent' {decision} | 'stamp' {request} (officer), 'consent-sent',
//              'signed' {pdf, version, timestamp, signer?}, 'error' {stage, code, en, nl}
//   'file'     { what, from, id, ... }  files shared in the call (web/engine/call-files.js):
//              'refused' {name, reason} | 'sending' {name, size, fileType, stripped} (ours) |
//              'file-offer' {name, size, sender} | 'file-progress' {done, size} |
//              'file' {name, data, fileType, sha256, sender} (whole and checked) |
//              'file-ended' {end: 'delivered'|'cancelled'|'declined'|'no-room'|'damaged'|
//              'wrong-type'|'left', by?, byName?}
//   'recording' { what, ... }        recording (web/engine/call-recording.js): everyone
//              'notice' {on, by}; the officer 'state' {state: 'announcing'|'recording'|
//              'ending'|'off', seals, bytes} | 'stamp' {request} | 'bytes' {data} | 'manifest' {manifest: Blob} |
//              'done' {manifest: Blob, complete, seals, bytes, frames, dropped} | 'error' {code, en, nl}
// Methods:
//   setMicrophone(on), setCamera(on)            local tracks on/off
//   switchCamera() -> Promise<MediaStream|null>  next camera (front/back)
//   sendText(text, final)                       my current RTT line (whole line, each keystroke)
//   pinTile(id | null)                          sign-language mode: enlarge this tile and
//                                               ask for frame rate first (resolution drops first)
//   shareStatement(json)                        officer: a version of the statement to everyone
//   consentStatement(decision, version)         citizen: 'sign' | 'refuse' the frozen version
//   answerTimestamp(bytes | null)               officer: the time-stamping service's answer
//   shareFile(File | {name, bytes}, {keepMetadata})  a PDF or photo to everyone in the call
//   cancelFile(owner, id)                       ours for everyone, or someone's for us
//   startRecording(title, {self, citizen}), stopRecording()   officer: record the call
//   answerRecordingStamp(bytes | null)          officer: the answer to a seal's stamp
//   hangUp()                                    leave; the state becomes 'ended'
//
// Text from the network is shown with textContent only and cut to MAX_TEXT.

export const MAX_TEXT = 2000;
export const STATES = ['connecting', 'waiting', 'connected', 'reconnecting', 'ended'];
export const QUALITIES = ['good', 'fair', 'poor'];

/** A value from outside as text of at most n UTF-16 units ('' when it is no string). */
export function clip(v, n) {
  return typeof v === 'string' ? v.slice(0, n) : '';
}

/** The subset of a detail's text the screens may show. */
export function safeText(v) {
  return clip(v, MAX_TEXT);
}

/** Is `s` shaped like a session? Screens refuse anything else (clear error, not a crash). */
export function isCallSession(s) {
  return !!s && typeof s.addEventListener === 'function' &&
    ['setMicrophone', 'setCamera', 'switchCamera', 'sendText', 'pinTile', 'hangUp'].every((m) => typeof s[m] === 'function');
}
