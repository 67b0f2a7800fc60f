// The team lead's view: what the pilot learns, per ISO week and
// neighbourhood, from the service's aggregates (src/contact/pilot.c). Counts
// from 1 to 4 arrive as "<5" and are shown so; nothing here is about a person.
import { h } from '../ui/dom.js';

let env = null;   // { api, t, announce, showError }
let figures = null;
let columns = [];  // the service's, in its order (the CSV's)

export function initPilot(e) { env = e; }

/** Forgets the figures (at logout). */
export function resetPilot() {
  figures = null;
  columns = [];
  document.getElementById('pilot-body')?.replaceChildren();
}

/** Loads the figures (again) and shows them. */
export async function loadPilot() {
  const res = await env.api('GET', 'officer/pilot');
  if (!res.ok) return env.showError(res.error);
  figures = res.json.weeks ?? [];
  columns = Array.isArray(res.json.columns) ? res.json.columns.filter((c) => typeof c === 'string') : [];
  renderPilot();
  env.announce(env.t('pilot_loaded', { n: figures.length }));
}

/** Renders the table (again after a language switch). */
export function renderPilot() {
  const { t } = env;
  const box = document.getElementById('pilot-body');
  if (!figures) return;
  if (!figures.length) return box.replaceChildren(h('p', { class: 'utrecht-paragraph' }, t('pilot_empty')));
  const cell = (v) => (v === null || v === undefined ? '—' : String(v));
  const table = h('table', { class: 'pilot-table' },
    h('caption', {}, t('pilot_caption')),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('pilot_week')), h('th', { scope: 'col' }, t('neighbourhood')),
      ...columns.map((c) => h('th', { scope: 'col' }, t(`pilot_col.${c}`))))),
    h('tbody', {}, ...figures.map((w) => h('tr', {},
      h('th', { scope: 'row' }, w.week), h('td', {}, t(`nb.${w.neighbourhood}`)),
      ...columns.map((c) => h('td', {}, cell(w[c])))))));
  box.replaceChildren(
    // A region that scrolls sideways on a narrow screen, reachable by keyboard.
    h('div', { class: 'pilot-scroll', tabindex: '0', role: 'region', 'aria-label': t('pilot_caption') }, table));
}
