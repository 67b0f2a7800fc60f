// Screen: the call is over (or the citizen left the waiting room).
import { h } from '../../ui/dom.js';

export function endedScreen(ctx, data) {
  const { t } = ctx;
  const secs = Math.max(0, Math.round(data.durationS ?? 0));
  return {
    heading: t(data.left ? 'ended.leftHeading' : 'ended.heading'),
    node: h('div', {},
      h('p', { class: 'utrecht-paragraph' }, t(data.left ? 'ended.leftText' : 'ended.thanks')),
      !data.left && data.durationS != null && h('p', { class: 'utrecht-paragraph' }, t('ended.duration', { min: Math.floor(secs / 60), sec: secs % 60 })),
      h('div', { class: 'bb-actions' },
        h('button', { type: 'button', class: 'utrecht-button utrecht-button--secondary-action', onclick: () => ctx.go('request') }, t('ended.close')))),
  };
}
