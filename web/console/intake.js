// The service centre's view: someone calls 0900-8844 and asks for a
// callback; the service centre enters the request for them (the same fields
// and rules as the widget's form, which the contact service checks again),
// records that the caller agreed, and reads the reference out to them.
// Server answers land on their field; everything is said to screen readers.
import { h } from '../ui/dom.js';
import { NEIGHBOURHOODS, WINDOWS, NEEDS } from '../ui/request-choices.js';

let env = null;      // { api, t, lang, announce, showError }
let done = null;     // the last entered request's reference, while it is shown

/** Sets what the view needs from the console (its API call, texts, live region). */
export function initIntake(e) { env = e; }

/** Forgets what was entered and the last reference (at logout: the next person sees neither). */
export function resetIntake() {
  done = null;
  document.getElementById('intake-body')?.replaceChildren();
}

/** "BB-7K3M-Q9XZ" as it is read out: each character on its own, groups apart. */
export function spelled(reference) {
  return reference.split('-').map((g) => g.split('').join(' ')).join(' – ');
}

function field(id, label, control, hint) {
  control.id = id;
  const err = h('p', { class: 'utrecht-form-field-error-message', id: `${id}-err`, hidden: true });
  control.setAttribute('aria-describedby', [hint && `${id}-hint`, `${id}-err`].filter(Boolean).join(' '));
  return h('div', { class: 'utrecht-form-field', 'data-field': control.name },
    h('label', { class: 'utrecht-form-label', for: id }, label),
    hint && h('p', { class: 'utrecht-form-field-description', id: `${id}-hint` }, hint),
    err, control);
}

function choices(name, legend, type, options, checked) {
  return h('fieldset', { class: 'utrecht-form-fieldset intake-choices', 'data-field': name },
    h('legend', { class: 'utrecht-form-fieldset__legend' }, legend),
    ...options.map(([value, label]) => h('p', { class: 'intake-choice' },
      h('input', { type, name, value, id: `intake-${name}-${value}`, checked: checked(value),
        class: type === 'radio' ? 'utrecht-radio-button' : 'utrecht-checkbox utrecht-checkbox--html-input' }),
      h('label', { for: `intake-${name}-${value}` }, label))));
}

