// Screen: a citizen looks up their request by reference and phone number
// (API.md "status", "cancel"), reads its state in plain words, and may
// cancel it after a confirmation step. A wrong phone number gets the same
// answer as an unknown reference: the service tells nobody more.
import { h } from '../../ui/dom.js';
import { requestStatus, cancelRequest } from '../api.js';
import { serviceMessage } from '../i18n.js';
import { field, normalisePhone, PHONE_RE } from './request.js';

const REFERENCE_RE = /^BB-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/;
const CANCELLABLE = ['queued', 'claimed', 'inviting'];

/** The reference as typed, made canonical: upper case, no spaces, dashes where they belong. */
export function normaliseReference(v) {
  const s = v.toUpperCase().replace(/[\s-]/g, '');
  return /^BB[0-9A-Z]{8}$/.test(s) ? `BB-${s.slice(2, 6)}-${s.slice(6)}` : v.trim().toUpperCase();
}

export function statusScreen(ctx, data) {
  const { t } = ctx;
  const v = ctx.store.lookup ??= { reference: data?.reference ?? '', phone: '' };
  if (data?.reference) v.reference = data.reference;
  const input = (name, type, extra) => h('input', { type, name, value: v[name], class: 'utrecht-textbox utrecht-textbox--html-input', ...extra });
  const f = {
    reference: field(ctx, { name: 'reference', label: t('status.reference'), required: true, hint: t('status.referenceHint'),
      control: input('reference', 'text', { maxlength: 20, autocomplete: 'off', spellcheck: 'false', autocapitalize: 'characters', 'aria-required': 'true' }) }),
    phone: field(ctx, { name: 'phone', label: t('status.phone'), required: true, hint: t('request.phoneHint'),
      control: input('phone', 'tel', { maxlength: 30, autocomplete: 'tel', inputmode: 'tel', 'aria-required': 'true' }) }),
  };
  const problem = h('div', { class: 'utrecht-alert utrecht-alert--error', hidden: true, tabindex: '-1' });
  const busy = h('p', { class: 'bb-busy', hidden: true });
  const result = h('div', { class: 'bb-status-result', hidden: true, tabindex: '-1' });
  const submit = h('button', { type: 'submit', class: 'utrecht-button utrecht-button--primary-action utrecht-button--submit' }, t('status.submit'));
  const form = h('form', { class: 'bb-form', novalidate: true, 'aria-labelledby': 'bb-screen-heading' },
    problem, f.reference.wrap, f.phone.wrap, h('div', { class: 'bb-actions' }, submit), busy);

  function fieldError(name, msg) {
    for (const [n, x] of Object.entries(f)) {
      const m = n === name ? msg : '';
      x.err.hidden = !m;
      x.err.textContent = m;
      x.wrap.classList.toggle('utrecht-form-field--invalid', !!m);
      if (m) x.control.setAttribute('aria-invalid', 'true'); else x.control.removeAttribute('aria-invalid');
    }
    if (name) { f[name].control.focus(); ctx.announce(msg); }
  }
  function showProblem(msg) {
    problem.hidden = !msg;
    problem.replaceChildren(msg ? h('div', { class: 'utrecht-alert__content' }, h('p', { class: 'utrecht-paragraph' }, msg)) : '');
    if (msg) { problem.focus(); ctx.announce(msg); }
  }
  function working(text) {
    ctx.store.busy = !!text;
    submit.disabled = !!text;
    busy.hidden = !text;
    busy.textContent = text || '';
    if (text) ctx.announce(text);
  }
  function failed(r) {
    if (r.status === 0) return showProblem(t('errors.network'));
    if (r.status === 429) return showProblem(t('errors.rateLimited', { s: r.error.retryAfter ?? 60 }));
    const msg = serviceMessage(ctx.lang, r.error.message, 'errors.server');
    if (r.error.field === 'phone' || r.error.field === 'reference') return fieldError(r.error.field, msg);
    return showProblem(msg);
  }

  function showResult(d, lookup) {
    const actions = h('div', { class: 'bb-actions' });
    result.replaceChildren(
      h('div', { class: 'utrecht-alert utrecht-alert--info' }, h('div', { class: 'utrecht-alert__content' },
        h('dl', { class: 'bb-reference' }, h('dt', {}, t('status.reference')), h('dd', {}, d.reference)),
        h('p', { class: 'utrecht-paragraph bb-strong', 'data-status': d.status }, t(`status.${d.status}`)),
        h('p', { class: 'utrecht-paragraph' }, t(d.preference === 'phone' ? 'status.phoneCall' : 'status.video')))),
      actions);
    if (CANCELLABLE.includes(d.status)) {
      const ask = h('button', { type: 'button', class: 'utrecht-button utrecht-button--secondary-action' }, t('status.cancel'));
      ask.addEventListener('click', () => confirmCancel(d, lookup, actions));
      actions.append(ask);
    }
    result.hidden = false;
    result.focus();
    ctx.announce(`${t(`status.${d.status}`)}`);
  }

  // The second step: said in words, the safe choice first.
  function confirmCancel(d, lookup, actions) {
    const keep = h('button', { type: 'button', class: 'utrecht-button utrecht-button--secondary-action' }, t('status.noKeep'));
    const yes = h('button', { type: 'button', class: 'utrecht-button utrecht-button--primary-action bb-danger' }, t('status.yesCancel'));
    const question = h('p', { class: 'utrecht-paragraph bb-strong', id: 'bb-cancel-question', tabindex: '-1' }, t('status.confirmCancel'));
    actions.replaceChildren(h('div', { role: 'group', 'aria-labelledby': 'bb-cancel-question' }, question, h('div', { class: 'bb-actions' }, keep, yes)));
    question.focus();
    ctx.announce(t('status.confirmCancel'));
    keep.addEventListener('click', () => showResult(d, lookup));
    yes.addEventListener('click', async () => {
      if (ctx.store.busy) return;
      yes.disabled = keep.disabled = true;
      working(t('status.cancelling'));
      const r = await cancelRequest(lookup, ctx.apiOptions);
      working(null);
      if (!ctx.isCurrent()) return;
      if (!r.ok) { yes.disabled = keep.disabled = false; return failed(r); }
      ctx.store.lookup = null;
      form.hidden = true;
      result.replaceChildren(h('div', { class: 'utrecht-alert utrecht-alert--ok' }, h('div', { class: 'utrecht-alert__content' },
        h('p', { class: 'utrecht-paragraph', 'data-status': 'cancelled' }, t('status.cancelled', { reference: d.reference })))));
      result.focus();
      ctx.announce(t('status.cancelled', { reference: d.reference }));
    });
  }

  form.addEventListener('input', () => {
    v.reference = f.reference.control.value;
    v.phone = f.phone.control.value;
  });
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (ctx.store.busy) return;
    showProblem(null);
    result.hidden = true;
    const reference = normaliseReference(f.reference.control.value);
    const phone = normalisePhone(f.phone.control.value);
    if (!REFERENCE_RE.test(reference)) return fieldError('reference', t('status.invalidReference'));
    if (!PHONE_RE.test(phone)) return fieldError('phone', t('invalid.phone'));
    fieldError(null);
    f.reference.control.value = v.reference = reference;
    working(t('status.looking'));
    const lookup = { reference, phone: f.phone.control.value.trim() };
    const r = await requestStatus(lookup, ctx.apiOptions);
    working(null);
    if (!ctx.isCurrent()) return;
    if (!r.ok) return failed(r);
    showResult(r.data, lookup);
  });

  return {
    heading: t('status.heading'),
    node: h('div', {},
      h('p', { class: 'utrecht-paragraph' }, t('status.intro')), form, result,
      h('div', { class: 'bb-actions' },
        h('button', { type: 'button', class: 'utrecht-button utrecht-button--secondary-action', onclick: () => ctx.go('request') }, t('status.back')))),
  };
}
