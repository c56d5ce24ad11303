/**
 * Evidence for a claim of prior learning: what Trellis accepts, judged by the file's first bytes, never by its
 * name or by the type the browser claims (either is whatever the sender chose).
 */

export const evidenceMediaTypes = ['application/pdf', 'image/png', 'image/jpeg'] as const
export type EvidenceMediaType = (typeof evidenceMediaTypes)[number]

/** 5 MB: a scanned certificate or a transcript, with room to spare. */
export const maximumEvidenceBytes = 5 * 1024 * 1024
export const maximumEvidenceFiles = 5

/** The signatures: PDF (ISO 32000 §7.5.2), PNG (RFC 2083 §3.1), JPEG (the SOI marker and the next marker's FF). */
const signatures: readonly { readonly mediaType: EvidenceMediaType; readonly bytes: readonly number[] }[] = [
  { mediaType: 'application/pdf', bytes: [0x25, 0x50, 0x44, 0x46, 0x2d] },
  { mediaType: 'image/png', bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] },
  { mediaType: 'image/jpeg', bytes: [0xff, 0xd8, 0xff] },
]

/** The type the content is, by its first bytes; null for anything else. */
export function detectEvidenceType(content: Uint8Array): EvidenceMediaType | null {
  for (const signature of signatures) {
    if (signature.bytes.every((byte, index) => content[index] === byte)) return signature.mediaType
  }
  return null
}

export interface UploadedFile {
  /** As the browser sent it; only ever shown and offered back, never trusted. */
  readonly fileName: string
  readonly content: Uint8Array
  /** The upload went past the size limit and was cut short. */
  readonly truncated: boolean
}

export type EvidenceCheck =
  | { readonly ok: true; readonly fileName: string; readonly mediaType: EvidenceMediaType }
  | { readonly ok: false; readonly message: string }

/** Whether a file may be kept as evidence, and if not, what to tell the person who chose it. */
export function checkEvidenceFile(file: UploadedFile): EvidenceCheck {
  const fileName = cleanFileName(file.fileName)
  if (file.truncated || file.content.byteLength > maximumEvidenceBytes)
    return { ok: false, message: `${fileName} must be smaller than 5 MB` }
  if (file.content.byteLength === 0) return { ok: false, message: `${fileName} is empty` }
  const mediaType = detectEvidenceType(file.content)
  if (mediaType === null) return { ok: false, message: `${fileName} must be a PDF, PNG or JPEG` }
  return { ok: true, fileName, mediaType }
}

/**
 * A file name safe to store, show and send back in a Content-Disposition header: no folders, no control
 * characters, at most 200 characters; "evidence" when nothing is left.
 */
export function cleanFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? ''
  // eslint-disable-next-line no-control-regex -- the point is to remove control characters
  const cleaned = base.replace(/[\u0000-\u001f\u007f"]/g, '').trim()
  return (cleaned === '' ? 'evidence' : cleaned).slice(0, 200)
}

/** The file extension that matches a media type, for a download's name when the original has none. */
export const evidenceExtensions: Readonly<Record<EvidenceMediaType, string>> = {
  'application/pdf': 'pdf',
  'image/png': 'png',
  'image/jpeg': 'jpg',
}
