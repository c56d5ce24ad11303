// W3C Bitstring Status List v1.0, pure: the bitstring (index 0 is the first byte's most significant bit, §3.1),
// its encodedList (multibase base64url, `u…`, of the GZIP-compressed bitstring, §2.1), the credential that
// publishes it, and the credentialStatus entry a credential carries.
import { gunzipSync, gzipSync } from 'node:zlib'
import { contextUrls } from './json-ld-contexts.ts'

/** The specification's minimum length, 16 KB, so that one credential's status is hidden among many (§2.1). */
export const minimumStatusListBits = 131_072

export type StatusPurpose = 'revocation'

export class StatusListError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'StatusListError'
  }
}

/** The encodedList of a bitstring of `bitLength` bits with the given indexes set to 1. */
export function encodeStatusList(bitLength: number, setIndexes: Iterable<number>): string {
  if (!Number.isInteger(bitLength) || bitLength < minimumStatusListBits || bitLength % 8 !== 0) {
    throw new StatusListError(
      `A status list is a whole number of bytes of at least ${minimumStatusListBits} bits, not ${bitLength}`,
    )
  }
  const bits = new Uint8Array(bitLength / 8)
  for (const index of setIndexes) {
    if (!Number.isInteger(index) || index < 0 || index >= bitLength) {
      throw new StatusListError(`The index ${index} is outside a list of ${bitLength} bits`)
    }
    bits[index >> 3]! |= 0x80 >> (index & 7)
  }
  return `u${gzipSync(bits).toString('base64url')}`
}

/** The bitstring of an encodedList; throws StatusListError when it is not multibase base64url GZIP. */
export function decodeStatusList(encodedList: string): Uint8Array {
  if (!encodedList.startsWith('u')) {
    throw new StatusListError('An encodedList is multibase base64url, which starts with "u"')
  }
  try {
    return gunzipSync(Buffer.from(encodedList.slice(1), 'base64url'))
  } catch (error) {
    throw new StatusListError(`The encodedList is not GZIP-compressed: ${(error as Error).message}`)
  }
}

/** Whether the bit at `index` is 1; throws StatusListError when the list is shorter. */
export function readStatusBit(bits: Uint8Array, index: number): boolean {
  if (!Number.isInteger(index) || index < 0 || index >= bits.length * 8) {
    throw new StatusListError(`The index ${index} is outside a list of ${bits.length * 8} bits`)
  }
  return (bits[index >> 3]! & (0x80 >> (index & 7))) !== 0
}

/** The path a status list credential is served on, whatever the host. */
export function describeStatusListPath(issuerId: string, listId: string): string {
  return `/issuers/${encodeURIComponent(issuerId)}/status/${encodeURIComponent(listId)}`
}

/** The issuer and list a statusListCredential URL names, read from its path; null for any other URL. */
export function parseStatusListUrl(url: string): { issuerId: string; listId: string } | null {
  let path: string
  try {
    path = new URL(url).pathname
  } catch {
    return null
  }
  const match = /\/issuers\/([A-Za-z0-9._~%-]+)\/status\/([0-9a-f-]{36})$/.exec(path)
  if (match === null) return null
  try {
    return { issuerId: decodeURIComponent(match[1]!), listId: match[2]! }
  } catch {
    return null
  }
}

/** The credentialStatus a credential carries: its index in the list; the `id` the OB 3.0 schema requires. */
export interface BitstringStatusListEntry {
  readonly id: string
  readonly type: 'BitstringStatusListEntry'
  readonly statusPurpose: StatusPurpose
  /** A string, as the specification has it. */
  readonly statusListIndex: string
  readonly statusListCredential: string
}

export function buildStatusListEntry(
  statusListCredential: string,
  purpose: StatusPurpose,
  index: number,
): BitstringStatusListEntry {
  return {
    id: `${statusListCredential}#${index}`,
    type: 'BitstringStatusListEntry',
    statusPurpose: purpose,
    statusListIndex: String(index),
    statusListCredential,
  }
}

/** The unsigned BitstringStatusListCredential publishing a list (§2.2). */
export function buildStatusListCredential(options: {
  readonly url: string
  readonly issuerDid: string
  readonly purpose: StatusPurpose
  readonly encodedList: string
  readonly validFrom: Date
}): Record<string, unknown> {
  return {
    '@context': [contextUrls.credentialsV2],
    id: options.url,
    type: ['VerifiableCredential', 'BitstringStatusListCredential'],
    issuer: options.issuerDid,
    validFrom: options.validFrom.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    credentialSubject: {
      id: `${options.url}#list`,
      type: 'BitstringStatusList',
      statusPurpose: options.purpose,
      encodedList: options.encodedList,
    },
  }
}
