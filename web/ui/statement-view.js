// The statement in the call (an aangifte), shared by the officer's console and
// the citizen's widget. The officer drafts it in a form and shares versions;
// the citizen reads each version as plain text, with what changed named in
// words; once the officer freezes a version the citizen signs it or not; then
// both can download the signed PDF. The call session does the work
// (call-session.js: shareStatement, consentStatement, answerTimestamp and the
// 'document' event); texts come from the host's t() under 'statement.*'.
import { h, uid } from './dom.js';
import { safeText } from './call-session.js';

/** The statement's fields, in the order both the form and the PDF show them. */
export const STATEMENT_FIELDS = Object.freeze([
  { key: 'citizen', lines: false }, { key: 'when', lines: false }, { key: 'where', lines: false },
  { key: 'goods', lines: false }, { key: 'what', lines: true }, { key: 'own_words', lines: true },
]);
const SHORT_MAX = 1000, LONG_MAX = 16000;

/** A link that downloads pdf; free() lets go of its object URL. */
export function downloadLink(t, pdf, reference, version) {
  const url = URL.createObjectURL(new Blob([pdf], { type: 'application/pdf' }));
  const a = h('a', { class: 'utrecht-link bb-statement-download', href: url,
    download: `verklaring-${reference}-v${version}.pdf` }, t('statement.download'));
  return { node: a, free: () => URL.revokeObjectURL(url) };
}

/** What the citizen sees: each version as text, the changes named, and the choice once it is frozen. */
function citizenPanel({ t, session, level, announce, onSigned, canChoose = true }) {
  const id = uid('bb-stmt');
  let current = null, previous = null, link = null, chosen = false;
  const heading = h(`h${level}`, { id: `${id}-h` });
  const status = h('p', { class: 'utrecht-paragraph bb-statement-status', role: 'status' });
  const body = h('dl', { class: 'bb-statement-fields' });
  const question = h('div', { class: 'bb-statement-choice', hidden: true });
  const done = h('p', { class: 'utrecht-paragraph', hidden: true });
  const node = h('section', { class: 'bb-statement', 'aria-labelledby': `${id}-h`, hidden: true },
    heading, status, body, question, done);

  function render() {
    const s = current.statement;
    heading.textContent = t('statement.heading', { version: s.version });
    const changed = STATEMENT_FIELDS.filter((f) => previous && previous.fields[f.key] !== s.fields[f.key]);
    body.replaceChildren(...STATEMENT_FIELDS.flatMap((f) => [
      h('dt', {}, t(`statement.field.${!canChoose && f.key === 'own_words' ? 'theirWords' : f.key}`),
        changed.includes(f) ? h('span', { class: 'bb-statement-changed' }, ` (${t('statement.changed')})`) : null),
      h('dd', {}, ...safeText(s.fields[f.key] || t('statement.empty')).split('\n').flatMap((l, i) => (i ? [h('br'), l] : [l]))),
    ]));
    status.textContent = !canChoose ? t('statement.readAlong') : current.frozen ? t('statement.frozen') : t('statement.draft');
    question.hidden = !current.frozen || chosen || !canChoose;
    if (previous) {
      announce(t('statement.newVersion', { version: s.version,
        fields: changed.length ? changed.map((f) => t(`statement.field.${f.key}`)).join(', ') : t('statement.nothingChanged') }));
    } else announce(t('statement.arrived', { version: s.version }));
  }

  function choose(decision) {
    const confirm = h('div', { class: 'bb-statement-confirm', role: 'group', 'aria-labelledby': `${id}-c` },
      h('p', { class: 'utrecht-paragraph', id: `${id}-c` },
        t(decision === 'sign' ? 'statement.confirmSign' : 'statement.confirmRefuse', { version: current.statement.version })),
      h('div', { class: 'bb-actions' },
        h('button', { type: 'button', class: 'utrecht-button utrecht-button--primary-action', onclick: () => {
          chosen = true;
          session.consentStatement(decision, current.statement.version);
          question.hidden = true;
          status.textContent = t(decision === 'sign' ? 'statement.signing' : 'statement.refused');
        } }, t(decision === 'sign' ? 'statement.yesSign' : 'statement.yesRefuse')),
        h('button', { type: 'button', class: 'utrecht-button utrecht-button--secondary-action', onclick: ask },
          t('statement.back'))));
    question.replaceChildren(confirm);
    confirm.querySelector('button').focus();
  }

  function ask() {
    question.replaceChildren(
      h('p', { class: 'utrecht-paragraph' }, t('statement.readFirst')),
      h('div', { class: 'bb-actions' },
        h('button', { type: 'button', class: 'utrecht-button utrecht-button--primary-action', onclick: () => choose('sign') },
          t('statement.sign')),
        h('button', { type: 'button', class: 'utrecht-button utrecht-button--secondary-action', onclick: () => choose('refuse') },
          t('statement.refuse'))),
      h('p', { class: 'utrecht-paragraph bb-hint' }, t('statement.askChange')));
  }

  function onDocument(e) {
    const d = e.detail ?? {};
    if (d.what === 'statement') {
      if (current && current.json === d.json) return;   // the same version again (someone joined)
      let statement;
      try { statement = JSON.parse(d.json); } catch { return; }
      previous = current?.statement ?? null;
      current = { statement, json: d.json, frozen: !!d.frozen };
      chosen = false;
      node.hidden = false;
      done.hidden = true;
      ask();
      render();
    } else if (d.what === 'signed' && current) {
      link?.free();
      link = downloadLink(t, d.pdf, current.statement.reference, current.statement.version);
      status.textContent = t('statement.signed', { name: d.signer?.name ?? '' });
      done.replaceChildren(link.node);
      done.hidden = false;
      announce(t('statement.signedAnnounce'));
      onSigned?.({ pdf: d.pdf, reference: current.statement.reference, version: current.statement.version });
    } else if (d.what === 'error') {
      status.textContent = t('statement.failed');
    }
  }
  session.addEventListener('document', onDocument);
  return { node, destroy() { session.removeEventListener('document', onDocument); link?.free(); } };
}

