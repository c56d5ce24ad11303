import type { LightMyRequestResponse } from 'fastify'
import type { TestBrowser } from './identity.ts'

export interface FormFile {
  readonly field: string
  readonly fileName: string
  /** What the browser would claim; Trellis judges files by their bytes. */
  readonly contentType: string
  readonly content: Uint8Array
}

/**
 * Posts a `multipart/form-data` form as a browser does without JavaScript (a form with files), with the CSRF
 * token of the last form the browser loaded unless `csrf` says otherwise (`null` leaves it out). The body is
 * encoded by the platform's own FormData, as a browser would encode it.
 */
export async function postMultipart(
  browser: TestBrowser,
  url: string,
  fields: Readonly<Record<string, string | readonly string[]>>,
  files: readonly FormFile[] = [],
  options: { readonly csrf?: string | null } = {},
): Promise<LightMyRequestResponse> {
  const csrf = options.csrf === undefined ? await browser.csrfToken() : options.csrf
  const form = new FormData()
  if (csrf !== null) form.append('_csrf', csrf)
  for (const [name, value] of Object.entries(fields)) {
    for (const item of typeof value === 'string' ? [value] : value) form.append(name, item)
  }
  for (const file of files) {
    form.append(file.field, new Blob([file.content], { type: file.contentType }), file.fileName)
  }
  const encoded = new Request('http://localhost/', { method: 'POST', body: form })
  return browser.request({
    method: 'POST',
    url,
    headers: { 'content-type': encoded.headers.get('content-type')! },
    payload: Buffer.from(await encoded.arrayBuffer()),
  })
}

/** The smallest files each type's signature makes: enough for Trellis, which reads the first bytes. */
export const sampleFiles = {
  pdf: new Uint8Array(
    Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n'),
  ),
  png: new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]),
  jpeg: new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0]),
  /** An HTML page saved with a .pdf name: what the bytes say wins. */
  htmlNamedPdf: new Uint8Array(Buffer.from('<!doctype html><script>alert(1)</script>')),
}
