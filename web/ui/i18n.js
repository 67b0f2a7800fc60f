// The one way beeldbel's pages look up a text a person sees. Each page
// (the widget, the officer console) has its own Dutch and English tables,
// because a citizen is addressed with "je" and an officer with "u"; the
// lookup is the same everywhere:
//
//   const t = translator({ nl, en });
//   t('nl', 'call.people', { n: 3 })
//
// Keys are dotted paths. '{name}' in a text is replaced by vars.name. A text
// that depends on a count is { one, other } and is chosen by vars.n. A
// missing key shows the key itself, so a gap is visible in a test instead of
// an empty label. A value written right to left (an Arabic or Hebrew name)
// or holding direction controls is isolated (U+2068 … U+2069), so it cannot
// reorder the sentence around it.

export const LANGS = ['nl', 'en'];

export function normLang(v) { return v === 'en' ? 'en' : 'nl'; }

function lookup(table, key) {
  return key.split('.').reduce((o, k) => (o == null ? o : o[k]), table);
}

// Right-to-left letters, and the bidirectional controls themselves.
const BIDI = /[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc\u200e\u200f\u202a-\u202e\u2066-\u2069]|[\u{10800}-\u{10fff}\u{1e800}-\u{1efff}]/u;

/** v, isolated from the text around it when its direction could leak into it. */
export function isolate(v) {
  const s = String(v);
  return BIDI.test(s) ? `\u2068${s}\u2069` : s;
}

/** t(lang, key, vars) over the tables { nl, en }. */
export function translator(tables) {
  return function t(lang, key, vars) {
    let v = lookup(tables[normLang(lang)], key);
    if (v == null) return key;
    if (v && typeof v === 'object' && !Array.isArray(v) && 'other' in v && vars && 'n' in vars) {
      v = vars.n === 1 && 'one' in v ? v.one : v.other;
    }
    if (typeof v === 'string' && vars) v = v.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? isolate(vars[k]) : m));
    return v;
  };
}

/** Does `key` name a text in the tables (for codes that come from outside)? */
export function hasText(tables, lang, key) {
  return typeof lookup(tables[normLang(lang)], key) === 'string';
}
