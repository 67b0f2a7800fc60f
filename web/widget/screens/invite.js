// Screens around an invitation link: joining (which redeems the one-time
// token, on the person's click), and the page shown when a link is used,
// expired, unknown or malformed.
import { h } from '../../ui/dom.js';
import { redeemInvitation } from '../api.js';
import { serviceMessage } from '../i18n.js';

export function redeemScreen(ctx, { token }) {
  const { t } = ctx;
  // The link is used only when the person chooses to join: a mail scanner
  // or a link preview that runs the page must not burn it.
  if (!ctx.store.redeem) {
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
