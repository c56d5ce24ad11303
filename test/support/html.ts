import { parse, type HTMLElement } from 'node-html-parser'

/** A page's HTML, parsed, with the few questions tests ask of it. */
export interface PageView {
  readonly root: HTMLElement
  readonly title: string
  readonly h1: string
  /** Visible text of the main content, whitespace collapsed. */
  readonly mainText: string
  links(): { text: string; href: string }[]
  errorSummary(): string[]
}

export function parsePage(html: string): PageView {
  const root = parse(html)
  const clean = (text: string) => text.replace(/\s+/g, ' ').trim()
  return {
    root,
    title: clean(root.querySelector('title')?.text ?? ''),
    h1: clean(root.querySelector('h1')?.text ?? ''),
    mainText: clean(root.querySelector('main')?.text ?? ''),
    links: () =>
      root
        .querySelectorAll('main a')
        .map((a) => ({ text: clean(a.text), href: a.getAttribute('href') ?? '' })),
    errorSummary: () => root.querySelectorAll('.nhsuk-error-summary__list li').map((li) => clean(li.text)),
  }
}
