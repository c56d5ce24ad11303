// Data Integrity proofs with the eddsa-rdfc-2022 cryptosuite (W3C vc-di-eddsa §3.3), as Open Badges 3.0
// conformance requires (ADR 0011). Both the document and the proof options are canonicalised with RDFC-1.0 by
// jsonld (rdf-canonize), never by hand; hashData = SHA-256(proof options) || SHA-256(document); the signature is
// Ed25519 from node:crypto, written as multibase base58btc.
import { createHash, sign as signEd25519, verify as verifyEd25519, type KeyObject } from 'node:crypto'
import jsonld from 'jsonld'
import {
  decodeEd25519Multikey,
  decodeMultibaseBase58btc,
  encodeMultibaseBase58btc,
  type Ed25519KeyPair,
} from './ed25519-keys.ts'
import { createDocumentLoader, UnknownDocumentError, type DocumentLoader } from './json-ld-contexts.ts'

export const dataIntegrityProofType = 'DataIntegrityProof'
export const eddsaRdfc2022 = 'eddsa-rdfc-2022'

type JsonObject = { [key: string]: unknown }

/** The proof options: every member of a proof but proofValue. */
export interface ProofOptions {
  type: typeof dataIntegrityProofType
  created?: string
  verificationMethod: string
  cryptosuite: typeof eddsaRdfc2022
  proofPurpose: string
  [member: string]: unknown
}

export interface DataIntegrityProof extends ProofOptions {
  proofValue: string
}

export interface SignOptions {
  /** A URL with a fragment naming one key, e.g. `did:key:z6Mk…#z6Mk…`: a bare DID fails other verifiers. */
  verificationMethod: string
  /** When the proof was made; written as an XML Schema dateTime in UTC without fractions of a second. */
  created: Date | string
  proofPurpose?: 'assertionMethod'
  documentLoader?: DocumentLoader
}

export interface VerifyData {
  documentCanon: string
  proofCanon: string
  documentHash: Uint8Array
  proofHash: Uint8Array
  /** proofHash followed by documentHash: the bytes that are signed. */
  hashData: Uint8Array
}

export class SigningError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'SigningError'
  }
}

// XML Schema 1.1 dateTime, which `created` must be (vc-data-integrity §2.1).
const xmlDateTime = /^-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/

function isJsonObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

async function canonicalise(document: unknown, documentLoader: DocumentLoader): Promise<string> {
  // safe mode: a term the contexts do not define is an error, not silently dropped from what is signed.
  return jsonld.canonize(document, {
    format: 'application/n-quads',
    safe: true,
    documentLoader,
    canonizeOptions: { algorithm: 'RDFC-1.0', rejectURDNA2015: true },
  })
}

function sha256(text: string): Uint8Array {
  return createHash('sha256').update(text, 'utf8').digest()
}

/**
 * The canonical forms, their hashes and the bytes to sign, for a document without its proof and the proof's
 * options without proofValue (vc-di-eddsa §3.3.1 to §3.3.4). The options take the document's `@context`.
 */
export async function createVerifyData(
  unsecuredDocument: JsonObject,
  proofOptions: ProofOptions,
  documentLoader: DocumentLoader = createDocumentLoader(),
): Promise<VerifyData> {
  const proofConfig = { ...proofOptions, '@context': unsecuredDocument['@context'] }
  const [documentCanon, proofCanon] = await Promise.all([
    canonicalise(unsecuredDocument, documentLoader),
    canonicalise(proofConfig, documentLoader),
  ])
  const documentHash = sha256(documentCanon)
  const proofHash = sha256(proofCanon)
  return {
    documentCanon,
    proofCanon,
    documentHash,
    proofHash,
    hashData: Buffer.concat([proofHash, documentHash]),
  }
}

function formatCreated(created: Date | string): string {
  if (typeof created === 'string') {
    if (!xmlDateTime.test(created))
      throw new SigningError(`created "${created}" is not an XML Schema dateTime`)
    return created
  }
  if (Number.isNaN(created.getTime())) throw new SigningError('created is not a valid date')
  return created.toISOString().replace(/\.\d{3}Z$/, 'Z')
}

