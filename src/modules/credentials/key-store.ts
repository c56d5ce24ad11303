// Issuers' private keys at rest: each Ed25519 seed is encrypted with AES-256-GCM under CREDENTIALS_KEY, with the
// issuer and key id as additional authenticated data, so that a ciphertext copied to another key's row does not
// decrypt. The stored form is `v1.<iv>.<tag>.<ciphertext>`, each part base64url.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'

/** AES-256 takes a key of 32 bytes. */
export const credentialsKeyBytes = 32
const ivBytes = 12
const tagBytes = 16
const formatVersion = 'v1'

/** A stored private key that cannot be decrypted: the wrong CREDENTIALS_KEY, or a changed row. */
export class KeyDecryptionError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'KeyDecryptionError'
  }
}

/** What a stored private key belongs to, bound into its encryption. */
export interface KeyOwner {
  readonly issuerId: string
  readonly keyId: string
}

/** Throws RangeError unless the key is 32 bytes. */
export function checkCredentialsKey(key: Uint8Array): void {
  if (key.length !== credentialsKeyBytes) {
    throw new RangeError(`CREDENTIALS_KEY is ${credentialsKeyBytes} bytes, not ${key.length}`)
  }
}

const associatedData = (owner: KeyOwner) => Buffer.from(`${owner.issuerId}#${owner.keyId}`, 'utf8')

/** Encrypts a private key's seed for storing. */
export function encryptPrivateKey(seed: Uint8Array, key: Uint8Array, owner: KeyOwner): string {
  checkCredentialsKey(key)
  const iv = randomBytes(ivBytes)
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: tagBytes })
  cipher.setAAD(associatedData(owner))
  const ciphertext = Buffer.concat([cipher.update(seed), cipher.final()])
  return [formatVersion, iv, cipher.getAuthTag(), ciphertext]
    .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
    .join('.')
}

/** The seed a stored private key holds; throws KeyDecryptionError when the key or the text is not the right one. */
export function decryptPrivateKey(stored: string, key: Uint8Array, owner: KeyOwner): Uint8Array {
  checkCredentialsKey(key)
  const [version, ...encoded] = stored.split('.')
  const [iv, tag, ciphertext] = encoded.map((part) => Buffer.from(part, 'base64url'))
  if (
    version !== formatVersion ||
    encoded.length !== 3 ||
    iv?.length !== ivBytes ||
    tag?.length !== tagBytes ||
    ciphertext === undefined
  ) {
    throw new KeyDecryptionError(
      `The private key of ${owner.issuerId}#${owner.keyId} is not in the stored form Trellis writes`,
    )
  }
  const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: tagBytes })
  decipher.setAAD(associatedData(owner))
  decipher.setAuthTag(tag)
  try {
    return Buffer.concat([decipher.update(ciphertext), decipher.final()])
  } catch {
    throw new KeyDecryptionError(
      `The private key of ${owner.issuerId}#${owner.keyId} cannot be decrypted: CREDENTIALS_KEY is not the ` +
        'key it was encrypted with (or the stored key was changed)',
    )
  }
}
