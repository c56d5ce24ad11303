import nunjucks from 'nunjucks'
import { highlightStart, highlightStop } from './search-highlight.ts'
import { renderTable } from './table.ts'

const months = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
]

/** `2024-11-01` → `1 November 2024`, the NHS style for dates. */
export function formatDate(value: string | Date | null | undefined): string {
  if (value === null || value === undefined || value === '') return ''
  const iso = value instanceof Date ? value.toISOString().slice(0, 10) : value
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso)
  if (match === null) return String(value)
  const [, year, month, day] = match
  return `${Number(day)} ${months[Number(month) - 1]} ${year}`
}

/** Escapes text, then turns search highlight marks into <mark>: matched words shown, nothing else trusted. */
export function highlightMatches(value: string): nunjucks.runtime.SafeString {
  const escaped = escapeHtml(value)
  return new nunjucks.runtime.SafeString(
    escaped.replaceAll(highlightStart, '<mark class="trellis-mark">').replaceAll(highlightStop, '</mark>'),
  )
}

const htmlEscapes: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
}

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (character) => htmlEscapes[character] ?? character)
}

/** `1200` → `1,200`: the NHS style writes numbers over 999 with commas. */
export function formatNumber(value: number): string {
  return value.toLocaleString('en-GB')
}

/** "1 scheme", "3 schemes". */
export function pluralise(count: number, singular: string, plural = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : plural}`
}

export function registerViewFilters(environment: nunjucks.Environment): void {
  environment.addFilter('formatDate', formatDate)
  environment.addFilter('highlight', highlightMatches)
  environment.addFilter('pluralise', pluralise)
  environment.addFilter('formatNumber', formatNumber)
  // `{% from "partials/table.njk" import table %}`: NHS.UK tables without the cost of nhsuk-frontend's macro.
  environment.addGlobal('renderTable', renderTable)
  environment.addFilter('credits', (value: number | null) =>
    value === null ? 'Credits not stated' : pluralise(value, 'credit'),
  )
}
