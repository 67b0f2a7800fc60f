// Screen: the request was accepted; the reference is the one thing to keep.
import { h } from '../../ui/dom.js';
import { cannotCallHere } from './invite.js';

export function confirmScreen(ctx, data) {
  const { t } = ctx;
  return {
    heading: t('confirm.heading'),
    node: h('div', {},
      h('div', { class: 'utrecht-alert utrecht-alert--ok' }, h('div', { class: 'utrecht-alert__content' },
        h('dl', { class: 'bb-reference' },
          h('dt', {}, t('confirm.reference')),
          h('dd', { 'data-reference': data.reference }, data.reference)))),
      h('p', { class: 'utrecht-paragraph' }, t('confirm.keep')),
      h('p', { class: 'utrecht-paragraph' }, t(data.preference === 'phone' ? 'confirm.phone' : 'confirm.video')),
      // Told now, while the reference is on screen, not when the officer's link fails to open.
      data.preference === 'video' && cannotCallHere(ctx).length > 0 && h('div', { class: 'utrecht-alert utrecht-alert--warning', 'data-no-video': '' },
        h('div', { class: 'utrecht-alert__content' }, h('p', { class: 'utrecht-paragraph' }, t('confirm.noVideoHere', { reference: data.reference })))),
      h('div', { class: 'bb-actions' },
        h('button', { type: 'button', class: 'utrecht-button utrecht-button--secondary-action', onclick: () => ctx.go('status', { reference: data.reference }) }, t('confirm.status')),
        h('button', { type: 'button', class: 'utrecht-button utrecht-button--secondary-action', onclick: () => ctx.go('request') }, t('confirm.again')))),
  };
}
