/** Escapes text for XML character data and attribute values; drops characters XML forbids. */
export function escapeXml(text: string): string {
  return (
    text
      // XML 1.0 forbids most C0 controls and lone surrogates even as references.
      .replace(
        /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g,
        '',
      )
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&apos;')
  );
}

/**
 * Escapes untrusted text (recipe names, reasons from abra output) for one line of GitHub/Gitea
 * markdown, including a table cell: whitespace runs become one space, inline markup characters
 * (`\ ` * _ [ ] | ~`) are backslash-escaped, HTML is entity-escaped, and `@` gets a zero-width space so
 * text cannot mention (ping) people — the trick Renovate and Dependabot use.
 */
export function escapeMarkdown(text: string): string {
  return (
    text
      .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD')
      .replace(/[\u0000-\u001F\u007F]+/g, ' ')
      .replace(/\s+/g, ' ')
      .trim()
      // Only what can start inline markup mid-line; untrusted text never starts a line here.
      .replace(/[\\`*_[\]|~]/g, (c) => `\\${c}`)
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/@/g, '@&#8203;')
  );
}

/** Clips a string to `max` characters (by code point), ending with an ellipsis when clipped. */
export function clipText(text: string, max: number): string {
  const chars = [...text.replace(/\s+/g, ' ').trim()];
  return chars.length > max
    ? `${chars
        .slice(0, Math.max(0, max - 1))
        .join('')
        .trimEnd()}…`
    : chars.join('');
}

/** A URL safe to put in markdown link targets and XML attributes: http(s) only, else null. */
export function safeUrl(url: string | null | undefined): string | null {
  if (!url) return null;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return null;
  // Percent-encode what could end a markdown link target or an attribute.
  return parsed.href.replace(
    /[()<>"' |`]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`,
  );
}
