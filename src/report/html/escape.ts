/** Escaping for the HTML reports: every string from a report is user or server text. */

const HTML: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text for element content and quoted attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => HTML[c]);
}

/**
 * JSON for a `<script type="application/json">` element: `<`, `>` and `&` become \u escapes,
 * so no `</script>` or `<!--` can appear, and U+2028/U+2029 are escaped too.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** Bearer/Basic credentials and URL passwords, masked wherever they appear in displayed text. */
export function maskCredentials(s: string): string {
  return s.replace(/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, '$1 ***').replace(/(\/\/[^/\s:@]+:)[^/\s@]+@/g, '$1***@');
}
