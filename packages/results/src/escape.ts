import { BIDI_CONTROLS, wellFormed } from './text.js';

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

// A zero-width space as an entity: invisible, and it breaks the forge's pattern.
const ZWSP = '&#8203;';

/**
 * Escapes untrusted text (recipe names, reasons from abra output) for one line of GitHub/Gitea
 * markdown, including a table cell:
 * - whitespace runs become one space, controls and bidi overrides (U+202E…) are dropped, lone
 *   surrogates become U+FFFD;
 * - inline markup characters (`\ ` * _ [ ] | ~`) are backslash-escaped, HTML is entity-escaped;
 * - what the forge would turn into a link, a notification or math is broken with a zero-width
 *   space (U+200B) where the pattern starts: `@user` (the trick Renovate and Dependabot use),
 *   `#123`, `owner/repo#42`, `GH-123`, Gitea's `!123`, `https://…`, `www.…`;
 * - `$` is wrapped in `<span>`: GitHub renders `$…$` as math and does not honour `\$` outside
 *   it (its docs: "Writing dollar signs in line with and within mathematical expressions").
 */
export function escapeMarkdown(text: string): string {
  return (
    wellFormed(text)
      .replace(BIDI_CONTROLS, '')
      .replace(/[\u0000-\u001F\u007F]+/g, ' ')
      .replace(/\s+/g, ' ')
      .trim()
      // Only what can start inline markup mid-line; untrusted text never starts a line here.
      .replace(/[\\`*_[\]|~]/g, (c) => `\\${c}`)
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      // From here on, replacements insert entities and tags: each pattern is applied once.
      .replace(/([#!]|GH-)(?=\d)/gi, `$1${ZWSP}`)
      .replace(/@/g, `@${ZWSP}`)
      .replace(/:\/\//g, `:${ZWSP}//`)
      .replace(/(www)\./gi, `$1${ZWSP}.`)
      .replace(/\$/g, '<span>$$</span>')
  );
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
