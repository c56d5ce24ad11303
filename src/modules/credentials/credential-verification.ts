// Verification for anyone (issue 6, items 5 and 7): any Open Badges 3.0 credential, from Trellis or elsewhere, gets
// a verdict made of five checks, each explained in plain words. Nothing here throws on bad input and nothing
// fetches: did:key issuers resolve offline, did:web issuers only through the keys Trellis knows (KnownIssuerKeys),
// and Bitstring status lists only through a StatusChecker. A check that cannot be made says so ("could not be
// checked"), which is not the same as failed: an unknown issuer is not a forger.
import { Ajv2019, type ErrorObject, type ValidateFunction } from 'ajv/dist/2019.js'
import ajvFormats from 'ajv-formats'
import {
  resolveDidKey,
  resolveFromAny,
  verifyCredentialProof,
  type ResolveVerificationKey,
  type VerificationKey,
} from './data-integrity.ts'
import { createDocumentLoader, type DocumentLoader } from './json-ld-contexts.ts'

export type CheckName = 'signature' | 'schema' | 'status' | 'validity' | 'issuer'

/** `not-checked`: the check could not be made (an issuer or status list Trellis does not know), not failed. */
export type CheckOutcome = 'passed' | 'failed' | 'not-checked'

export interface VerificationCheck {
  readonly check: CheckName
  readonly ok: boolean
  readonly outcome: CheckOutcome
  readonly message: string
}

export interface IssuerSummary {
  readonly id: string
  readonly name?: string
  readonly url?: string
  readonly email?: string
  readonly description?: string
}

export interface AlignmentSummary {
  readonly targetName: string
  readonly targetType?: string
  readonly targetUrl?: string
  readonly targetFramework?: string
  readonly targetCode?: string
}

export interface AchievementSummary {
  readonly id?: string
  readonly name?: string
  readonly description?: string
  readonly achievementType?: string
  readonly criteria?: string
  readonly creditsAvailable?: number
  readonly creditsEarned?: number
  readonly fieldOfStudy?: string
  readonly humanCode?: string
  /** Every alignment (a framework level such as FHEQ level 7, a role, a standard). */
  readonly alignment: readonly AlignmentSummary[]
}

export interface CredentialSummary {
  readonly id?: string
  readonly name?: string
  readonly validFrom?: string
  readonly validUntil?: string
  /** Who it was awarded to: the subject's id (a DID or URL), as the credential gives it. */
  readonly subjectId?: string
}

export interface CredentialVerdict {
  readonly verified: boolean
  readonly checks: readonly VerificationCheck[]
  readonly issuer: IssuerSummary | null
  readonly achievement: AchievementSummary | null
  readonly credential: CredentialSummary | null
}

/** The keys of issuers Trellis knows (its own did:web issuers), by verification method id. */
export interface KnownIssuerKeys {
  resolve(
    verificationMethodId: string,
  ):
    | { publicKeyMultibase: string; controller: string }
    | null
    | Promise<{ publicKeyMultibase: string; controller: string } | null>
}

export type StatusAnswer = { readonly revoked: boolean; readonly reason?: string } | 'unknown'

/** Reads a credential's status entry from a status list Trellis knows; 'unknown' for any other list. */
export interface StatusChecker {
  check(credentialStatus: Readonly<Record<string, unknown>>): StatusAnswer | Promise<StatusAnswer>
}

export interface CredentialVerifierDependencies {
  /** The Open Badges 3.0 AchievementCredential JSON Schema (draft 2019-09): readAchievementCredentialSchema(). */
  readonly schema: object
  readonly knownIssuerKeys?: KnownIssuerKeys
  readonly statusChecker?: StatusChecker
  readonly now: () => Date
  readonly documentLoader?: DocumentLoader
}

export interface CredentialVerifier {
  /** Any input: a parsed JSON value or JSON text. Never throws. */
  verify(input: unknown): Promise<CredentialVerdict>
}

type JsonObject = Record<string, unknown>

const notKnownToTrellis = 'the issuer is not known to Trellis'
// Enough of a schema report to act on; a badly broken credential can have hundreds of schema errors.
const maximumSchemaMessages = 5

function isJsonObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

function readText(value: unknown, maximumLength = 2_000): string | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined
  return value.length > maximumLength ? `${value.slice(0, maximumLength)}…` : value
}

function readNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, member]) => member !== undefined)) as T
}

