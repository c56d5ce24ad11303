import fastifyMultipart, { type MultipartFile } from '@fastify/multipart'
import type { FastifyInstance } from 'fastify'

/** A file posted in a multipart form, read whole into memory (bounded by `maximumFileBytes`). */
export interface UploadedPart {
  /** As the browser sent it: never trusted for anything but showing it back. */
  readonly fileName: string
  /** As the browser claimed it: never trusted. */
  readonly mediaType: string
  readonly content: Buffer
  /** The file was larger than the limit and was cut short. */
  readonly truncated: boolean
}

export interface MultipartLimits {
  readonly maximumFileBytes: number
  readonly maximumFiles: number
}

/**
 * Forms with files (`enctype="multipart/form-data"`), with no JavaScript needed. Every part is read into
 * `request.body` as plain values before validation, so that the CSRF check, which runs next, finds the form's
 * `_csrf` field where a url-encoded form has it: register this before registerCsrfProtection. A file past the
 * size limit arrives cut short and marked `truncated`, so that its form can say so beside the field, rather than
 * the whole request failing; too many files or fields fail the request (413).
 */
export async function registerMultipartForms(app: FastifyInstance, limits: MultipartLimits): Promise<void> {
  await app.register(fastifyMultipart, {
    attachFieldsToBody: 'keyValues',
    throwFileSizeLimit: false,
    limits: {
      fileSize: limits.maximumFileBytes,
      // One more than a form accepts, so that one too many is a message at the field, not a refused request.
      files: limits.maximumFiles + 1,
      fields: 50,
      fieldNameSize: 100,
      fieldSize: 1_048_576,
      parts: limits.maximumFiles + 51,
      headerPairs: 100,
    },
    async onFile(part: MultipartFile) {
      const content = await part.toBuffer()
      const uploaded: UploadedPart = {
        fileName: part.filename,
        mediaType: part.mimetype,
        content,
        truncated: part.file.truncated,
      }
      // attachFieldsToBody 'keyValues' puts a part's `value` in the body under its field name.
      ;(part as unknown as { value: UploadedPart }).value = uploaded
    },
  })
}

export function isUploadedPart(value: unknown): value is UploadedPart {
  if (typeof value !== 'object' || value === null) return false
  const part = value as Partial<Record<keyof UploadedPart, unknown>>
  return Buffer.isBuffer(part.content) && typeof part.fileName === 'string'
}

/**
 * The files posted in one field, one or many; a file input left empty (a part with no name and no bytes, which
 * browsers send) is no file.
 */
export function uploadedFilesIn(body: unknown, field: string): UploadedPart[] {
  const value =
    typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[field] : undefined
  const values = Array.isArray(value) ? value : value === undefined ? [] : [value]
  return values
    .filter(isUploadedPart)
    .filter((part) => !(part.fileName === '' && part.content.byteLength === 0))
}
