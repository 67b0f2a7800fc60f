// Screen: the callback request form (API.md "POST /api/v1/requests").
// Built on NL Design System (Utrecht) form components. Checked here first
// so a person hears what to fix without a round trip; the service checks
// again and its field errors land on the same fields.
import { h, uid } from '../../ui/dom.js';
import { sendRequest } from '../api.js';
import { serviceMessage } from '../i18n.js';

import { NEIGHBOURHOODS, WINDOWS, NEEDS } from '../../ui/request-choices.js';

export function normalisePhone(v) { return v.replace(/[\s().-]/g, ''); }
/** A phone number as the service takes it (after normalisePhone): Dutch, or international. */
export const PHONE_RE = /^(?:\+[1-9]\d{7,14}|00[1-9]\d{7,13}|0\d{9})$/;

/** Returns { request, errors: { field: messageKey } } from the raw form values. */
export function validate(v, lang) {
  const errors = {};
  const name = v.name.trim();
  if (name.length < 1 || name.length > 100) errors.name = 'invalid.name';
  const phone = normalisePhone(v.phone);
  if (!PHONE_RE.test(phone)) errors.phone = 'invalid.phone';
  const email = v.email.trim();
  if (email && (email.length > 254 || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email))) errors.email = 'invalid.email';
  const postcode = v.postcode.trim().toUpperCase();
  if (v.where === 'postcode' && !/^[1-9]\d{3} ?[A-Z]{2}$/.test(postcode)) errors.postcode = 'invalid.postcode';
  const topic = v.topic.trim();
  if (topic.length < 1 || topic.length > 1000) errors.topic = 'invalid.topic';
  const request = {
    name, phone: v.phone.trim(), topic,
    preference: v.preference === 'phone' ? 'phone' : 'video',
    window: WINDOWS.includes(v.window) ? v.window : 'any',
    needs: NEEDS.filter((n) => v.needs.includes(n)),
    lang,
  };
  if (email) request.email = email;
  if (v.where === 'postcode') request.postcode = postcode.replace(/^(\d{4}) ?/, '$1 ');
  else request.neighbourhood = NEIGHBOURHOODS.includes(v.where) ? v.where : NEIGHBOURHOODS[0];
  return { request, errors };
}

export function field(ctx, { name, label, required, hint, control }) {
  const id = uid(`bb-${name}`);
  const hintId = hint ? `${id}-hint` : null, errId = `${id}-err`;
  control.id = id;
  control.setAttribute('aria-describedby', [hintId, errId].filter(Boolean).join(' '));
  const err = h('p', { class: 'utrecht-form-field-error-message', id: errId, hidden: true });
  const wrap = h('div', { class: 'utrecht-form-field utrecht-form-field--text', 'data-field': name },
    h('p', { class: 'utrecht-form-field__label' },
      h('label', { class: 'utrecht-form-label', for: id }, label, ' ',
        h('span', { class: 'bb-req' }, ctx.t(required ? 'request.required' : 'request.optional')))),
    hint && h('div', { class: 'utrecht-form-field-description', id: hintId }, hint),
    err,
    h('p', { class: 'utrecht-form-field__input' }, control));
  return { wrap, control, err };
}

export function choices(ctx, { name, legend, hint, type, options, checked }) {
  const hintId = hint ? uid(`bb-${name}-hint`) : null;
  const set = h('fieldset', { class: 'utrecht-form-fieldset utrecht-form-fieldset--html-fieldset', 'aria-describedby': hintId, 'data-field': name },
    h('legend', { class: 'utrecht-form-fieldset__legend utrecht-form-fieldset__legend--html-legend' }, legend),
    hint && h('div', { class: 'utrecht-form-field-description', id: hintId }, hint));
  for (const [value, label] of options) {
    const id = uid(`bb-${name}-${value}`);
    const input = h('input', {
      type, name, value, id, checked: checked(value),
      class: type === 'radio' ? 'utrecht-radio-button utrecht-radio-button--html-input' : 'utrecht-checkbox utrecht-checkbox--html-input bb-checkbox',
    });
    set.append(h('div', { class: `utrecht-form-field utrecht-form-field--${type === 'radio' ? 'radio' : 'checkbox'}` },
      h('p', { class: 'utrecht-form-field__input' }, input),
      h('p', { class: 'utrecht-form-field__label' },
        h('label', { class: `utrecht-form-label utrecht-form-label--${type === 'radio' ? 'radio' : 'checkbox'}`, for: id }, label))));
  }
  return set;
}

