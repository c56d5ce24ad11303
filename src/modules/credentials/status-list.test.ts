// Bitstring Status List encoding: a GZIP-compressed bitstring of at least 131,072 bits in multibase base64url,
// index 0 the first byte's most significant bit; decoded here with node:zlib to read each bit back.
import { gunzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import {
  buildStatusListCredential,
  buildStatusListEntry,
  decodeStatusList,
  encodeStatusList,
  minimumStatusListBits,
  parseStatusListUrl,
  readStatusBit,
} from './status-list.ts'

describe('status list encoding', () => {
  it('is multibase base64url of the GZIP of the bitstring, index 0 the most significant bit', () => {
    const encoded = encodeStatusList(minimumStatusListBits, [0, 9, 131_071])
    expect(encoded).toMatch(/^u[A-Za-z0-9_-]+$/)
    const bits = gunzipSync(Buffer.from(encoded.slice(1), 'base64url'))
    expect(bits).toHaveLength(16_384)
    expect(bits[0]).toBe(0b1000_0000)
    expect(bits[1]).toBe(0b0100_0000)
    expect(bits[16_383]).toBe(0b0000_0001)
    expect(bits.subarray(2, 16_383).every((byte) => byte === 0)).toBe(true)
  })

  it('reads back exactly the bits set', () => {
    const set = [3, 42, 1000, 99_999]
    const bits = decodeStatusList(encodeStatusList(minimumStatusListBits, set))
    for (const index of [0, 1, 2, 3, 4, 41, 42, 43, 1000, 99_999, 131_071]) {
      expect(readStatusBit(bits, index), String(index)).toBe(set.includes(index))
    }
    expect(() => readStatusBit(bits, 131_072)).toThrow('outside a list of 131072 bits')
  })

  it('refuses a list shorter than the specification allows, and an index outside it', () => {
    expect(() => encodeStatusList(1024, [])).toThrow('at least 131072 bits')
    expect(() => encodeStatusList(minimumStatusListBits, [minimumStatusListBits])).toThrow('outside')
    expect(() => decodeStatusList('zabc')).toThrow('starts with "u"')
    expect(() => decodeStatusList('uAAAA')).toThrow('not GZIP-compressed')
  })
})

describe('status entries and list credentials', () => {
  const listUrl = 'http://localhost:3000/issuers/framework-team/status/0b5e7f0c-4a1d-4c59-9a43-1f2b3c4d5e6f'

  it('gives an entry the id the Open Badges schema needs and its index as a string', () => {
    expect(buildStatusListEntry(listUrl, 'revocation', 7)).toEqual({
      id: `${listUrl}#7`,
      type: 'BitstringStatusListEntry',
      statusPurpose: 'revocation',
      statusListIndex: '7',
      statusListCredential: listUrl,
    })
  })

  it('reads the issuer and list from the path of a statusListCredential, whatever the host', () => {
    const expected = { issuerId: 'framework-team', listId: '0b5e7f0c-4a1d-4c59-9a43-1f2b3c4d5e6f' }
    expect(parseStatusListUrl(listUrl)).toEqual(expected)
    expect(parseStatusListUrl(listUrl.replace('http://localhost:3000', 'https://elsewhere.example'))).toEqual(
      expected,
    )
    expect(parseStatusListUrl('https://example.com/status/1')).toBeNull()
    expect(parseStatusListUrl('not a url')).toBeNull()
  })

  it('publishes the list as a BitstringStatusListCredential', () => {
    expect(
      buildStatusListCredential({
        url: listUrl,
        issuerDid: 'did:web:localhost%3A3000:issuers:framework-team',
        purpose: 'revocation',
        encodedList: 'uH4sI',
        validFrom: new Date('2026-12-02T18:00:00.123Z'),
      }),
    ).toEqual({
      '@context': ['https://www.w3.org/ns/credentials/v2'],
      id: listUrl,
      type: ['VerifiableCredential', 'BitstringStatusListCredential'],
      issuer: 'did:web:localhost%3A3000:issuers:framework-team',
      validFrom: '2026-12-02T18:00:00Z',
      credentialSubject: {
        id: `${listUrl}#list`,
        type: 'BitstringStatusList',
        statusPurpose: 'revocation',
        encodedList: 'uH4sI',
      },
    })
  })
})
