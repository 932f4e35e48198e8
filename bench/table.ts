/** Markdown formatting of the self-benchmark's results. */

export type Cell = string | number

/** A Markdown table; numbers are right-aligned, text left-aligned (judged on the first row). */
export function markdownTable(headers: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const first = rows[0] ?? []
  // A column is numeric when its first cell is a number, possibly with a unit, share or range after it.
  const numeric = (cell: Cell | undefined) =>
    typeof cell === 'number' || /^[-+]?\d[\d.,]*(\s*(ns|µs|ms|s|%|×|\/|–)|$)/.test(String(cell ?? ''))
  const align = headers.map((_, i) => (numeric(first[i]) ? '---:' : '---'))
  const line = (cells: readonly Cell[]) =>
    `| ${cells.map((cell) => String(cell).replaceAll('|', '\\|')).join(' | ')} |`
  return [line(headers), `| ${align.join(' | ')} |`, ...rows.map(line)].join('\n')
}

export type Status = 'PASS' | 'MISS'

export const status = (pass: boolean): Status => (pass ? 'PASS' : 'MISS')

/** What every section's table carries above it: when, where, and how loaded the machine was. */
export interface SectionContext {
  /** ISO date-time the section started. */
  date: string
  /** perfgate's one-line environment (formatEnvironmentLine). */
  machine: string
  /** 1-minute load average before and after the section. */
  loadBefore: number
  loadAfter: number
  /** Wall time of the section. */
  wallNs: number
}

export function sectionHeading(title: string, context: SectionContext): string {
  return [
    `## ${title}`,
    '',
    `${context.date} · ${context.machine}  `,
    `Load average (1 min): ${context.loadBefore.toFixed(2)} before, ${context.loadAfter.toFixed(2)} after · section took ${(context.wallNs / 1e9).toFixed(0)} s`,
  ].join('\n')
}
