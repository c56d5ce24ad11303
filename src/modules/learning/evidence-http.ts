import type { FastifyReply } from 'fastify'
import { evidenceExtensions, type EvidenceMediaType } from './evidence-file.ts'
import type { EvidenceFile } from './learning-repository.ts'

/**
 * Sends an evidence file as a download: its type as its bytes said when it was uploaded, never rendered in the
 * page (attachment, sandboxed), and never kept by a shared cache.
 */
export function sendEvidence(
  reply: FastifyReply,
  file: Pick<EvidenceFile, 'fileName' | 'mediaType' | 'sha256' | 'content'>,
) {
  const extension = evidenceExtensions[file.mediaType as EvidenceMediaType] ?? 'bin'
  const name = /\.[A-Za-z0-9]{1,5}$/.test(file.fileName) ? file.fileName : `${file.fileName}.${extension}`
  const asciiName = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_')
  return (
    reply
      .header('content-type', file.mediaType)
      .header(
        'content-disposition',
        `attachment; filename="${asciiName}"; filename*=UTF-8''${encodeURIComponent(name)}`,
      )
      .header('content-length', String(file.content.byteLength))
      .header('cache-control', 'private, no-store')
      .header('content-security-policy', "sandbox; default-src 'none'")
      // RFC 9530: the digest kept since upload, so that a download can be checked against what was sent.
      .header('repr-digest', `sha-256=:${Buffer.from(file.sha256, 'hex').toString('base64')}:`)
      .send(Buffer.from(file.content.buffer, file.content.byteOffset, file.content.byteLength))
  )
}
