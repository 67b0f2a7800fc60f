// The widget's stylesheet: theme tokens (theme.js) + the NL Design System
// component CSS and styles.css, which src/scripts/bundle-widget.mjs puts in
// CSS_TEXT when it builds dist/beeldbel.js. It is applied as a constructed
// stylesheet inside the shadow root: no <style> element, no inline style
// attribute, so the host's CSP needs no 'unsafe-inline'.
import { themeCss } from '../ui/theme.js';

export const CSS_TEXT = '/*@BEELDBEL_CSS@*/';

let sheet = null;
export function widgetSheet() {
  if (!sheet) {
    sheet = new CSSStyleSheet();
    sheet.replaceSync(themeCss() + CSS_TEXT);
  }
  return sheet;
}