const passed = (check: CheckName, message: string): VerificationCheck => ({
  check,
  ok: true,
  outcome: 'passed',
  message,
})
const failed = (check: CheckName, message: string): VerificationCheck => ({
  check,
  ok: false,
  outcome: 'failed',
  message,
})
const notChecked = (check: CheckName, reason: string): VerificationCheck => ({
  check,
  ok: false,
  outcome: 'not-checked',
  message: `This could not be checked: ${reason}.`,
})

/** A date as people read it, in UTC: "30 September 2026 at 10:00 (UTC)". */
function describeDate(date: Date): string {
  const day = new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeZone: 'UTC' }).format(date)
  const time = new Intl.DateTimeFormat('en-GB', { timeStyle: 'short', timeZone: 'UTC' }).format(date)
  return `${day} at ${time} (UTC)`
}

/** A JSON pointer from ajv (`/credentialSubject/achievement/name`) as a path people read: `credentialSubject.achievement.name`. */
export function describeJsonPath(pointer: string): string {
  if (pointer === '') return 'the credential'
  return pointer
    .split('/')
    .slice(1)
    .map((part) => part.replaceAll('~1', '/').replaceAll('~0', '~'))
    .map((part, index) => (/^\d+$/.test(part) ? `[${part}]` : index === 0 ? part : `.${part}`))
    .join('')
}

function describeSchemaError(error: ErrorObject): string {
  const path = describeJsonPath(error.instancePath)
  if (error.keyword === 'required' && typeof error.params['missingProperty'] === 'string') {
    const missing = error.params['missingProperty']
    return `${path === 'the credential' ? missing : `${path}.${missing}`} is missing`
  }
  if (error.keyword === 'enum' && Array.isArray(error.params['allowedValues'])) {
    return `${path} must be one of: ${(error.params['allowedValues'] as unknown[]).map(String).join(', ')}`
  }
  return `${path} ${error.message ?? 'is not valid'}`
}

function compileSchema(schema: object): ValidateFunction {
  const ajv = new Ajv2019({ strict: false, allErrors: true })
  // ajv-formats is CommonJS: imported from ESM, its plugin is the default export's `default`.
  ajvFormats.default(ajv)
  return ajv.compile(schema)
}

function readProofList(credential: JsonObject): unknown[] {
  const proof = credential['proof']
  if (proof === undefined) return []
  return Array.isArray(proof) ? proof : [proof]
}

function readVerificationMethods(credential: JsonObject): string[] {
  return readProofList(credential)
    .map((proof) => (isJsonObject(proof) ? proof['verificationMethod'] : undefined))
    .filter((method): method is string => typeof method === 'string' && method !== '')
}

function summariseIssuer(credential: JsonObject): IssuerSummary | null {
  const issuer = credential['issuer']
  if (typeof issuer === 'string' && issuer !== '') return { id: issuer }
  if (!isJsonObject(issuer)) return null
  const id = readText(issuer['id'])
  if (id === undefined) return null
  return withoutUndefined({
    id,
    name: readText(issuer['name'], 500),
    url: readText(issuer['url'], 500),
    email: readText(issuer['email'], 500),
    description: readText(issuer['description']),
  })
}

function readSubject(credential: JsonObject): JsonObject | undefined {
  const subject = credential['credentialSubject']
  const first: unknown = Array.isArray(subject) ? subject[0] : subject
  return isJsonObject(first) ? first : undefined
}

function summariseAchievement(credential: JsonObject): AchievementSummary | null {
  const subject = readSubject(credential)
  const achievement = subject?.['achievement']
  if (subject === undefined || !isJsonObject(achievement)) return null
  const criteria = achievement['criteria']
  const alignments = Array.isArray(achievement['alignment']) ? achievement['alignment'] : []
  return withoutUndefined({
    id: readText(achievement['id'], 500),
    name: readText(achievement['name'], 500),
    description: readText(achievement['description']),
    achievementType: readText(achievement['achievementType'], 200),
    criteria: isJsonObject(criteria) ? readText(criteria['narrative']) : undefined,
    creditsAvailable: readNumber(achievement['creditsAvailable']),
    creditsEarned: readNumber(subject['creditsEarned']),
    fieldOfStudy: readText(achievement['fieldOfStudy'], 500),
    humanCode: readText(achievement['humanCode'], 200),
    alignment: alignments
      .filter(isJsonObject)
      .slice(0, 50)
      .flatMap((alignment) => {
        const targetName = readText(alignment['targetName'], 500)
        if (targetName === undefined) return []
        return [
          withoutUndefined({
            targetName,
            targetType: readText(alignment['targetType'], 200),
            targetUrl: readText(alignment['targetUrl'], 500),
            targetFramework: readText(alignment['targetFramework'], 500),
            targetCode: readText(alignment['targetCode'], 200),
          }),
        ]
      }),
  })
}

