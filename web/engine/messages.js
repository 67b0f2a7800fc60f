// The messages between the page (call.js) and the engine Worker (worker.js,
// call-worker.js) during a call: one name per kind, used on both sides.
//
// page -> Worker
//   start {config}                 start the call (config: see call-worker.js)
//   video {frame, captureMs}       a camera picture: a VideoFrame (transferred)
//                                  or {rgba, width, height}; the next one only
//                                  after videoDone
//   audio {pcm, captureMs}         20 ms of microphone audio (without a mic port)
//   recv {feedId, data, atMs}      a data-channel message and the feed it came on
//   text {text, final, kind}       a line of real-time text or a caption to send
//   peerJoined {feedId}            the SFU announced a participant
//   peerLeft {feedId}              the SFU says a participant left
//   renew                          the call moved to another SFU: our key is renewed
//   profile {profile}              'default' | 'signLanguage' | 'lowBandwidth'
//   doc {what: 'statement', json}  officer: a new version of the statement
//   doc {what: 'consent', decision, version}   citizen: sign or refuse the frozen version
//   doc {what: 'timestamp', response}          officer: the time-stamping service's answer
//   file {what: 'send', name, mime, bytes, keepMetadata} | {what: 'cancel', owner, id}
//   rec {what: 'start', title, names: {self, citizen}} | {what: 'stop'}
//                                  officer: record the call (call-recording.js)
//   rec {what: 'timestamp', response}          officer: the answer to a seal's stamp
//   micPort {port}, speakerPort {port}  audio worklets' ports (worker.js)
//   plain                          test hook: the media messages kept as made and sent
//   codecFail                      test hook: the browser's codecs fail now
//   stop                           end the call
// Worker -> page
//   send {msgs}                    data-channel messages to send (when the
//                                  Worker does not hold the channel itself)
//   videoDone                      the camera picture was taken
//   frame {feedId, width, height, captureMs, atMs, i420 | frame}
//   pcm {pcm}                      20 ms of the peers' audio, mixed
//   micRate {rate}                 the microphone's sample rate is unusable
//   text {feedId, kind, text, final}
//   status {peers, sas, officerFailure, rejected, counts, media}
//   doc {what, ...}                the statement's progress (call-documents.js):
//                                  'shared' | 'problem' | 'statement' | 'consent-sent' |
//                                  'consent' | 'stamp' {request} | 'signed' {pdf} | 'error'
//   file {what, ...}               files shared in the call (call-files.js)
//   rec {what, ...}                recording (call-recording.js): 'state' {state, seals,
//                                  bytes} | 'stamp' {request} | 'bytes' {data} |
//                                  'manifest' {json} | 'done' {manifest, complete} |
//                                  'notice' {on, by} | 'error'
//   plain {plain, wire}            answer to the test hook
//   error {code, en, nl}
export const Msg = Object.freeze({
  start: 'call-start', video: 'call-video', audio: 'call-audio', recv: 'call-recv', text: 'call-text',
  peerJoined: 'call-peer-joined', peerLeft: 'call-peer-left', renew: 'call-renew', profile: 'call-profile',
  doc: 'call-doc', file: 'call-file', rec: 'call-rec', micPort: 'call-mic-port', speakerPort: 'call-speaker-port', plain: 'call-plain', codecFail: 'call-codec-fail',
  stop: 'call-stop',
  send: 'call-send', videoDone: 'call-video-done', frame: 'call-frame', pcm: 'call-pcm', micRate: 'call-mic-rate',
  status: 'call-status', error: 'call-error',
});

/** Whether a message belongs to a call (the Worker routes these to it). */
export const isCallMessage = (type) => typeof type === 'string' && type.startsWith('call-');
