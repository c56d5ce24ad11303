import nunjucks from 'nunjucks'

/**
 * NHS.UK tables, the markup of nhsuk-frontend's `table` macro, drawn in code.
 *
 * The macro is written for every option the design system has (cards, sorting, scrolling, per-cell alignment)
 * and works each of them out for every cell: a 12-row table of 7 columns took 2.3 ms, and a learner's record
 * page, with five tables, spent most of its time in them (bench/README.md, "The learner record page"). This
 * draws the same elements, classes, roles and hidden headings (whitespace aside) for the options Trellis uses, in
 * a few microseconds, and refuses any other option rather than ignoring it. table.test.ts renders both and
 * compares them, so an nhsuk-frontend upgrade that changes the markup shows.
 */
export interface TableParams {
  readonly caption?: string
  readonly captionSize?: 's' | 'm' | 'l' | 'xl'
  /** The first cell of each row is its row header. */
  readonly firstCellIsHeader?: boolean
  /** Small screens show each row as a card, each value labelled with its column's heading. */
  readonly responsive?: boolean
  readonly head?: readonly TableCell[]
  readonly rows?: readonly (readonly TableCell[])[]
}

/** A cell's text (escaped) or HTML (as given: only for markup the template built, never for what people typed). */
export type TableCell =
  | string
  | {
      readonly text?: unknown
      readonly html?: unknown
      /** The value links here. */
      readonly href?: string
      /** Added to the cell's classes. */
      readonly classes?: string
    }

interface Cell {
  readonly text?: unknown
  readonly html?: unknown
  readonly href?: string
  readonly classes?: string
}

const tableKeys = new Set(['caption', 'captionSize', 'firstCellIsHeader', 'responsive', 'head', 'rows'])
const cellKeys = new Set(['text', 'html', 'href', 'classes'])
const captionSizes = new Set(['s', 'm', 'l', 'xl'])
const { SafeString } = nunjucks.runtime

const escapes: Record<string, string> = {
  '&': '&amp;',
  '"': '&quot;',
  "'": '&#39;',
  '<': '&lt;',
  '>': '&gt;',
}

/** As nunjucks' autoescape: a SafeString goes in as it is, anything else as escaped text. */
function escaped(value: unknown): string {
  if (value instanceof SafeString) return value.toString()
  return String(value).replace(/[&"'<>]/g, (character) => escapes[character]!)
}

/** The cell's value, as a link when it has `href`. */
function contentOf(cell: Cell): string {
  const value = valueOf(cell)
  return cell.href ? `<a class="nhsuk-link" href="${escaped(cell.href)}">${value}</a>` : value
}

/** ` class="…"`: the cell's own class and any it adds. */
function classOf(base: string, cell: Cell): string {
  return ` class="${base}${cell.classes ? ` ${escaped(cell.classes)}` : ''}"`
}

function cellOf(cell: TableCell | undefined, where: string): Cell {
  if (cell === undefined) return {}
  if (typeof cell === 'string') return { text: cell }
  if (cell instanceof SafeString) return { html: cell }
  for (const key of Object.keys(cell)) {
    if (!cellKeys.has(key)) throw new Error(`table: ${where} has "${key}", which this table does not draw`)
  }
  return cell
}

/** What nhsuk-frontend's `_tableValue` writes: the HTML, else the text, when either is truthy; trimmed. */
function valueOf(cell: Cell): string {
  if (cell.html) return String(cell.html).trim()
  if (cell.text) return escaped(cell.text).trim()
  return ''
}

export function renderTable(params: TableParams): nunjucks.runtime.SafeString {
  for (const key of Object.keys(params)) {
    if (!tableKeys.has(key)) throw new Error(`table: "${key}" is an option this table does not draw`)
  }
  if (params.captionSize !== undefined && !captionSizes.has(params.captionSize)) {
    throw new Error(`table: captionSize "${String(params.captionSize)}" is not s, m, l or xl`)
  }
  const responsive = params.responsive === true
  const head = (params.head ?? []).map((cell, index) => cellOf(cell, `head[${index}]`))
  const parts: string[] = [
    `<table class="nhsuk-table${responsive ? ' nhsuk-table--responsive" role="table' : ''}">\n`,
  ]
  if (params.caption) {
    const size = params.captionSize === undefined ? '' : ` nhsuk-table__caption--${params.captionSize}`
    parts.push(
      `<caption class="nhsuk-table__caption${size}">\n${escaped(params.caption).trim()}\n</caption>\n`,
    )
  }
  const rowRole = responsive ? ' role="row"' : ''
  if (head.length > 0) {
    parts.push(
      `<thead class="nhsuk-table__head"${responsive ? ' role="rowgroup"' : ''}>\n<tr class="nhsuk-table__row"${rowRole}>\n`,
    )
    for (const cell of head) {
      parts.push(
        `<th${classOf('nhsuk-table__header', cell)} scope="col"${responsive ? ' role="columnheader"' : ''}>\n`,
        contentOf(cell),
        '\n</th>\n',
      )
    }
    parts.push('</tr>\n</thead>\n')
  }
  parts.push('<tbody class="nhsuk-table__body">\n')
  for (const [rowIndex, row] of (params.rows ?? []).entries()) {
    parts.push(`<tr class="nhsuk-table__row"${rowRole}>\n`)
    for (const [index, item] of row.entries()) {
      const cell = cellOf(item, `rows[${rowIndex}][${index}]`)
      const isRowHeader = index === 0 && params.firstCellIsHeader === true
      const role = responsive ? ` role="${isRowHeader ? 'rowheader' : 'cell'}"` : ''
      parts.push(
        isRowHeader
          ? `<th${classOf('nhsuk-table__header', cell)} scope="row"${role}>\n`
          : `<td${classOf('nhsuk-table__cell', cell)}${role}>\n`,
      )
      const value = contentOf(cell)
      if (responsive) {
        const heading = valueOf(head[index] ?? {})
        parts.push(`<span class="nhsuk-table__heading" aria-hidden="true">${heading} </span>`)
        parts.push(cell.html ? `<span>${value}</span>` : value)
      } else {
        parts.push(value)
      }
      parts.push(isRowHeader ? '\n</th>\n' : '\n</td>\n')
    }
    parts.push('</tr>\n')
  }
  parts.push('</tbody>\n</table>\n')
  return new SafeString(parts.join(''))
}
