import { describe, expect, it } from 'vitest'
import { buildPagination } from './pagination.ts'
import { highlightStart, highlightStop } from './search-highlight.ts'
import { escapeHtml, formatDate, formatNumber, highlightMatches, pluralise } from './view-filters.ts'

describe('formatDate', () => {
  it('writes dates the NHS way', () => {
    expect(formatDate('2024-11-01')).toBe('1 November 2024')
    expect(formatDate(new Date('2025-03-31T12:00:00Z'))).toBe('31 March 2025')
    expect(formatDate(null)).toBe('')
    expect(formatDate('soon')).toBe('soon')
  })
})

describe('formatNumber', () => {
  it('writes numbers over 999 with commas', () => {
    expect([formatNumber(0), formatNumber(600), formatNumber(1200), formatNumber(18000)]).toEqual([
      '0',
      '600',
      '1,200',
      '18,000',
    ])
  })
})

describe('highlightMatches', () => {
  it('escapes the text and marks only the matched words', () => {
    const text = `${highlightStart}Nurse${highlightStop} <script>alert("x")</script> & ${highlightStart}midwife${highlightStop}`
    expect(String(highlightMatches(text))).toBe(
      '<mark class="trellis-mark">Nurse</mark> &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; <mark class="trellis-mark">midwife</mark>',
    )
  })

  it('cannot be tricked by marks spelled as HTML in the text', () => {
    expect(String(highlightMatches('<mark>not a match</mark>'))).toBe('&lt;mark&gt;not a match&lt;/mark&gt;')
  })
})

describe('escapeHtml and pluralise', () => {
  it('escapes the five special characters', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;')
  })
  it('counts in words', () => {
    expect([pluralise(0, 'scheme'), pluralise(1, 'scheme'), pluralise(2, 'result')]).toEqual([
      '0 schemes',
      '1 scheme',
      '2 results',
    ])
  })
})

describe('buildPagination', () => {
  const href = (page: number) => `/search?page=${page}`
  it('shows nothing for one page', () => {
    expect(buildPagination(1, 1, href)).toBeNull()
  })
  it('shows the first, last and neighbouring pages with gaps between', () => {
    const pagination = buildPagination(5, 10, href)!
    expect(
      pagination.items.map((item) => ('ellipsis' in item ? '…' : `${item.number}${item.current ? '*' : ''}`)),
    ).toEqual(['1', '…', '4', '5*', '6', '…', '10'])
    expect(pagination.previous).toEqual({ href: '/search?page=4' })
    expect(pagination.next).toEqual({ href: '/search?page=6' })
  })
  it('has no previous link on the first page and no next link on the last', () => {
    expect(buildPagination(1, 3, href)!.previous).toBeUndefined()
    expect(buildPagination(3, 3, href)!.next).toBeUndefined()
  })
})
