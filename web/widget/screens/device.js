// Screen: device check before the waiting room — camera preview, a live
// microphone level, a speaker test tone, and plain help when the browser
// refuses access. The stream is kept (ctx.store.localStream) for the call.
import { h, uid } from '../../ui/dom.js';

export async function openLocalMedia(store) {
  if (store.localStream) return store.localStream;
  if (!navigator.mediaDevices?.getUserMedia) throw Object.assign(new Error('no mediaDevices'), { name: 'NotFoundError' });
  store.localStream = await navigator.mediaDevices.getUserMedia({
    video: { width: { ideal: 640 }, height: { ideal: 360 }, facingMode: 'user' }, audio: { echoCancellation: true, noiseSuppression: true },
  });
  return store.localStream;
}

export function deviceScreen(ctx, data) {
  const { t } = ctx;
  const officer = data.call.officer.displayName || '';
  const video = h('video', { class: 'bb-preview', muted: true, autoplay: true, playsinline: true, 'aria-label': t('device.previewLabel') });
  video.muted = true;
  const meterId = uid('bb-mic');
  const meter = h('meter', { id: meterId, min: 0, max: 100, low: 10, high: 90, optimum: 50, value: 0, class: 'bb-meter' });
  const status = h('div', { class: 'bb-device-status' }, h('p', { class: 'utrecht-paragraph' }, t('device.asking')));
  const played = h('p', { class: 'utrecht-paragraph bb-small', hidden: true }, t('device.speakerPlayed'));
  let timer = null, audioCtx = null;

  async function start() {
    status.replaceChildren(h('p', { class: 'utrecht-paragraph' }, t('device.asking')));
    try {
      const stream = await openLocalMedia(ctx.store);
      if (!ctx.isCurrent()) return;
      video.srcObject = stream;
      status.replaceChildren(h('div', { class: 'utrecht-alert utrecht-alert--ok' }, h('div', { class: 'utrecht-alert__content' },
        h('p', { class: 'utrecht-paragraph' }, t('device.ready')))));
      ctx.announce(t('device.ready'));
      startMeter(stream);
    } catch (err) {
      if (!ctx.isCurrent()) return;
      const denied = err && (err.name === 'NotAllowedError' || err.name === 'SecurityError');
      status.replaceChildren(h('div', { class: 'utrecht-alert utrecht-alert--error', 'data-problem': denied ? 'denied' : 'no-device' },
        h('div', { class: 'utrecht-alert__content' },
          h('p', { class: 'utrecht-paragraph bb-strong' }, t(denied ? 'device.denied' : 'device.noDevice')),
          denied && h('ol', {}, t('device.deniedHelp').map((s) => h('li', {}, s))),
          h('p', { class: 'utrecht-paragraph' }, t('device.deniedAlt')),
          h('button', { type: 'button', class: 'utrecht-button utrecht-button--secondary-action', onclick: start }, t('device.retry')))));
      ctx.announce(t(denied ? 'device.denied' : 'device.noDevice'));
    }
  }

  function startMeter(stream) {
    if (!stream.getAudioTracks().length || timer) return;
    audioCtx = new AudioContext();
    const analyser = audioCtx.createAnalyser();
    analyser.fftSize = 512;
    audioCtx.createMediaStreamSource(stream).connect(analyser);
    const buf = new Float32Array(analyser.fftSize);
    // 10 updates a second is enough to see speech and keeps the CPU calm.
    timer = setInterval(() => {
      analyser.getFloatTimeDomainData(buf);
      let sum = 0;
      for (const x of buf) sum += x * x;
      const db = 20 * Math.log10(Math.sqrt(sum / buf.length) + 1e-9);   // -90 .. 0 dBFS
      meter.value = Math.max(0, Math.min(100, Math.round((db + 60) * 100 / 60)));
    }, 100);
  }

  function testSpeaker() {
    const ac = new AudioContext();
    const osc = ac.createOscillator(), gain = ac.createGain();
    osc.frequency.value = 660;
    gain.gain.setValueAtTime(0.2, ac.currentTime);
    gain.gain.exponentialRampToValueAtTime(0.001, ac.currentTime + 0.7);
    osc.connect(gain).connect(ac.destination);
    osc.onended = () => { ac.close(); played.hidden = false; ctx.announce(t('device.speakerPlayed')); };
    osc.start();
    osc.stop(ac.currentTime + 0.7);
  }

  queueMicrotask(start);
  return {
    heading: t('device.heading'),
    destroy() { clearInterval(timer); timer = null; if (audioCtx) audioCtx.close(); },
    node: h('div', {},
      h('p', { class: 'utrecht-paragraph' }, t('device.intro', { officer })),
      status,
      h('div', { class: 'bb-device-grid' },
        h('section', { class: 'bb-panel', 'aria-labelledby': `${meterId}-pv` },
          h('h4', { class: 'bb-h4', id: `${meterId}-pv` }, t('device.preview')), video),
        h('section', { class: 'bb-panel' },
          h('h4', { class: 'bb-h4' }, h('label', { for: meterId }, t('device.mic'))),
          h('p', { class: 'utrecht-paragraph bb-small' }, t('device.micHint')), meter,
          h('h4', { class: 'bb-h4' }, t('device.speaker')),
          h('p', { class: 'utrecht-paragraph bb-small' }, t('device.speakerHint')),
          h('button', { type: 'button', class: 'utrecht-button utrecht-button--secondary-action', onclick: testSpeaker }, t('device.speaker')),
          played)),
      h('div', { class: 'bb-actions' },
        h('button', { type: 'button', class: 'utrecht-button utrecht-button--primary-action', onclick: () => ctx.go('waiting', data) }, t('device.continue')))),
  };
}
