// Colour tokens of beeldbel's two themes (the widget's and the officer
// console's: one set), and the pairs whose contrast WCAG 2.2 AA demands
// (1.4.3 text 4.5:1, 1.4.11 controls and focus 3:1). One table feeds both
// the CSS (themeCss) and the contrast test (tests/browser/widget.test.mjs),
// so a token cannot change without its ratio being re-checked.
//
// The normal theme can be re-coloured by the host page through the public
// --beeldbel-* custom properties (README, "Embedding"); the high-contrast
// theme deliberately ignores them so a host cannot weaken it.

export const THEMES = {
  normal: {
    text: '#1a1a1a', muted: '#4a4a4a', bg: '#ffffff', surface: '#f1f4f8',
    heading: '#154273', accent: '#154273', accentText: '#ffffff',
    border: '#6b6b6b', focus: '#1a1a1a', focusInverse: '#ffffff',
    error: '#a30000', ok: '#1c6b2f', warn: '#8a3b00', link: '#0b4f9c',
    danger: '#a30000', dangerText: '#ffffff',
    callBg: '#101418', callText: '#ffffff', callFocus: '#ffd34d',
    mine: '#e3edf9', theirs: '#fdf3d7', captionBg: '#000000', captionText: '#ffffff',
  },
  contrast: {
    text: '#000000', muted: '#000000', bg: '#ffffff', surface: '#ffffff',
    heading: '#000000', accent: '#000000', accentText: '#ffffff',
    border: '#000000', focus: '#000000', focusInverse: '#ffffff',
    error: '#8b0000', ok: '#004d00', warn: '#000000', link: '#00007a',
    danger: '#8b0000', dangerText: '#ffffff',
    callBg: '#000000', callText: '#ffffff', callFocus: '#ffff00',
    mine: '#ffffff', theirs: '#ffffff', captionBg: '#000000', captionText: '#ffff00',
  },
};

/** [foreground, background, minimum ratio, what it is] */
export const CONTRAST_PAIRS = [
  ['text', 'bg', 4.5, 'body text'],
  ['muted', 'bg', 4.5, 'secondary text'],
  ['text', 'surface', 4.5, 'text on panels'],
  ['heading', 'bg', 4.5, 'headings'],
  ['accentText', 'accent', 4.5, 'primary button label, console title bar'],
  ['accent', 'bg', 3, 'primary button against the page'],
  ['border', 'bg', 3, 'form control borders'],
  ['focus', 'bg', 3, 'focus ring'],
  ['error', 'bg', 4.5, 'error messages'],
  ['ok', 'bg', 4.5, 'success text'],
  ['warn', 'bg', 4.5, 'warnings and access needs'],
  ['warn', 'surface', 4.5, 'access needs on a request card'],
  ['link', 'bg', 4.5, 'links'],
  ['dangerText', 'danger', 4.5, 'hang-up button label'],
  ['callText', 'callBg', 4.5, 'text in the call'],
  ['callFocus', 'callBg', 3, 'focus ring in the call'],
  ['text', 'mine', 4.5, 'real-time text I sent'],
  ['text', 'theirs', 4.5, 'real-time text I received'],
  ['captionText', 'captionBg', 4.5, 'captions over the video'],
];

// Host-overridable tokens in the normal theme (README lists them).
const PUBLIC = {
  text: '--beeldbel-color', bg: '--beeldbel-background', border: '--beeldbel-border-color',
  heading: '--beeldbel-heading-color', error: '--beeldbel-error-color', accent: '--beeldbel-accent-color',
};

const kebab = (s) => s.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());

function declarations(theme, overridable) {
  return Object.entries(THEMES[theme]).map(([k, v]) =>
    `--bb-${kebab(k)}: ${overridable && PUBLIC[k] ? `var(${PUBLIC[k]}, ${v})` : v};`).join(' ');
}

/** CSS that defines --bb-* on .bb for both themes: data-contrast="more"
 *  is the switch; "auto" follows the system's prefers-contrast. */
export function themeCss() {
  const hc = declarations('contrast', false);
  return `.bb { ${declarations('normal', true)} }
.bb[data-contrast="more"] { ${hc} }
@media (prefers-contrast: more) { .bb[data-contrast="auto"] { ${hc} } }
`;
}

let sheet = null;
/** themeCss() as a constructed stylesheet (no inline style: strict CSP). */
export function themeSheet() {
  if (!sheet) {
    sheet = new CSSStyleSheet();
    sheet.replaceSync(themeCss());
  }
  return sheet;
}

// WCAG 2.x relative luminance and contrast ratio of two #rrggbb colours.
function luminance(hex) {
  const c = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255)
    .map((v) => (v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
  return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
}

export function contrastRatio(a, b) {
  const [l1, l2] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (l1 + 0.05) / (l2 + 0.05);
}
