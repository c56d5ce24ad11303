// Ed25519 keys for Data Integrity proofs: key pairs from a 32-byte seed through node:crypto, public keys as
// Multikey (multicodec ed25519-pub 0xed01, multibase base58btc, so they read `z6Mk…`), and did:key identifiers.
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto'
import { decode as decodeBase58, encode as encodeBase58 } from 'base58-universal'

// RFC 8410: the DER of an Ed25519 PrivateKeyInfo is this fixed prefix followed by the 32-byte seed.
const pkcs8Ed25519Prefix = Buffer.from('302e020100300506032b657004220420', 'hex')
// The multicodec code of ed25519-pub (0xed) as an unsigned varint.
const ed25519PublicKeyMulticodec = Uint8Array.of(0xed, 0x01)
const base58btcPrefix = 'z'

export interface Ed25519KeyPair {
  readonly privateKey: KeyObject
  readonly publicKey: KeyObject
  /** The public key as a Multikey, `z6Mk…`. */
  readonly publicKeyMultibase: string
}

export class InvalidKeyError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'InvalidKeyError'
  }
}

/** Encodes bytes as multibase base58btc (`z…`). */
export function encodeMultibaseBase58btc(bytes: Uint8Array): string {
  return base58btcPrefix + encodeBase58(bytes)
}

/** Decodes multibase base58btc (`z…`); undefined when the text is not that. */
export function decodeMultibaseBase58btc(text: string): Uint8Array | undefined {
  if (!text.startsWith(base58btcPrefix) || text.length < 2) return undefined
  try {
    return decodeBase58(text.slice(1))
  } catch {
    return undefined
  }
}

function rawPublicKey(publicKey: KeyObject): Uint8Array {
  const jwk = publicKey.export({ format: 'jwk' })
  if (jwk.crv !== 'Ed25519' || jwk.x === undefined) throw new InvalidKeyError('The key is not an Ed25519 key')
  return Buffer.from(jwk.x, 'base64url')
}

/** The Multikey form (`z6Mk…`) of an Ed25519 public key. */
export function encodeEd25519Multikey(publicKey: KeyObject): string {
  return encodeMultibaseBase58btc(Buffer.concat([ed25519PublicKeyMulticodec, rawPublicKey(publicKey)]))
}

/** The Ed25519 public key of a Multikey (`z6Mk…`); throws InvalidKeyError when it is not one. */
export function decodeEd25519Multikey(publicKeyMultibase: string): KeyObject {
  const bytes = decodeMultibaseBase58btc(publicKeyMultibase)
  if (
    bytes === undefined ||
    bytes.length !== 34 ||
    bytes[0] !== ed25519PublicKeyMulticodec[0] ||
    bytes[1] !== ed25519PublicKeyMulticodec[1]
  ) {
    throw new InvalidKeyError(`${publicKeyMultibase} is not a base58btc Multikey of an Ed25519 public key`)
  }
  const x = Buffer.from(bytes.subarray(2)).toString('base64url')
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x }, format: 'jwk' })
}

/** The key pair whose private key is the given 32-byte Ed25519 seed (RFC 8032 §5.1.5). */
export function createEd25519KeyPairFromSeed(seed: Uint8Array): Ed25519KeyPair {
  if (seed.length !== 32) throw new InvalidKeyError(`An Ed25519 seed is 32 bytes, not ${seed.length}`)
  const privateKey = createPrivateKey({
    key: Buffer.concat([pkcs8Ed25519Prefix, seed]),
    format: 'der',
    type: 'pkcs8',
  })
  const publicKey = createPublicKey(privateKey)
  return { privateKey, publicKey, publicKeyMultibase: encodeEd25519Multikey(publicKey) }
}

/** A new random key pair. */
export function generateEd25519KeyPair(): Ed25519KeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519')
  return { privateKey, publicKey, publicKeyMultibase: encodeEd25519Multikey(publicKey) }
}

/** The 32-byte seed of an Ed25519 private key, for storing it (encrypted) and rebuilding the pair. */
export function exportEd25519Seed(privateKey: KeyObject): Uint8Array {
  const jwk = privateKey.export({ format: 'jwk' })
  if (jwk.crv !== 'Ed25519' || jwk.d === undefined)
    throw new InvalidKeyError('The key is not an Ed25519 private key')
  return Buffer.from(jwk.d, 'base64url')
}

/** The did:key DID of a public key, and its one verification method, `did:key:z6Mk…#z6Mk…`. */
export function describeDidKey(publicKeyMultibase: string): { did: string; verificationMethod: string } {
  const did = `did:key:${publicKeyMultibase}`
  return { did, verificationMethod: `${did}#${publicKeyMultibase}` }
}
