// Issuers' private keys at rest: encrypted and decrypted with CREDENTIALS_KEY, refused clearly under another key or
// for another key's row, and the development key generated once under DATA_DIR, readable only by its owner.
import { randomBytes } from 'node:crypto'
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createEd25519KeyPairFromSeed, exportEd25519Seed, generateEd25519KeyPair } from './ed25519-keys.ts'
import { decryptPrivateKey, encryptPrivateKey, KeyDecryptionError } from './key-store.ts'
import { resolveCredentialsKey } from './key-store-files.ts'

const owner = { issuerId: 'framework-team', keyId: 'key-0123456789abcdef' }

describe('private keys at rest', () => {
  it('round-trips a seed, and the rebuilt pair has the same public key', () => {
    const key = randomBytes(32)
    const pair = generateEd25519KeyPair()
    const stored = encryptPrivateKey(exportEd25519Seed(pair.privateKey), key, owner)
    expect(stored).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/)
    expect(stored).not.toContain(Buffer.from(exportEd25519Seed(pair.privateKey)).toString('base64url'))
    const seed = decryptPrivateKey(stored, key, owner)
    expect(createEd25519KeyPairFromSeed(seed).publicKeyMultibase).toBe(pair.publicKeyMultibase)
  })

  it('encrypts the same seed differently each time', () => {
    const key = randomBytes(32)
    const seed = randomBytes(32)
    expect(encryptPrivateKey(seed, key, owner)).not.toBe(encryptPrivateKey(seed, key, owner))
  })

  it('fails clearly under the wrong CREDENTIALS_KEY', () => {
    const stored = encryptPrivateKey(randomBytes(32), randomBytes(32), owner)
    const attempt = () => decryptPrivateKey(stored, randomBytes(32), owner)
    expect(attempt).toThrow(KeyDecryptionError)
    expect(attempt).toThrow(
      'The private key of framework-team#key-0123456789abcdef cannot be decrypted: CREDENTIALS_KEY is not the key it was encrypted with',
    )
  })

  it('refuses a ciphertext moved to another key or issuer, or changed', () => {
    const key = randomBytes(32)
    const stored = encryptPrivateKey(randomBytes(32), key, owner)
    expect(() => decryptPrivateKey(stored, key, { ...owner, keyId: 'key-fedcba9876543210' })).toThrow(
      KeyDecryptionError,
    )
    expect(() => decryptPrivateKey(stored, key, { ...owner, issuerId: 'university-of-exeter' })).toThrow(
      KeyDecryptionError,
    )
    const parts = stored.split('.')
    const changed = Buffer.from(parts[3]!, 'base64url')
    changed[0]! ^= 1
    parts[3] = changed.toString('base64url')
    expect(() => decryptPrivateKey(parts.join('.'), key, owner)).toThrow(KeyDecryptionError)
    expect(() => decryptPrivateKey('not a stored key', key, owner)).toThrow('is not in the stored form')
  })

  it('takes only a key of 32 bytes', () => {
    expect(() => encryptPrivateKey(randomBytes(32), randomBytes(16), owner)).toThrow(
      'CREDENTIALS_KEY is 32 bytes, not 16',
    )
  })
})

describe('the credentials key', () => {
  let directory: string | undefined
  afterEach(async () => {
    if (directory !== undefined) await rm(directory, { recursive: true, force: true })
  })

  it('is the configured one when set', async () => {
    const key = randomBytes(32)
    expect(await resolveCredentialsKey({ credentialsKey: key, dataDirectory: '/nonexistent' })).toBe(key)
  })

  it('is generated once under DATA_DIR/secrets with mode 0600, and the same on the next start', async () => {
    directory = await mkdtemp(join(tmpdir(), 'trellis-credentials-key-'))
    const first = await resolveCredentialsKey({ credentialsKey: undefined, dataDirectory: directory })
    const second = await resolveCredentialsKey({ credentialsKey: undefined, dataDirectory: directory })
    expect(first).toHaveLength(32)
    expect(Buffer.from(second).equals(Buffer.from(first))).toBe(true)
    const path = join(directory, 'secrets', 'credentials-key')
    expect((await stat(path)).mode & 0o777).toBe(0o600)
    expect((await readFile(path, 'utf8')).trim()).toBe(Buffer.from(first).toString('base64'))
  })
})