/** What the officer sees: the form, sharing versions, freezing one, and the signing's progress. */
function officerPanel({ t, session, level, announce, statement: base, onStamp, onKeep }) {
  const id = uid('bb-stmt');
  let version = 0, link = null, frozen = false;
  const inputs = new Map();
  const errors = new Map();
  const fields = STATEMENT_FIELDS.map((f) => {
    const fid = `${id}-${f.key}`;
    const attrs = { id: fid, name: f.key, maxlength: f.lines ? LONG_MAX : SHORT_MAX, 'aria-describedby': `${fid}-err` };
    const input = f.lines
      ? h('textarea', { ...attrs, class: 'utrecht-textarea utrecht-textarea--html-textarea', rows: 4 })
      : h('input', { ...attrs, type: 'text', class: 'utrecht-textbox utrecht-textbox--html-input' });
    const err = h('p', { id: `${fid}-err`, class: 'utrecht-form-field-error-message', hidden: true });
    inputs.set(f.key, input);
    errors.set(f.key, err);
    return h('div', { class: 'utrecht-form-field' },
      h('label', { class: 'utrecht-form-label', for: fid }, t(`statement.field.${f.key}`)), err, input);
  });
  const status = h('p', { class: 'utrecht-paragraph bb-statement-status', role: 'status' });
  const share = h('button', { type: 'button', class: 'utrecht-button utrecht-button--secondary-action' }, t('statement.share'));
  const freeze = h('button', { type: 'button', class: 'utrecht-button utrecht-button--primary-action' }, t('statement.freeze'));
  const done = h('p', { class: 'utrecht-paragraph', hidden: true });
  const node = h('section', { class: 'bb-statement', 'aria-labelledby': `${id}-h` },
    h(`h${level}`, { id: `${id}-h` }, t('statement.editorHeading')),
    h('p', { class: 'utrecht-paragraph bb-hint' }, t('statement.editorHint')),
    ...fields, h('div', { class: 'bb-actions' }, share, freeze), status, done);

  const json = (frozenAt) => JSON.stringify({ v: 1, version, reference: base.reference, lang: base.lang,
    frozen_at: frozenAt, officer: base.officer,
    fields: Object.fromEntries(STATEMENT_FIELDS.map((f) => [f.key, inputs.get(f.key).value])) });
  function send(frozenAt) {
    for (const err of errors.values()) err.hidden = true;
    for (const input of inputs.values()) input.removeAttribute('aria-invalid');
    version += 1;
    frozen = frozenAt > 0;
    session.shareStatement(json(frozenAt));
  }
  share.addEventListener('click', () => send(0));
  freeze.addEventListener('click', () => send(Math.floor(Date.now() / 1000)));
  for (const input of inputs.values()) input.addEventListener('input', () => { if (frozen) status.textContent = t('statement.editedAfterFreeze'); });

  async function onDocument(e) {
    const d = e.detail ?? {};
    if (d.what === 'problem') {
      version -= 1;
      const err = d.field && errors.get(d.field);
      if (err) {
        err.textContent = t(`statement.problem.${d.reason}`);
        err.hidden = false;
        inputs.get(d.field).setAttribute('aria-invalid', 'true');
        inputs.get(d.field).focus();
      }
      status.textContent = t('statement.notShared');
    } else if (d.what === 'shared') {
      status.textContent = t(d.frozen ? 'statement.frozenShared' : 'statement.shared', { version: d.version });
    } else if (d.what === 'consent') {
      status.textContent = t(d.decision === 'sign' ? 'statement.citizenSigns' : 'statement.citizenRefuses', { version: d.version });
      announce(status.textContent);
    } else if (d.what === 'stamp') {
      let response = null;
      try { response = await onStamp(d.request); } catch { response = null; }
      session.answerTimestamp(response);
    } else if (d.what === 'signed') {
      link?.free();
      link = downloadLink(t, d.pdf, base.reference, d.version);
      status.textContent = t('statement.signedOfficer', { version: d.version });
      done.replaceChildren(link.node);
      done.hidden = false;
      announce(status.textContent);
      if (onKeep) {
        // Kept with the request, as the record; the download stays either way.
        const kept = h('p', { class: 'utrecht-paragraph', role: 'status' }, t('statement.keeping'));
        done.after(kept);
        let ok = false;
        try { ok = await onKeep(d.pdf); } catch { ok = false; }
        kept.textContent = t(ok ? 'statement.kept' : 'statement.notKept');
        kept.dataset.kept = ok ? 'yes' : 'no';
      }
    } else if (d.what === 'error') {
      status.textContent = t('statement.failed');
    }
  }
  session.addEventListener('document', onDocument);
  return { node, destroy() { session.removeEventListener('document', onDocument); link?.free(); } };
}

/**
 * The statement panel: role 'officer' (statement: { reference, lang, officer: { name, number, team } },
 * onStamp(request bytes) -> Promise<response bytes>, onKeep(signed pdf) -> Promise<boolean>: kept with
 * the request), 'citizen' (onSigned({ pdf, reference, version }):
 * the signed copy, to keep past the call) or 'reader' (an interpreter: reads along, no choice).
 * announce(text): the host's live region.
 */
export function statementPanel({ t, session, role, level = 3, announce = () => {}, statement, onStamp, onKeep, onSigned }) {
  if (role === 'officer') return officerPanel({ t, session, level, announce, statement, onStamp, onKeep });
  // An interpreter reads along (to interpret it) but neither signs nor refuses.
  return citizenPanel({ t, session, level, announce, onSigned, canChoose: role === 'citizen' });
}
