import nunjucks from 'nunjucks'
import { describe, expect, it } from 'vitest'
import { templatePaths } from './view-engine.ts'
import { registerViewFilters } from './view-filters.ts'

const environment = new nunjucks.Environment(new nunjucks.FileSystemLoader(templatePaths), {
  autoescape: true,
  trimBlocks: true,
  lstripBlocks: true,
})
registerViewFilters(environment)

const render = (template: string, params: unknown) =>
  environment.renderString(template, { params }).replace(/\s+/g, ' ').trim()
const ours = (params: unknown) =>
  render('{% from "partials/table.njk" import table %}{{ table(params) }}', params)
const nhsuk = (params: unknown) =>
  render('{% from "nhsuk/components/tables/macro.njk" import table %}{{ table(params) }}', params)

const { SafeString } = nunjucks.runtime
const head = [
  { text: 'Code' },
  { text: 'Module & kind', classes: 'nhsuk-u-width-one-half' },
  { text: 'Credits' },
]
const rows = [
  [{ text: 'RPE1' }, { text: 'Research <Practice> "Experience" 1' }, { text: '30' }],
  [{ text: 'ONL2' }, { html: new SafeString('<ul class="x"><li>Online</li></ul>') }, { text: 15 }],
  ['PLAIN', { text: '' }, { text: 0 }],
  [{ text: '  padded  ' }, { html: '<b>raw html</b>' }],
  [
    { text: 'Linked', href: '/learners/1?from=a&to="b"', classes: 'wide' },
    { html: '<b>linked html</b>', href: '/x' },
    { text: 'styled', classes: 'nhsuk-u-font-size-16 nhsuk-u-text-break-word' },
  ],
]

describe('table', () => {
  it.each([
    [
      'responsive, with row headers',
      { caption: 'Results', captionSize: 's', firstCellIsHeader: true, responsive: true, head, rows },
    ],
    ['responsive', { caption: 'Results <at> Exeter', responsive: true, head, rows }],
    [
      'plain, with row headers',
      { caption: 'Results', captionSize: 'm', firstCellIsHeader: true, head, rows },
    ],
    ['plain, no caption', { head, rows }],
    ['no head', { caption: 'Results', responsive: true, rows }],
    ['no rows', { caption: 'Results', captionSize: 'l', head, rows: [] }],
    ['more cells than headings', { responsive: true, head: [{ text: 'Only' }], rows }],
  ])('draws what nhsuk-frontend’s table macro draws: %s', (_name, params) => {
    expect(ours(params)).toBe(nhsuk(params))
  })

  it('escapes text and keeps HTML the template built', () => {
    const html = ours({ head, rows })
    expect(html).toContain('Research &lt;Practice&gt; &quot;Experience&quot; 1')
    expect(html).toContain('Module &amp; kind')
    expect(html).toContain('<ul class="x"><li>Online</li></ul>')
  })

  it('refuses options it does not draw, rather than ignoring them', () => {
    expect(() => ours({ head, rows, striped: true })).toThrow(
      /"striped" is an option this table does not draw/,
    )
    expect(() => ours({ head, rows: [[{ text: 'x', format: 'numeric' }]] })).toThrow(
      /rows\[0\]\[0\] has "format"/,
    )
    expect(() => ours({ head, rows, captionSize: 'huge' })).toThrow(/captionSize "huge"/)
  })
})