/** Renders the view into #intake-view (again after a language switch: what was typed is kept). */
export function renderIntake() {
  const { t } = env;
  const box = document.getElementById('intake-body');
  const old = box.querySelector('form');
  const kept = old ? new FormData(old) : null;
  if (done) {
    box.replaceChildren(h('div', { class: 'utrecht-alert utrecht-alert--ok intake-done', tabindex: '-1' },
      h('div', { class: 'utrecht-alert__content' },
        h('p', { class: 'utrecht-paragraph' }, t('intake_saved')),
        h('p', { class: 'intake-reference', 'data-reference': done }, done),
        h('p', { class: 'utrecht-paragraph' }, t('intake_read_out'), ' ', h('span', { class: 'intake-spelled' }, spelled(done))),
        h('p', { class: 'utrecht-paragraph' }, t('intake_tell')))),
    h('button', { type: 'button', class: 'utrecht-button utrecht-button--primary-action', id: 'intake-next',
      onclick: () => { done = null; renderIntake(); document.getElementById('intake-name').focus(); } }, t('intake_next')));
    return;
  }
  const get = (k, d = '') => kept?.get(k) ?? d;
  const text = (name, type, extra = {}) => h('input', { type, name, value: get(name), class: 'utrecht-textbox', ...extra });
  const topic = h('textarea', { name: 'topic', rows: 4, maxlength: 1000, class: 'utrecht-textarea', required: true });
  topic.value = get('topic');
  const form = h('form', { class: 'utrecht-form intake-form', novalidate: true, 'aria-labelledby': 'intake-title' },
    field('intake-name', t('intake_name'), text('name', 'text', { maxlength: 100, required: true, autocomplete: 'off' })),
    field('intake-phone', t('intake_phone'), text('phone', 'tel', { maxlength: 30, required: true, autocomplete: 'off' }), t('intake_phone_hint')),
    field('intake-email', t('intake_email'), text('email', 'email', { maxlength: 254, autocomplete: 'off' })),
    field('intake-neighbourhood', t('intake_neighbourhood'),
      h('select', { name: 'neighbourhood', class: 'utrecht-select' },
        ...NEIGHBOURHOODS.map((n) => h('option', { value: n, selected: get('neighbourhood') === n }, t(`nb.${n}`))))),
    field('intake-postcode', t('intake_postcode'), text('postcode', 'text', { maxlength: 7, autocomplete: 'off' }), t('intake_postcode_hint')),
    field('intake-topic', t('intake_topic'), topic),
    choices('preference', t('intake_preference'), 'radio',
      [['phone', t('pref.phone')], ['video', t('pref.video')]], (v) => get('preference', 'phone') === v),
    choices('window', t('intake_window'), 'radio', WINDOWS.map((w) => [w, t(`win.${w}`)]), (v) => get('window', 'any') === v),
    choices('needs', t('intake_needs'), 'checkbox', NEEDS.map((n) => [n, t(`need.${n}`)]), (v) => kept?.getAll('needs').includes(v)),
    choices('lang', t('intake_lang'), 'radio', [['nl', t('intake_lang_nl')], ['en', t('intake_lang_en')]], (v) => get('lang', 'nl') === v),
    h('div', { class: 'utrecht-form-field', 'data-field': 'consent' },
      h('p', { class: 'utrecht-form-field-error-message', id: 'intake-consent-err', hidden: true }),
      h('p', { class: 'intake-choice' },
        h('input', { type: 'checkbox', name: 'consent', value: 'yes', id: 'intake-consent', checked: get('consent') === 'yes',
          class: 'utrecht-checkbox utrecht-checkbox--html-input', 'aria-describedby': 'intake-consent-err' }),
        h('label', { for: 'intake-consent' }, t('intake_consent')))),
    h('button', { type: 'submit', class: 'utrecht-button utrecht-button--primary-action' }, t('intake_save')));
  form.addEventListener('submit', (ev) => { ev.preventDefault(); save(form); });
  box.replaceChildren(form);
}

function fieldError(form, name, msg) {
  for (const err of form.querySelectorAll('.utrecht-form-field-error-message')) { err.hidden = true; err.textContent = ''; }
  for (const c of form.querySelectorAll('[aria-invalid]')) c.removeAttribute('aria-invalid');
  if (!name) return;
  const wrap = form.querySelector(`[data-field="${name}"]`);
  const err = wrap?.querySelector('.utrecht-form-field-error-message');
  const control = wrap?.querySelector('input, select, textarea');
  if (!err || !control) return env.showError(msg);
  err.textContent = msg;
  err.hidden = false;
  control.setAttribute('aria-invalid', 'true');
  control.focus();
  env.announce(msg);
}

async function save(form) {
  const { t, api, showError } = env;
  showError(null);
  const fd = new FormData(form);
  const postcode = String(fd.get('postcode') ?? '').trim();
  const body = {
    name: String(fd.get('name') ?? '').trim(), phone: String(fd.get('phone') ?? '').trim(),
    topic: String(fd.get('topic') ?? '').trim(), preference: fd.get('preference') ?? 'phone',
    window: fd.get('window') ?? 'any', needs: fd.getAll('needs'), lang: fd.get('lang') ?? 'nl',
    consent: fd.get('consent') === 'yes',
    ...(postcode ? { postcode } : { neighbourhood: fd.get('neighbourhood') }),
  };
  const email = String(fd.get('email') ?? '').trim();
  if (email) body.email = email;
  // What the caller must have said yes to is asked here first.
  if (!body.consent) return fieldError(form, 'consent', t('intake_consent_needed'));
  const res = await api('POST', 'officer/requests', body);
  if (!res.ok) {
    const e = typeof res.error === 'object' ? res.error : {};
    if (e.field) return fieldError(form, e.field, e.message?.[env.lang()] ?? t('network'));
    fieldError(form, null);
    showError(res.error);
    return env.announce(document.getElementById('error').textContent);
  }
  fieldError(form, null);
  done = res.json.reference;
  renderIntake();
  document.querySelector('.intake-done')?.focus();
  env.announce(`${t('intake_saved')} ${spelled(done)}`);
}