/**
 * Signs an unsigned credential with an eddsa-rdfc-2022 Data Integrity proof and returns a copy with `proof` as an
 * array of that one proof, which is the shape the Open Badges 3.0 JSON Schema requires. Throws SigningError on a
 * document that cannot be signed (already has a proof, no `@context`, a term its contexts do not define).
 */
export async function signCredential<T extends JsonObject>(
  unsignedCredential: T,
  key: Pick<Ed25519KeyPair, 'privateKey'>,
  options: SignOptions,
): Promise<T & { proof: DataIntegrityProof[] }> {
  if (key.privateKey.asymmetricKeyType !== 'ed25519' || key.privateKey.type !== 'private') {
    throw new SigningError('eddsa-rdfc-2022 signs with an Ed25519 private key')
  }
  if ('proof' in unsignedCredential) throw new SigningError('The credential already has a proof')
  if (unsignedCredential['@context'] === undefined) throw new SigningError('The credential has no @context')
  if (!/^[a-z][a-z0-9+.-]*:[^#]+#.+$/i.test(options.verificationMethod)) {
    throw new SigningError(`verificationMethod "${options.verificationMethod}" is not a URL with a #fragment`)
  }
  const proofOptions: ProofOptions = {
    type: dataIntegrityProofType,
    created: formatCreated(options.created),
    verificationMethod: options.verificationMethod,
    cryptosuite: eddsaRdfc2022,
    proofPurpose: options.proofPurpose ?? 'assertionMethod',
  }
  let verifyData: VerifyData
  try {
    verifyData = await createVerifyData(unsignedCredential, proofOptions, options.documentLoader)
  } catch (error) {
    throw new SigningError(`The credential cannot be canonicalised: ${describeError(error)}`)
  }
  const signature = signEd25519(null, verifyData.hashData, key.privateKey)
  const proof: DataIntegrityProof = { ...proofOptions, proofValue: encodeMultibaseBase58btc(signature) }
  return { ...unsignedCredential, proof: [proof] }
}

// ---------------------------------------------------------------------------------------------------------------
// Verification

/** A public key a verification method names, and who controls it. */
export interface VerificationKey {
  id: string
  controller: string
  publicKeyMultibase: string
}

/** Finds the key a verification method URL names; undefined when it is not known. */
export type ResolveVerificationKey = (
  verificationMethod: string,
) => VerificationKey | undefined | Promise<VerificationKey | undefined>

export type VerificationFailure =
  | 'malformed-credential'
  | 'missing-proof'
  | 'malformed-proof'
  | 'unsupported-proof-type'
  | 'unknown-cryptosuite'
  | 'wrong-proof-purpose'
  | 'malformed-proof-value'
  | 'unresolved-verification-method'
  | 'issuer-mismatch'
  | 'canonicalisation-failed'
  | 'invalid-signature'

export type VerificationResult =
  | { verified: true; issuer: string; verificationMethods: string[] }
  | { verified: false; failure: VerificationFailure; reason: string }

export interface VerifyOptions {
  documentLoader?: DocumentLoader
}

class VerificationFailed extends Error {
  constructor(
    readonly failure: VerificationFailure,
    reason: string,
  ) {
    super(reason)
  }
}

function fail(failure: VerificationFailure, reason: string): never {
  throw new VerificationFailed(failure, reason)
}

function describeError(error: unknown): string {
  // jsonld wraps a document loader's error in details.cause, and reports a safe-mode failure (a term no context
  // defines) as details.event: the useful words are inside.
  const messages: string[] = []
  let current: unknown = error
  while (current instanceof Error && messages.length < 5) {
    if (current instanceof UnknownDocumentError) return current.message
    const details: unknown = (current as Error & { details?: unknown }).details
    const event = isJsonObject(details) ? details['event'] : undefined
    if (isJsonObject(event) && typeof event['message'] === 'string') {
      const eventDetails = event['details']
      const property = isJsonObject(eventDetails) ? eventDetails['property'] : undefined
      return typeof property === 'string' ? `${event['message']} (the term "${property}")` : event['message']
    }
    messages.push(current.message.replace(/\.$/, ''))
    current = isJsonObject(details) && details['cause'] !== undefined ? details['cause'] : current.cause
  }
  return messages.length > 0 ? messages.join(': ') : String(error)
}

function readCredential(input: unknown): JsonObject {
  let credential = input
  if (typeof input === 'string') {
    try {
      credential = JSON.parse(input)
    } catch (error) {
      fail('malformed-credential', `The credential is not valid JSON: ${(error as Error).message}`)
    }
  }
  if (!isJsonObject(credential)) fail('malformed-credential', 'The credential is not a JSON object')
  const context = credential['@context']
  if (context === undefined) fail('malformed-credential', 'The credential has no @context')
  if (typeof context !== 'string' && !Array.isArray(context)) {
    fail('malformed-credential', 'The credential @context is neither a URL nor a list')
  }
  return credential
}

function readIssuer(credential: JsonObject): string {
  const issuer = credential['issuer']
  if (typeof issuer === 'string' && issuer !== '') return issuer
  if (isJsonObject(issuer) && typeof issuer['id'] === 'string' && issuer['id'] !== '') return issuer['id']
  return fail('malformed-credential', 'The credential has no issuer, or its issuer has no id')
}

function readProofs(credential: JsonObject): unknown[] {
  const proof = credential['proof']
  if (proof === undefined || (Array.isArray(proof) && proof.length === 0)) {
    fail('missing-proof', 'The credential has no proof')
  }
  return Array.isArray(proof) ? proof : [proof]
}

function readProof(proof: unknown): DataIntegrityProof {
  if (!isJsonObject(proof)) fail('malformed-proof', 'A proof is not a JSON object')
  if (proof['type'] !== dataIntegrityProofType) {
    fail(
      'unsupported-proof-type',
      `The proof type ${JSON.stringify(proof['type'])} is not ${dataIntegrityProofType}`,
    )
  }
  if (proof['cryptosuite'] !== eddsaRdfc2022) {
    fail(
      'unknown-cryptosuite',
      `The cryptosuite ${JSON.stringify(proof['cryptosuite'])} is not ${eddsaRdfc2022}`,
    )
  }
  if (proof['proofPurpose'] !== 'assertionMethod') {
    fail(
      'wrong-proof-purpose',
      `The proof purpose ${JSON.stringify(proof['proofPurpose'])} is not assertionMethod`,
    )
  }
  if (typeof proof['verificationMethod'] !== 'string' || proof['verificationMethod'] === '') {
    fail('malformed-proof', 'The proof has no verificationMethod')
  }
  if (
    proof['created'] !== undefined &&
    (typeof proof['created'] !== 'string' || !xmlDateTime.test(proof['created']))
  ) {
    fail(
      'malformed-proof',
      `The proof's created ${JSON.stringify(proof['created'])} is not an XML Schema dateTime`,
    )
  }
  if ('previousProof' in proof) fail('malformed-proof', 'Proof chains (previousProof) are not supported')
  if (typeof proof['proofValue'] !== 'string') fail('malformed-proof-value', 'The proof has no proofValue')
  return proof as DataIntegrityProof
}

async function resolveKey(
  verificationMethod: string,
  issuer: string,
  resolve: ResolveVerificationKey,
): Promise<KeyObject> {
  let key: VerificationKey | undefined
  try {
    key = await resolve(verificationMethod)
  } catch (error) {
    fail(
      'unresolved-verification-method',
      `The key ${verificationMethod} could not be resolved: ${describeError(error)}`,
    )
  }
  if (key === undefined || key.id !== verificationMethod) {
    fail(
      'unresolved-verification-method',
      `The key ${verificationMethod} is not known, so the issuer cannot be checked`,
    )
  }
  if (key.controller !== issuer) {
    fail(
      'issuer-mismatch',
      `The key ${verificationMethod} is controlled by ${key.controller}, not by the issuer ${issuer}`,
    )
  }
  try {
    return decodeEd25519Multikey(key.publicKeyMultibase)
  } catch (error) {
    return fail('unresolved-verification-method', (error as Error).message)
  }
}

async function verifyProof(
  credential: JsonObject,
  proof: DataIntegrityProof,
  issuer: string,
  resolve: ResolveVerificationKey,
  documentLoader: DocumentLoader,
): Promise<void> {
  const signature = decodeMultibaseBase58btc(proof.proofValue)
  if (signature === undefined || signature.length !== 64) {
    fail('malformed-proof-value', 'The proofValue is not a base58btc (z…) Ed25519 signature of 64 bytes')
  }
  const { proofValue: _proofValue, ...proofOptions } = proof
  const { proof: _proof, ...unsecuredDocument } = credential
  // vc-di-eddsa §3.3.2: a proof that carries an @context must agree with the start of the document's.
  if (proofOptions['@context'] !== undefined) {
    const documentContexts = [unsecuredDocument['@context']].flat()
    const proofContexts = [proofOptions['@context']].flat()
    const agrees = proofContexts.every(
      (context, index) => JSON.stringify(context) === JSON.stringify(documentContexts[index]),
    )
    if (!agrees) fail('malformed-proof', "The proof's @context does not match the start of the credential's")
    unsecuredDocument['@context'] = proofOptions['@context']
    delete proofOptions['@context']
  }
  const publicKey = await resolveKey(proof.verificationMethod, issuer, resolve)
  let verifyData: VerifyData
  try {
    verifyData = await createVerifyData(unsecuredDocument, proofOptions, documentLoader)
  } catch (error) {
    fail('canonicalisation-failed', `The credential cannot be canonicalised: ${describeError(error)}`)
  }
  if (!verifyEd25519(null, verifyData.hashData, publicKey, signature)) {
    fail(
      'invalid-signature',
      'The signature does not match the credential: it was changed after signing, or signed by another key',
    )
  }
}

/**
 * Verifies every eddsa-rdfc-2022 proof on a credential (a parsed JSON value, or JSON text). Never throws: bad input,
 * an unknown cryptosuite, a key that cannot be resolved or a changed field each give verified false with the reason.
 * It checks the proofs and that their keys belong to the issuer, not the credential's dates, status or schema.
 */
export async function verifyCredentialProof(
  input: unknown,
  resolve: ResolveVerificationKey,
  options: VerifyOptions = {},
): Promise<VerificationResult> {
  const documentLoader = options.documentLoader ?? createDocumentLoader()
  try {
    const credential = readCredential(input)
    const issuer = readIssuer(credential)
    const proofs = readProofs(credential).map(readProof)
    for (const proof of proofs) await verifyProof(credential, proof, issuer, resolve, documentLoader)
    return { verified: true, issuer, verificationMethods: proofs.map((proof) => proof.verificationMethod) }
  } catch (error) {
    if (error instanceof VerificationFailed)
      return { verified: false, failure: error.failure, reason: error.message }
    return {
      verified: false,
      failure: 'malformed-credential',
      reason: `The credential cannot be read: ${describeError(error)}`,
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Key resolvers

/**
 * Resolves `did:key:z6Mk…#z6Mk…` offline: the key is in the DID itself. A bare DID or a fragment that is not the
 * key is refused, as the DID Key method and the Digital Bazaar verifiers do.
 */
export const resolveDidKey: ResolveVerificationKey = (verificationMethod) => {
  const match = /^did:key:(z6Mk[1-9A-HJ-NP-Za-km-z]+)#(z6Mk[1-9A-HJ-NP-Za-km-z]+)$/.exec(verificationMethod)
  if (match === null || match[1] !== match[2]) return undefined
  return { id: verificationMethod, controller: `did:key:${match[1]}`, publicKeyMultibase: match[1]! }
}

/** Resolves only the keys listed (for example an issuer's keys known in advance), by their id. */
export function resolveFromKnownKeys(keys: readonly VerificationKey[]): ResolveVerificationKey {
  const byId = new Map(keys.map((key) => [key.id, key]))
  return (verificationMethod) => byId.get(verificationMethod)
}

/** Tries each resolver in turn and answers with the first key found. */
export function resolveFromAny(...resolvers: readonly ResolveVerificationKey[]): ResolveVerificationKey {
  return async (verificationMethod) => {
    for (const resolve of resolvers) {
      const key = await resolve(verificationMethod)
      if (key !== undefined) return key
    }
    return undefined
  }
}
