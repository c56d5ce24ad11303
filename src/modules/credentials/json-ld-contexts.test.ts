// The bundled contexts answer for the URLs credentials use; anything else is refused by name, never fetched.
import { describe, expect, it } from 'vitest'
import {
  contextUrls,
  createDocumentLoader,
  listBundledContextUrls,
  UnknownDocumentError,
} from './json-ld-contexts.ts'

describe('the bundled JSON-LD document loader', () => {
  it('holds VC 2.0, OB 3.0.3, Data Integrity, Multikey, DID and Bitstring Status List contexts', async () => {
    const loader = createDocumentLoader()
    for (const url of Object.values(contextUrls)) {
      const remote = await loader(url)
      expect(remote.documentUrl).toBe(url)
      expect(remote.document).toHaveProperty('@context')
    }
    expect(listBundledContextUrls()).toEqual(
      expect.arrayContaining([
        'https://purl.imsglobal.org/spec/ob/v3p0/context.json',
        'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json',
        'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json',
        'https://w3id.org/security/data-integrity/v1',
      ]),
    )
  })

  it('serves the OB 3.0.3 context that defines the Open Badges terms', async () => {
    const { document } = await createDocumentLoader()(contextUrls.openBadgesV3)
    const context = (document as { '@context': Record<string, unknown> })['@context']
    expect(context).toHaveProperty('OpenBadgeCredential')
    expect(context).toHaveProperty('AchievementSubject')
  })

  it('refuses a URL it does not hold with an error naming it', async () => {
    const loader = createDocumentLoader()
    const url = 'https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json'
    await expect(loader(url)).rejects.toThrow(UnknownDocumentError)
    await expect(loader(url)).rejects.toThrow(`The JSON-LD document ${url} is not bundled with Trellis`)
    await expect(loader(url)).rejects.toMatchObject({ url })
  })

  it('serves documents given to it, such as a controller document known in advance', async () => {
    const url = 'https://example.com/issuers/876543'
    const controllerDocument = { '@context': [contextUrls.didV1], id: url }
    const loader = createDocumentLoader([[url, controllerDocument]])
    expect((await loader(url)).document).toEqual(controllerDocument)
    await expect(createDocumentLoader()(url)).rejects.toThrow(UnknownDocumentError)
  })

  it('hands out frozen copies, so no caller can change what a URL means', async () => {
    const { document } = await createDocumentLoader()(contextUrls.credentialsV2)
    expect(Object.isFrozen(document)).toBe(true)
    expect(() => {
      ;(document as Record<string, unknown>)['@context'] = {}
    }).toThrow(TypeError)
  })
})
