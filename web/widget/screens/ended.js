// Screen: the call is over (or the citizen left the waiting room). After a
// call, two optional questions for the pilot, answered anonymously (the
// service counts them per week and neighbourhood, tied to no one).
import { h } from '../../ui/dom.js';
import { sendFeedback } from '../api.js';
import { serviceMessage } from '../i18n.js';
import { choices } from './request.js';
import { downloadLink } from '../../ui/statement-view.js';

function questions(ctx, token) {
  const { t } = ctx;
  const problem = h('p', { class: 'utrecht-form-field-error-message', hidden: true, tabindex: '-1' });
  const box = h('div', { class: 'bb-feedback' });
  const form = h('form', { class: 'bb-form', novalidate: true, 'aria-labelledby': 'bb-fb-heading' },
    h('p', { class: 'utrecht-paragraph' }, t('ended.fbIntro')),
    choices(ctx, { name: 'how', legend: t('ended.how'), type: 'radio',
      options: [1, 2, 3, 4, 5].map((n) => [String(n), t(`ended.how${n}`)]), checked: () => false }),
    choices(ctx, { name: 'again', legend: t('ended.again'), type: 'radio',
      options: ['yes', 'no', 'unsure'].map((a) => [a, t(`ended.${a}`)]), checked: () => false }),
    problem,
    h('div', { class: 'bb-actions' },
      h('button', { type: 'submit', class: 'utrecht-button utrecht-button--primary-action' }, t('ended.send')),
      h('button', { type: 'button', class: 'utrecht-button utrecht-button--secondary-action', onclick: () => done('ended.fbSkipped') }, t('ended.skip'))));
  function done(key) {
    ctx.store.feedbackDone = token;
    const msg = h('p', { class: 'utrecht-paragraph', tabindex: '-1', 'data-feedback': key === 'ended.fbThanks' ? 'sent' : 'skipped' }, t(key));
    box.replaceChildren(msg);
    msg.focus();
    ctx.announce(t(key));
  }
  function say(msg) {
    problem.textContent = msg;
    problem.hidden = false;
    problem.focus();
    ctx.announce(msg);
  }
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const fd = new FormData(form);
    const how = Number(fd.get('how')) || 0, again = fd.get('again');
    if (!how && !again) return say(t('ended.fbNone'));
    const r = await sendFeedback({ token, ...(how && { how }), ...(again && { again }) }, ctx.apiOptions);
    if (!ctx.isCurrent()) return;
    // Answered before, or expired: nothing more to ask; thanks all the same.
    if (r.ok || r.status === 404) return done('ended.fbThanks');
    say(r.status === 0 ? t('errors.network') : serviceMessage(ctx.lang, r.error.message, 'errors.server'));
  });
  box.append(h('h4', { class: 'utrecht-heading-4', id: 'bb-fb-heading' }, t('ended.fbHeading')), form);
  return box;
}

export function endedScreen(ctx, data) {
  const { t } = ctx;
  const copy = ctx.store.signedStatement;
  const link = copy ? downloadLink(t, copy.pdf, copy.reference, copy.version) : null;
  const secs = Math.max(0, Math.round(data.durationS ?? 0));
  const token = !data.left && ctx.store.feedbackDone !== data.call?.feedbackToken ? data.call?.feedbackToken : null;
  return {
    heading: t(data.left ? 'ended.leftHeading' : 'ended.heading'),
    destroy() { link?.free(); },
    node: h('div', {},
      h('p', { class: 'utrecht-paragraph' }, t(data.left ? 'ended.leftText' : 'ended.thanks')),
      !data.left && data.durationS != null && h('p', { class: 'utrecht-paragraph' }, t('ended.duration', { min: Math.floor(secs / 60), sec: secs % 60 })),
      link && h('p', { class: 'utrecht-paragraph' }, t('statement.keepCopy'), ' ', link.node),
      token && questions(ctx, token),
      h('div', { class: 'bb-actions' },
        h('button', { type: 'button', class: 'utrecht-button utrecht-button--secondary-action', onclick: () => ctx.go('request') }, t('ended.close')))),
  };
}
