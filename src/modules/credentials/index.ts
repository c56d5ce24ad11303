// The credentials module's public surface so far: the cryptographic foundation of issue 6, eddsa-rdfc-2022 Data
// Integrity proofs over bundled JSON-LD contexts, and Ed25519 keys as Multikey and did:key.
export {
  createVerifyData,
  dataIntegrityProofType,
  eddsaRdfc2022,
  resolveDidKey,
  resolveFromAny,
  resolveFromKnownKeys,
  signCredential,
  SigningError,
  verifyCredentialProof,
} from './data-integrity.ts'
export type {
  DataIntegrityProof,
  ProofOptions,
  ResolveVerificationKey,
  SignOptions,
  VerificationFailure,
  VerificationKey,
  VerificationResult,
  VerifyData,
  VerifyOptions,
} from './data-integrity.ts'
export {
  createEd25519KeyPairFromSeed,
  decodeEd25519Multikey,
  describeDidKey,
  encodeEd25519Multikey,
  exportEd25519Seed,
  generateEd25519KeyPair,
  InvalidKeyError,
} from './ed25519-keys.ts'
export type { Ed25519KeyPair } from './ed25519-keys.ts'
export {
  contextUrls,
  createDocumentLoader,
  findBundledContext,
  listBundledContextUrls,
  UnknownDocumentError,
} from './json-ld-contexts.ts'
export type { DocumentLoader, RemoteDocument } from './json-ld-contexts.ts'
