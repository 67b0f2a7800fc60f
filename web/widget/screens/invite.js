// Screens around an invitation link: joining (which redeems the one-time
// token, on the person's click), the page shown when a link is used,
// expired, unknown or malformed, and the way out where this browser cannot
// make the call at all (the link is then left unused).
import { h } from '../../ui/dom.js';
import { redeemInvitation } from '../api.js';
import { serviceMessage } from '../i18n.js';
import { missingForCall } from '../../engine/support.js';

/** Why this browser cannot make a call ('webrtc', …, 'engine'), or an empty list. */
export function cannotCallHere(ctx) {
  const missing = missingForCall();
  // A changed engine file is the website's fault, said as such in the waiting room.
  if (ctx.engineState() === 'failed' && ctx.engineInfo()?.code !== 'integrity') missing.push('engine');
  return missing;
}

export function redeemScreen(ctx, { token }) {
  const { t } = ctx;
  // The link is used only when the person chooses to join: a mail scanner
  // or a link preview that runs the page must not burn it.
  if (!ctx.store.redeem) {
    const missing = cannotCallHere(ctx);
    if (missing.length) {
      queueMicrotask(() => ctx.go('cannotCall', { missing }));
      return { heading: t('invite.heading'), node: h('p', { class: 'utrecht-paragraph' }, t('invite.checking')) };
    }
    const join = h('button', { type: 'button', class: 'utrecht-button utrecht-button--primary-action',
      onclick: () => {
        // One request per token, even if the screen is re-rendered (language switch).
        ctx.store.redeem ??= redeemInvitation(token, ctx.apiOptions);
        ctx.go('redeem', { token });
      } }, t('invite.join'));
    return {
      heading: t('invite.heading'),
      node: h('div', {}, h('p', { class: 'utrecht-paragraph' }, t('invite.intro')), h('div', { class: 'bb-actions' }, join)),
    };
  }
  queueMicrotask(async () => {
    const r = await ctx.store.redeem;
    if (!ctx.isCurrent()) return;
    if (r.ok) return ctx.go('device', { call: r.data });
    const key = r.status === 0 ? 'errors.network' : 'errors.server';
    ctx.go('inviteFailed', { message: r.status >= 500 || r.status === 0 ? t(key) : serviceMessage(ctx.lang, r.error.message, key) });
  });
  return { heading: t('invite.heading'), node: h('p', { class: 'utrecht-paragraph bb-busy' }, t('invite.checking')) };
}

export function inviteFailedScreen(ctx, { message }) {
  const { t } = ctx;
  return {
    heading: t('invite.failedHeading'),
    node: h('div', {},
      h('div', { class: 'utrecht-alert utrecht-alert--error' }, h('div', { class: 'utrecht-alert__content' },
        h('p', { class: 'utrecht-paragraph bb-strong' }, message))),
      h('p', { class: 'utrecht-paragraph' }, t('invite.help')),
      h('div', { class: 'bb-actions' },
        h('button', { type: 'button', class: 'utrecht-button utrecht-button--secondary-action', onclick: () => ctx.go('request') }, t('invite.backToForm')))),
  };
}

export function cannotCallScreen(ctx, { missing }) {
  const { t } = ctx;
  ctx.announce(t('cannotCall.heading'));
  return {
    heading: t('cannotCall.heading'),
    node: h('div', { 'data-missing': missing.join(' ') },
      h('div', { class: 'utrecht-alert utrecht-alert--warning' }, h('div', { class: 'utrecht-alert__content' },
        h('p', { class: 'utrecht-paragraph bb-strong' }, t('cannotCall.intro')),
        h('ul', {}, missing.map((m) => h('li', {}, t(`cannotCall.${m}`)))))),
      h('p', { class: 'utrecht-paragraph' }, t('cannotCall.linkKept')),
      h('p', { class: 'utrecht-paragraph' }, t('cannotCall.phone')),
      h('div', { class: 'bb-actions' },
        h('button', { type: 'button', class: 'utrecht-button utrecht-button--secondary-action', onclick: () => ctx.go('request') }, t('cannotCall.backToForm')))),
  };
}
