/**
 * A small XML writer for the JUnit report: elements with attributes and text, everything
 * escaped. Characters XML 1.0 cannot carry at all (control characters other than tab, CR and
 * LF, lone surrogates, U+FFFE/U+FFFF) are replaced by U+FFFD, so any server text fits.
 */

/** One element: attributes (undefined ones are left out), then child elements or text. */
export interface XmlElement {
  name: string;
  attrs?: Record<string, string | number | undefined>;
  children?: XmlElement[];
  text?: string;
}

// eslint-disable-next-line no-control-regex
const INVALID = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function xmlText(s: string): string {
  return s.replace(INVALID, '\uFFFD').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Attribute values also escape quotes and keep line breaks and tabs as character references. */
export function xmlAttr(s: string): string {
  return xmlText(s).replace(/"/g, '&quot;').replace(/'/g, '&apos;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;');
}

export function renderXml(root: XmlElement): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${element(root, '')}\n`;
}

function element(e: XmlElement, indent: string): string {
  const attrs = Object.entries(e.attrs ?? {})
    .filter((kv): kv is [string, string | number] => kv[1] !== undefined)
    .map(([k, v]) => ` ${k}="${xmlAttr(String(v))}"`)
    .join('');
  const open = `${indent}<${e.name}${attrs}`;
  if (e.children && e.children.length > 0) {
    return `${open}>\n${e.children.map((c) => element(c, `${indent}  `)).join('\n')}\n${indent}</${e.name}>`;
  }
  if (e.text !== undefined && e.text !== '') return `${open}>${xmlText(e.text)}</${e.name}>`;
  return `${open}/>`;
}
