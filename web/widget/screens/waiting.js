// Screen: the waiting room. The call session is created here (once) and
// lives in ctx.store.session; the screen moves on when the session does.
import { h } from '../../ui/dom.js';
import { isCallSession } from '../../ui/call-session.js';

export function waitingScreen(ctx, data) {
  const { t } = ctx;
  const o = data.call.officer;
  const status = h('p', { class: 'utrecht-paragraph bb-busy' }, t('waiting.connecting'));
  const problemText = h('p', { class: 'utrecht-paragraph' }, t('waiting.engineFailed'));
  const problem = h('div', { class: 'utrecht-alert utrecht-alert--error', role: 'alert', hidden: true },
    h('div', { class: 'utrecht-alert__content' }, problemText));
  let session = ctx.store.session, failure = ctx.engineInfo();
  if (!session && ctx.callSessionFactory) {
    try {
      const s = ctx.callSessionFactory({ call: data.call, invite: ctx.store.inviteKey ?? null,
        localStream: ctx.store.localStream ?? null, lang: ctx.lang, worker: ctx.worker() });
      if (isCallSession(s)) session = ctx.store.session = s;
    } catch (err) { session = null; failure = err; }
  }
  // No call implementation installed (or it failed): say so plainly instead of waiting forever.
  // A file of the engine or the police root that is not what this widget was built with is
  // named as such: that is the website's fault, not the browser's.
  if (!session && (ctx.callSessionFactory || ctx.engineState() === 'failed') && failure?.code !== 'pending') {
    problem.hidden = false;
    status.hidden = true;   // no call is being set up
    if (failure?.code === 'integrity') problemText.textContent = t('waiting.engineChanged');
  }

  // A call that ended before it began stays here with why, and a way on.
  const FAILED = { police_trust: 'waiting.trustFailed', engine_failed: 'waiting.engineFailed', webrtc_failed: 'waiting.engineFailed',
    unauthorized: 'waiting.callGone', no_room: 'waiting.callGone' };
  const onState = () => {
    if (session.state === 'connected') ctx.go('call', data);
    else if (session.state === 'ended' && FAILED[session.reason]) {
      problemText.textContent = t(FAILED[session.reason]);
      problem.hidden = false;
      status.hidden = true;
    } else if (session.state === 'ended') ctx.go('ended', { ...data, left: false });
  };
  if (session) { session.addEventListener('state', onState); queueMicrotask(onState); }

  return {
    heading: t('waiting.heading'),
    destroy() { if (session) session.removeEventListener('state', onState); },
    node: h('div', {},
      h('p', { class: 'utrecht-paragraph' }, t('waiting.text', { officer: o.displayName, team: o.team })),
      status, problem,
      h('div', { class: 'bb-actions' },
        h('button', {
          type: 'button', class: 'utrecht-button utrecht-button--secondary-action',
          onclick: () => { if (session) session.hangUp(); ctx.go('ended', { ...data, left: true }); },
        }, t('waiting.leave')))),
  };
}