function summariseCredential(credential: JsonObject): CredentialSummary {
  return withoutUndefined({
    id: readText(credential['id'], 500),
    name: readText(credential['name'], 500),
    validFrom: readText(credential['validFrom'], 100),
    validUntil: readText(credential['validUntil'], 100),
    subjectId: readText(readSubject(credential)?.['id'], 500),
  })
}

function parseDate(value: unknown): Date | undefined {
  if (typeof value !== 'string') return undefined
  const date = new Date(value)
  return Number.isNaN(date.getTime()) ? undefined : date
}

function checkValidity(credential: JsonObject, now: Date): VerificationCheck {
  const validFrom = credential['validFrom']
  const validUntil = credential['validUntil']
  const from = parseDate(validFrom)
  const until = parseDate(validUntil)
  if (validFrom !== undefined && from === undefined) {
    return failed('validity', `Its start date (validFrom) ${JSON.stringify(validFrom)} is not a date.`)
  }
  if (validUntil !== undefined && until === undefined) {
    return failed('validity', `Its end date (validUntil) ${JSON.stringify(validUntil)} is not a date.`)
  }
  if (from !== undefined && from.getTime() > now.getTime()) {
    return failed(
      'validity',
      `It is not yet valid: it takes effect on ${describeDate(from)}, which has not arrived.`,
    )
  }
  if (until !== undefined && until.getTime() < now.getTime()) {
    return failed('validity', `It has expired: it was valid until ${describeDate(until)}.`)
  }
  const since = from === undefined ? 'It has no start date' : `It has been valid since ${describeDate(from)}`
  const end = until === undefined ? 'has no expiry date' : `is valid until ${describeDate(until)}`
  return passed('validity', `${since} and ${end}.`)
}

async function checkStatus(
  credential: JsonObject,
  statusChecker: StatusChecker | undefined,
): Promise<VerificationCheck> {
  const credentialStatus = credential['credentialStatus']
  if (credentialStatus === undefined) {
    return passed(
      'status',
      'It has no status entry, so its issuer cannot revoke it; there is nothing to look up.',
    )
  }
  const entries = Array.isArray(credentialStatus) ? credentialStatus : [credentialStatus]
  if (entries.length === 0 || !entries.every(isJsonObject)) {
    return failed('status', 'Its status entry (credentialStatus) is not an object, so it cannot be read.')
  }
  if (statusChecker === undefined) {
    return notChecked('status', 'Trellis does not know the status list its issuer publishes')
  }
  for (const entry of entries) {
    let answer: StatusAnswer
    try {
      answer = await statusChecker.check(entry)
    } catch {
      return notChecked('status', 'its status list could not be read')
    }
    if (answer === 'unknown') {
      return notChecked('status', 'Trellis does not know the status list its issuer publishes')
    }
    if (answer.revoked) {
      const reason = readText(answer.reason, 500)
      return failed(
        'status',
        `It has been revoked by its issuer${reason === undefined ? '' : `: ${reason}`}. It is no longer valid.`,
      )
    }
  }
  return passed('status', 'Its issuer has not revoked it: its status list says it is still valid.')
}

function describeIssuerName(issuer: IssuerSummary): string {
  return issuer.name === undefined ? issuer.id : `${issuer.name} (${issuer.id})`
}

async function checkIssuer(
  credential: JsonObject,
  issuer: IssuerSummary | null,
  resolve: ResolveVerificationKey,
): Promise<VerificationCheck> {
  if (issuer === null) {
    return failed('issuer', 'It does not say who issued it: it has no issuer, or its issuer has no id.')
  }
  const methods = readVerificationMethods(credential)
  if (methods.length === 0) {
    return failed(
      'issuer',
      `It names ${describeIssuerName(issuer)} as issuer, but has no proof to tie it to them.`,
    )
  }
  for (const method of methods) {
    let key: VerificationKey | undefined
    try {
      key = await resolve(method)
    } catch {
      key = undefined
    }
    if (key === undefined) return notChecked('issuer', notKnownToTrellis)
    if (key.controller !== issuer.id) {
      return failed(
        'issuer',
        `The key that signed it (${method}) belongs to ${key.controller}, not to the issuer it names, ${issuer.id}.`,
      )
    }
  }
  return passed(
    'issuer',
    `It was signed with a key that belongs to its issuer, ${describeIssuerName(issuer)}.`,
  )
}

