// Issuers and their keys: each awarding organisation's Ed25519 key pair, made on first use, rotated on request
// (the old key is retired and kept, so that what it signed still verifies), and published in its did:web DID
// document. Private keys are decrypted only to sign.
import { randomBytes } from 'node:crypto'
import { recordAudit, type AuditActor, type AuditOrigin } from '../../platform/audit/audit-log.ts'
import type { Database, Sql } from '../../platform/database/database.ts'
import type { KnownIssuerKeys } from './credential-verification.ts'
import type { ResolveVerificationKey } from './data-integrity.ts'
import {
  createEd25519KeyPairFromSeed,
  exportEd25519Seed,
  generateEd25519KeyPair,
  type Ed25519KeyPair,
} from './ed25519-keys.ts'
import {
  buildDidDocument,
  describeIssuerDid,
  parseIssuerVerificationMethod,
  type DidDocument,
} from './issuer-did.ts'
import { decryptPrivateKey, encryptPrivateKey } from './key-store.ts'
import type { IssuerOrganisation, KeyStoreRepository, StoredIssuerKey } from './key-store-repository.ts'

/** An issuer's active key, ready to sign with `signCredential`. */
export interface IssuerSigningKey {
  readonly issuerId: string
  readonly did: string
  /** `did:web:…:issuers:<issuer>#key-…`, the proof's verificationMethod. */
  readonly verificationMethod: string
  readonly keyPair: Ed25519KeyPair
}

export interface KeyRotation {
  readonly issuerId: string
  /** The key that was active, now retired; null when the issuer had none. */
  readonly retiredKeyId: string | null
  readonly activeKeyId: string
}

export class NotAnIssuerError extends Error {
  constructor(readonly issuerId: string) {
    super(`"${issuerId}" is not an issuer: issuers are universities and the framework team`)
    this.name = 'NotAnIssuerError'
  }
}

export interface IssuerService {
  /** The organisation when it issues credentials (a university or the framework team), else null. */
  findIssuer(issuerId: string): Promise<IssuerOrganisation | null>
  /** The issuer's DID on this deployment: did:web:<host>:issuers:<issuerId>. */
  describeDid(issuerId: string): string
  /** The issuer's DID document with every key, active and retired; null when it is not an issuer. */
  findDidDocument(issuerId: string): Promise<DidDocument | null>
  /** The issuer's active key, made on first use; throws NotAnIssuerError for an organisation that is not one. */
  findSigningKey(issuerId: string): Promise<IssuerSigningKey>
  /** Retires the active key and makes a new one active, audit-logged; throws NotAnIssuerError. */
  rotateKey(issuerId: string, actor: AuditActor, origin: AuditOrigin): Promise<KeyRotation>
  /**
   * The verifier's resolver for Trellis's own issuers: the public key and controller (the DID as the verification
   * method writes it) of a `did:web:…:issuers:ID#key-…` naming one of their keys, active or retired; null for any
   * other. Found by path, not host, so a deployment recognises its own issuers on any domain it answers on.
   */
  readonly knownKeys: KnownIssuerKeys
}

/** A ResolveVerificationKey (for verifyCredentialProof) over Trellis's own issuers' keys. */
export function resolveFromKnownIssuerKeys(known: KnownIssuerKeys): ResolveVerificationKey {
  return async (verificationMethod) => {
    const key = await known.resolve(verificationMethod)
    return key === null ? undefined : { id: verificationMethod, ...key }
  }
}

const newKeyId = () => `key-${randomBytes(8).toString('hex')}`

