import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { sampleFiles } from '../../../test/support/multipart.ts'
import {
  checkEvidenceFile,
  cleanFileName,
  detectEvidenceType,
  maximumEvidenceBytes,
} from './evidence-file.ts'

describe('evidence files', () => {
  it('knows a PDF, a PNG and a JPEG by their first bytes', () => {
    expect(detectEvidenceType(sampleFiles.pdf)).toBe('application/pdf')
    expect(detectEvidenceType(sampleFiles.png)).toBe('image/png')
    expect(detectEvidenceType(sampleFiles.jpeg)).toBe('image/jpeg')
    expect(detectEvidenceType(sampleFiles.htmlNamedPdf)).toBeNull()
    expect(detectEvidenceType(new Uint8Array([0x25, 0x50, 0x44]))).toBeNull()
    expect(detectEvidenceType(new Uint8Array([0x50, 0x4b, 0x03, 0x04]))).toBeNull()
  })

  it('judges by the bytes, never by the name', () => {
    expect(checkEvidenceFile({ fileName: 'scan.pdf', content: sampleFiles.png, truncated: false })).toEqual({
      ok: true,
      fileName: 'scan.pdf',
      mediaType: 'image/png',
    })
    expect(
      checkEvidenceFile({ fileName: 'cv.pdf', content: sampleFiles.htmlNamedPdf, truncated: false }),
    ).toEqual({
      ok: false,
      message: 'cv.pdf must be a PDF, PNG or JPEG',
    })
  })

  it('refuses an empty file and one larger than 5 MB', () => {
    expect(checkEvidenceFile({ fileName: 'a.pdf', content: new Uint8Array(), truncated: false })).toEqual({
      ok: false,
      message: 'a.pdf is empty',
    })
    const big = new Uint8Array(maximumEvidenceBytes)
    big.set(sampleFiles.pdf)
    expect(checkEvidenceFile({ fileName: 'big.pdf', content: big, truncated: false }).ok).toBe(true)
    expect(checkEvidenceFile({ fileName: 'big.pdf', content: big, truncated: true })).toEqual({
      ok: false,
      message: 'big.pdf must be smaller than 5 MB',
    })
  })

  it('keeps a name that is safe to show and to send back, whatever was sent', () => {
    expect(cleanFileName('C:\\Users\\asha\\transcript.pdf')).toBe('transcript.pdf')
    expect(cleanFileName('../../etc/passwd')).toBe('passwd')
    expect(cleanFileName('"quoted"\r\n.pdf')).toBe('quoted.pdf')
    expect(cleanFileName('')).toBe('evidence')
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (name) => {
        const cleaned = cleanFileName(name)
        expect(cleaned.length).toBeGreaterThan(0)
        expect(cleaned.length).toBeLessThanOrEqual(200)
        // eslint-disable-next-line no-control-regex -- what must never remain
        expect(cleaned).not.toMatch(/[\u0000-\u001f\u007f"/\\]/)
      }),
    )
  })
})
