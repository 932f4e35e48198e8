/*
 * Text from data (bench names, budget text as written, CPU models, commit messages) goes into the
 * reports through these two functions only, so a bench called `<img src=x onerror=…>` reads as
 * that text and never becomes markup.
 */

const HTML_ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
}

/** Text for HTML (and inline SVG) element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => HTML_ENTITIES[character]!)
}

/**
 * Text for one line of GitHub-flavoured Markdown, table cells included:
 *
 * - `\`, `` ` ``, `*`, `_`, `~`, `[`, `]` and `|` get a backslash, so they neither format nor
 *   link nor end a table cell (the backslash itself first, or `a\|b` would cancel the escape);
 * - `<`, `>` and `&` become entities, so no HTML tag or entity can be written through a name;
 * - line breaks and tabs become spaces, since a line break ends a table row;
 * - `@` before a word character is followed by a word joiner (U+2060, invisible), so a bench called "parse @someone"
 *   does not notify someone every time the PR comment is posted.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/[\\`*_~[\]|]/g, (character) => `\\${character}`)
    .replace(/[&<>]/g, (character) => HTML_ENTITIES[character]!)
    .replace(/[\r\n\t]+/g, ' ')
    .replace(/@(?=\w)/g, '@\u2060')
}
