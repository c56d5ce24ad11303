/** Parameters for nhsuk-frontend's numbered pagination: first, last, the pages around this one, and gaps. */
export interface PaginationParams {
  readonly previous?: { readonly href: string }
  readonly next?: { readonly href: string }
  readonly items: readonly (
    | { readonly number: number; readonly href: string; readonly current: boolean }
    | { readonly ellipsis: true }
  )[]
}

export function buildPagination(
  page: number,
  pageCount: number,
  hrefFor: (page: number) => string,
): PaginationParams | null {
  if (pageCount <= 1) return null
  const shown = new Set([1, pageCount, page - 1, page, page + 1].filter((n) => n >= 1 && n <= pageCount))
  const numbers = [...shown].sort((a, b) => a - b)
  const items: PaginationParams['items'][number][] = []
  numbers.forEach((number, index) => {
    const previous = numbers[index - 1]
    if (previous !== undefined && number - previous > 1) items.push({ ellipsis: true })
    items.push({ number, href: hrefFor(number), current: number === page })
  })
  return {
    ...(page > 1 ? { previous: { href: hrefFor(page - 1) } } : {}),
    ...(page < pageCount ? { next: { href: hrefFor(page + 1) } } : {}),
    items,
  }
}
