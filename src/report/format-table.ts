import { escapeMarkdown } from './escape.js'

/*
 * Tables for the terminal and for Markdown. Cells are plain text; widths count code points, which
 * is right for what perfgate prints (no wide CJK characters in its own words).
 */

/** Left-aligned columns separated by two spaces, with a rule under the header. */
export function textTable(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i] ?? ''))))
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => cell + ' '.repeat(widths[i]! - width(cell)))
      .join('  ')
      .trimEnd()
  return [line(header), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)]
}

/** A GitHub-flavoured Markdown table; `align` per column, 'left' by default. */
export function markdownTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  align: readonly ('left' | 'right')[] = [],
): string[] {
  const line = (cells: readonly string[]) => `| ${cells.map(escapeMarkdown).join(' | ')} |`
  const rule = `| ${header.map((_, i) => (align[i] === 'right' ? '---:' : '---')).join(' | ')} |`
  return [line(header), rule, ...rows.map(line)]
}

function width(text: string): number {
  return [...text].length
}