async function checkSignature(
  credential: JsonObject,
  resolve: ResolveVerificationKey,
  documentLoader: DocumentLoader,
): Promise<VerificationCheck> {
  const result = await verifyCredentialProof(credential, resolve, { documentLoader })
  if (result.verified) {
    return passed(
      'signature',
      'Its digital signature (eddsa-rdfc-2022) matches: nothing in it has been changed since it was signed.',
    )
  }
  switch (result.failure) {
    case 'unresolved-verification-method': {
      const didKey = readVerificationMethods(credential).some((method) => method.startsWith('did:key:'))
      return didKey
        ? failed('signature', `Its signing key cannot be read: ${result.reason}.`)
        : notChecked('signature', notKnownToTrellis)
    }
    case 'missing-proof':
      return failed('signature', 'It has no proof (digital signature), so nothing shows who made it.')
    case 'unknown-cryptosuite':
    case 'unsupported-proof-type':
      return failed('signature', `Its signature is of a kind Trellis does not check: ${result.reason}.`)
    case 'invalid-signature':
      return failed(
        'signature',
        'Its digital signature does not match: it was changed after it was signed, or signed by another key.',
      )
    default:
      return failed('signature', `Its signature cannot be checked: ${result.reason.replace(/\.$/, '')}.`)
  }
}

function readInput(input: unknown): { credential: JsonObject } | { problem: string } {
  let value = input
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input)
    } catch (error) {
      return { problem: `It is not valid JSON (${(error as Error).message})` }
    }
  }
  if (!isJsonObject(value)) return { problem: 'It is not a JSON object, so it is not a credential' }
  return { credential: value }
}

/**
 * The verifier, with what it may know: the keys of Trellis's own issuers, Trellis's status lists, and the time.
 * The JSON Schema is compiled once, here.
 */
export function createCredentialVerifier(deps: CredentialVerifierDependencies): CredentialVerifier {
  const validateSchema = compileSchema(deps.schema)
  const documentLoader = deps.documentLoader ?? createDocumentLoader()
  const resolveKnown: ResolveVerificationKey = async (verificationMethod) => {
    if (deps.knownIssuerKeys === undefined) return undefined
    const key = await deps.knownIssuerKeys.resolve(verificationMethod)
    return key === null ? undefined : { id: verificationMethod, ...key }
  }
  const resolve = resolveFromAny(resolveDidKey, resolveKnown)

  const checkSchema = (credential: JsonObject): VerificationCheck => {
    if (validateSchema(credential)) {
      return passed(
        'schema',
        'It has every field an Open Badges 3.0 credential must have, each of the right kind.',
      )
    }
    const messages = [...new Set((validateSchema.errors ?? []).map(describeSchemaError))]
    const shown = messages.slice(0, maximumSchemaMessages).join('; ')
    const more =
      messages.length > maximumSchemaMessages ? ` (and ${messages.length - maximumSchemaMessages} more)` : ''
    return failed('schema', `It is not a valid Open Badges 3.0 credential: ${shown}${more}.`)
  }

  return {
    async verify(input) {
      const read = readInput(input)
      if ('problem' in read) {
        const unread = 'the credential could not be read'
        return {
          verified: false,
          checks: [
            failed('signature', `${read.problem}.`),
            failed('schema', `${read.problem}.`),
            notChecked('status', unread),
            notChecked('validity', unread),
            notChecked('issuer', unread),
          ],
          issuer: null,
          achievement: null,
          credential: null,
        }
      }
      const { credential } = read
      const issuer = summariseIssuer(credential)
      let checks: VerificationCheck[]
      try {
        checks = [
          await checkSignature(credential, resolve, documentLoader),
          checkSchema(credential),
          await checkStatus(credential, deps.statusChecker),
          checkValidity(credential, deps.now()),
          await checkIssuer(credential, issuer, resolve),
        ]
      } catch {
        // Every check guards its own input; this is the last line, so that no credential is ever a 500.
        checks = [
          failed('signature', 'The credential could not be checked: it is not in a form Trellis can read.'),
        ]
      }
      return {
        verified: checks.length === 5 && checks.every((check) => check.ok),
        checks,
        issuer,
        achievement: summariseAchievement(credential),
        credential: summariseCredential(credential),
      }
    },
  }
}