export function createIssuerService(deps: {
  readonly db: Database
  readonly keys: KeyStoreRepository
  /** Encrypts the private keys at rest (CREDENTIALS_KEY): 32 bytes. */
  readonly credentialsKey: Uint8Array
  readonly publicUrl: string
  readonly now?: () => Date
}): IssuerService {
  const { db, keys, credentialsKey, publicUrl } = deps
  const now = deps.now ?? (() => new Date())
  const describeDid = (issuerId: string) => describeIssuerDid(publicUrl, issuerId)

  const makeKey = (issuerId: string, at: Date): StoredIssuerKey => {
    const keyId = newKeyId()
    const pair = generateEd25519KeyPair()
    return {
      issuerId,
      keyId,
      publicKeyMultibase: pair.publicKeyMultibase,
      encryptedPrivateKey: encryptPrivateKey(exportEd25519Seed(pair.privateKey), credentialsKey, {
        issuerId,
        keyId,
      }),
      createdAt: at,
      retiredAt: null,
    }
  }

  const requireIssuer = async (issuerId: string, tx?: Sql) => {
    const issuer = await keys.findIssuer(issuerId, tx)
    if (issuer === null) throw new NotAnIssuerError(issuerId)
    return issuer
  }

  /** The active key; on first use one is made, with the issuer locked so that only one is. */
  const ensureActiveKey = async (issuerId: string): Promise<StoredIssuerKey> => {
    const active = await keys.findActiveKey(issuerId)
    if (active !== null) return active
    return db.transaction(async (tx) => {
      await requireIssuer(issuerId, tx)
      await keys.lockIssuer(tx, issuerId)
      const existing = await keys.findActiveKey(issuerId, tx)
      if (existing !== null) return existing
      const key = makeKey(issuerId, now())
      if (!(await keys.insertKey(tx, key))) {
        throw new Error(`issuer ${issuerId} gained an active key while it was locked`)
      }
      await recordAudit(tx, {
        actor: { label: 'system' },
        action: 'credential-issuer.key-created',
        subjectType: 'credential-issuer',
        subjectId: issuerId,
        origin: { requestId: null, ip: null },
        details: { keyId: key.keyId, publicKeyMultibase: key.publicKeyMultibase },
      })
      return key
    })
  }

  return {
    findIssuer: (issuerId) => keys.findIssuer(issuerId),
    describeDid,

    async findDidDocument(issuerId) {
      if ((await keys.findIssuer(issuerId)) === null) return null
      // The document always lists at least the key the issuer will sign with.
      await ensureActiveKey(issuerId)
      return buildDidDocument(describeDid(issuerId), await keys.listKeys(issuerId))
    },

    async findSigningKey(issuerId) {
      await requireIssuer(issuerId)
      const key = await ensureActiveKey(issuerId)
      const seed = decryptPrivateKey(key.encryptedPrivateKey, credentialsKey, key)
      const did = describeDid(issuerId)
      return {
        issuerId,
        did,
        verificationMethod: `${did}#${key.keyId}`,
        keyPair: createEd25519KeyPairFromSeed(seed),
      }
    },

    async rotateKey(issuerId, actor, origin) {
      return db.transaction(async (tx) => {
        await requireIssuer(issuerId, tx)
        await keys.lockIssuer(tx, issuerId)
        const at = now()
        const retired = await keys.retireActiveKey(tx, issuerId, at)
        const key = makeKey(issuerId, at)
        if (!(await keys.insertKey(tx, key))) {
          throw new Error(`issuer ${issuerId} still has an active key after retiring it`)
        }
        await recordAudit(tx, {
          actor,
          action: 'credential-issuer.key-rotated',
          subjectType: 'credential-issuer',
          subjectId: issuerId,
          origin,
          details: {
            retiredKeyId: retired?.keyId ?? null,
            activeKeyId: key.keyId,
            publicKeyMultibase: key.publicKeyMultibase,
          },
        })
        return { issuerId, retiredKeyId: retired?.keyId ?? null, activeKeyId: key.keyId }
      })
    },

    knownKeys: {
      async resolve(verificationMethod) {
        const reference = parseIssuerVerificationMethod(verificationMethod)
        if (reference === null) return null
        const key = await keys.findKey(reference.issuerId, reference.keyId)
        return key === null ? null : { publicKeyMultibase: key.publicKeyMultibase, controller: reference.did }
      },
    },
  }
}
