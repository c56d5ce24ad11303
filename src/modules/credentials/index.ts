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
export { createCredentialVerifier, describeJsonPath } from './credential-verification.ts'
export type {
  AchievementSummary,
  CheckName,
  CheckOutcome,
  CredentialVerdict,
  CredentialVerifier,
  IssuerSummary,
  KnownIssuerKeys,
  StatusAnswer,
  StatusChecker,
  VerificationCheck,
} from './credential-verification.ts'
export {
  createCredentialVerificationService,
  verificationRateLimit,
} from './credential-verification-service.ts'
export type { CredentialVerificationService } from './credential-verification-service.ts'
export { credentialsApiRoutes } from './credentials-api.ts'
export { registerVerificationPages } from './credential-verification-pages.ts'
export {
  buildDidDocument,
  describeDidWebHost,
  describeIssuerDid,
  parseIssuerVerificationMethod,
} from './issuer-did.ts'
export type { DidDocument, IssuerKeyReference, IssuerPublicKey } from './issuer-did.ts'
export { registerIssuerPages } from './issuer-pages.ts'
export { createIssuerService, NotAnIssuerError, resolveFromKnownIssuerKeys } from './issuer-service.ts'
export type { IssuerService, IssuerSigningKey, KeyRotation } from './issuer-service.ts'
export { createKeyStoreRepository } from './key-store-repository.ts'
export type { IssuerOrganisation, KeyStoreRepository } from './key-store-repository.ts'
export { decryptPrivateKey, encryptPrivateKey, KeyDecryptionError } from './key-store.ts'
export { resolveCredentialsKey } from './key-store-files.ts'
export {
  buildStatusListCredential,
  buildStatusListEntry,
  decodeStatusList,
  encodeStatusList,
  minimumStatusListBits,
  readStatusBit,
} from './status-list.ts'
export type { BitstringStatusListEntry } from './status-list.ts'
export { createStatusListRepository } from './status-list-repository.ts'
export { createStatusListService, mayRevokeFor, RevocationRefusedError } from './status-list-service.ts'
export type { RevocationOutcome, StatusListService } from './status-list-service.ts'
export { readAchievementCredentialSchema } from './credential-schema-files.ts'
export {
  achievementCredentialSchema,
  buildOpenBadgeCredential,
  describeLearnerSubjectId,
  frameworkName,
} from './credential-builder.ts'
export type {
  CredentialAchievement,
  CredentialBuildInput,
  FrameworkLevelId,
  UnsignedCredential,
} from './credential-builder.ts'
export { createCredentialIssuanceService } from './credential-issuance-service.ts'
export type {
  CredentialIssuanceService,
  IssueCredentialInput,
  IssuedCredential,
  IssuedCredentialKind,
  SignedCredential,
} from './credential-issuance-service.ts'
