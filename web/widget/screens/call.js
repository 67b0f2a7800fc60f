// Screen: the call. The in-call view shared with the officer's console
// (ui/call-view.js: badge and code, tiles, controls, real-time text) plus
// what only the widget does around it: the reconnecting banner, the
// announcements, and the way to the "ended" screen.
import { h } from '../../ui/dom.js';
import { callView, newViewState } from '../../ui/call-view.js';
import { statementPanel } from '../../ui/statement-view.js';
import { filePanel } from '../../ui/file-share.js';

export function callScreen(ctx, data) {
  const { t } = ctx;
  const s = ctx.store.session;
  const st = ctx.store.call ??= { view: newViewState(), startedAt: Date.now() };
  const officer = data.call.officer.displayName;
  const view = callView({ t, session: s, state: st.view, localStream: ctx.store.localStream, otherName: officer, level: 4,
    onLocalStream: (stream) => { ctx.store.localStream = stream; } });

  const statement = statementPanel({ t, session: s, role: data.call.role === 'interpreter' ? 'reader' : 'citizen',
    level: 3, announce: ctx.announce,
    onSigned: (copy) => { ctx.store.signedStatement = copy; } });
  const files = filePanel({ t, session: s, level: 3, announce: ctx.announce, loadPdf: ctx.loadPdf });
  const banner = h('div', { class: 'utrecht-alert utrecht-alert--warning bb-banner', role: 'alert', hidden: true },
    h('div', { class: 'utrecht-alert__content' }, h('p', { class: 'utrecht-paragraph' }, t('call.reconnecting'))));
  banner.hidden = s.state !== 'reconnecting';
  let wasReconnecting = false;
  const onState = () => {
    banner.hidden = s.state !== 'reconnecting';
    if (s.state === 'reconnecting') wasReconnecting = true;
    else if (s.state === 'connected' && wasReconnecting) { wasReconnecting = false; ctx.announce(t('call.reconnected')); }
    else if (s.state === 'ended') ctx.go('ended', { ...data, left: false, durationS: (Date.now() - st.startedAt) / 1000 });
  };
  s.addEventListener('state', onState);
  if (!ctx.store.callAnnounced) {
    ctx.store.callAnnounced = true;
    ctx.announce(t('call.connected', { officer }));
    ctx.emit('call-started', { callId: data.call.callId });
  }

  return {
    heading: t('call.heading', { officer }),
    destroy() { s.removeEventListener('state', onState); view.destroy(); statement.destroy(); files.destroy(); },
    node: h('div', { class: 'bb-call-screen' }, banner, view.node, statement.node, files.node),
  };
}