export function requestScreen(ctx) {
  const { t } = ctx;
  // Values survive a language switch or a failed send (ctx.store persists).
  const v = ctx.store.form ??= {
    name: '', phone: '', email: '', where: NEIGHBOURHOODS.includes(ctx.neighbourhood) ? ctx.neighbourhood : NEIGHBOURHOODS[0],
    postcode: '', topic: '', preference: 'video', window: 'any', needs: [],
  };

  const text = (name, type, autocomplete, extra = {}) => h('input', {
    type, name, autocomplete, value: v[name], class: 'utrecht-textbox utrecht-textbox--html-input', ...extra,
  });
  const f = {
    name: field(ctx, { name: 'name', label: t('request.name'), required: true, control: text('name', 'text', 'name', { maxlength: 100, 'aria-required': 'true' }) }),
    phone: field(ctx, { name: 'phone', label: t('request.phone'), required: true, hint: t('request.phoneHint'),
      control: text('phone', 'tel', 'tel', { maxlength: 30, 'aria-required': 'true', inputmode: 'tel' }) }),
    email: field(ctx, { name: 'email', label: t('request.email'), required: false, control: text('email', 'email', 'email', { maxlength: 254 }) }),
    where: field(ctx, { name: 'where', label: t('request.where'), required: true,
      control: h('select', { name: 'where', class: 'utrecht-select utrecht-select--html-select' },
        ...NEIGHBOURHOODS.map((n) => h('option', { value: n, selected: v.where === n }, t(`neighbourhoods.${n}`))),
        h('option', { value: 'postcode', selected: v.where === 'postcode' }, t('request.postcodeOption'))) }),
    postcode: field(ctx, { name: 'postcode', label: t('request.postcode'), required: true, hint: t('request.postcodeHint'),
      control: text('postcode', 'text', 'postal-code', { maxlength: 7, size: 8 }) }),
    topic: field(ctx, { name: 'topic', label: t('request.topic'), required: true, hint: t('request.topicHint'),
      control: h('textarea', { name: 'topic', rows: 4, maxlength: 1000, 'aria-required': 'true', class: 'utrecht-textarea utrecht-textarea--html-textarea' }) }),
  };
  f.topic.control.value = v.topic;
  f.postcode.wrap.hidden = v.where !== 'postcode';

  const summary = h('div', { class: 'utrecht-alert utrecht-alert--error', hidden: true, tabindex: '-1' });
  const busy = h('p', { class: 'bb-busy', hidden: true }, t('request.sending'));
  const submit = h('button', { type: 'submit', class: 'utrecht-button utrecht-button--primary-action utrecht-button--submit' }, t('request.submit'));

  const form = h('form', { class: 'bb-form', novalidate: true, 'aria-labelledby': 'bb-screen-heading' },
    summary,
    f.name.wrap, f.phone.wrap, f.email.wrap, f.where.wrap, f.postcode.wrap, f.topic.wrap,
    choices(ctx, { name: 'preference', legend: t('request.preference'), type: 'radio',
      options: [['video', t('request.video')], ['phone', t('request.phoneCall')]], checked: (x) => v.preference === x }),
    choices(ctx, { name: 'window', legend: t('request.window'), type: 'radio',
      options: WINDOWS.map((w) => [w, t(`request.${w}`)]), checked: (x) => v.window === x }),
    choices(ctx, { name: 'needs', legend: t('request.needs'), hint: t('request.needsHint'), type: 'checkbox',
      options: NEEDS.map((n) => [n, t(`request.${n}`)]), checked: (x) => v.needs.includes(x) }),
    h('div', { class: 'bb-actions' }, submit), busy);

  function read() {
    const fd = new FormData(form);
    Object.assign(v, {
      name: fd.get('name') ?? '', phone: fd.get('phone') ?? '', email: fd.get('email') ?? '',
      where: fd.get('where') ?? v.where, postcode: fd.get('postcode') ?? '', topic: fd.get('topic') ?? '',
      preference: fd.get('preference') ?? 'video', window: fd.get('window') ?? 'any', needs: fd.getAll('needs'),
    });
  }
  form.addEventListener('input', read);
  form.addEventListener('change', () => { read(); f.postcode.wrap.hidden = v.where !== 'postcode'; });

  function showErrors(errors, serverMessage) {
    const names = Object.keys(errors);
    for (const [name, x] of Object.entries(f)) {
      const msg = errors[name];
      x.err.hidden = !msg;
      x.err.textContent = msg || '';
      x.wrap.classList.toggle('utrecht-form-field--invalid', !!msg);
      if (msg) x.control.setAttribute('aria-invalid', 'true'); else x.control.removeAttribute('aria-invalid');
    }
    summary.replaceChildren();
    if (!names.length && !serverMessage) { summary.hidden = true; return; }
    summary.hidden = false;
    const list = h('ul', {}, names.map((n) => h('li', {}, errors[n])));
    summary.append(h('div', { class: 'utrecht-alert__content' }, h('div', { class: 'utrecht-alert__message' },
      h('p', { class: 'utrecht-paragraph bb-strong' }, serverMessage || t('request.errorSummary')), names.length && !serverMessage ? list : null)));
    // The first wrong field gets focus; the summary is announced politely.
    const first = names.find((n) => f[n]);
    if (first) f[first].control.focus(); else summary.focus();
    ctx.announce(serverMessage || `${t('request.errorSummary')} ${names.map((n) => errors[n]).join(' ')}`);
  }

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (ctx.store.sending) return;
    read();
    const { request, errors } = validate(v, ctx.lang);
    const msgs = Object.fromEntries(Object.entries(errors).map(([k, key]) => [k, t(key)]));
    if (Object.keys(msgs).length) return showErrors(msgs);
    showErrors({});
    ctx.store.sending = true; submit.disabled = true; busy.hidden = false;
    ctx.announce(t('request.sending'));
    const r = await sendRequest(request, ctx.apiOptions);
    ctx.store.sending = false; submit.disabled = false; busy.hidden = true;
    if (r.ok) {
      ctx.store.form = null;
      ctx.go('confirm', { reference: r.data.reference, preference: request.preference, neighbourhood: r.data.neighbourhood });
      return;
    }
    const e = r.error;
    if (r.status === 0) return showErrors({}, t('errors.network'));
    // 429: the service's own words when it gives them (e.g. too many for this phone), else ours.
    if (r.status === 429) return showErrors({}, serviceMessage(ctx.lang, e.message, '') || t('errors.rateLimited', { s: e.retryAfter ?? 60 }));
    const msg = serviceMessage(ctx.lang, e.message, 'errors.server');
    // The neighbourhood/postcode pair shares one visible field each.
    const fieldName = e.field === 'neighbourhood' ? 'where' : e.field;
    if (fieldName && f[fieldName]) return showErrors({ [fieldName]: msg });
    return showErrors({}, msg);
  });

  return {
    node: h('div', {}, h('p', { class: 'utrecht-paragraph' }, t('request.intro')),
      h('p', { class: 'utrecht-paragraph' }, h('button', { type: 'button', class: 'utrecht-button utrecht-button--secondary-action bb-status-link',
        onclick: () => ctx.go('status') }, t('status.link'))),
      form),
    heading: t('request.heading'),
  };
}
