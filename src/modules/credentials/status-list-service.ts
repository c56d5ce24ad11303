// Revocation through W3C Bitstring Status Lists: every credential an issuer issues takes an index in the issuer's
// revocation list; the issuer's staff revoke with a reason (audit-logged); the list is published as a signed
// BitstringStatusListCredential; and the verifier asks whether a Trellis credential is revoked.
import { recordAudit, type AuditOrigin } from '../../platform/audit/audit-log.ts'
import type { Database, Sql } from '../../platform/database/database.ts'
import { holdsRole, type Principal } from '../../platform/http/access-control.ts'
import type { FieldError } from '../../platform/http/forms.ts'
import { HttpError } from '../../platform/http/problem.ts'
import type { StatusAnswer, StatusChecker } from './credential-verification.ts'
import { signCredential, type DataIntegrityProof } from './data-integrity.ts'
import type { IssuerService } from './issuer-service.ts'
import {
  buildStatusListCredential,
  buildStatusListEntry,
  describeStatusListPath,
  encodeStatusList,
  minimumStatusListBits,
  parseStatusListUrl,
  type BitstringStatusListEntry,
} from './status-list.ts'
import type { StatusListRepository } from './status-list-repository.ts'

export type RevocationOutcome =
  | { readonly ok: true; readonly value: { credentialId: string; issuerId: string; revokedAt: Date } }
  | { readonly ok: false; readonly errors: readonly FieldError[] }

export type SignedStatusListCredential = Record<string, unknown> & { proof: DataIntegrityProof[] }

export interface StatusListService {
  /** A revocation list entry for a credential the issuer is issuing, in the issuing transaction. */
  allocateEntry(tx: Sql, issuerId: string, credentialId: string): Promise<BitstringStatusListEntry>
  /**
   * The issuer's staff revoke a credential, with a reason kept in the audit log, in one transaction. Null when
   * Trellis holds no status entry for the credential; throws RevocationRefusedError for someone not its issuer's.
   */
  revokeCredential(
    principal: Principal,
    credentialId: string,
    reason: string,
    origin: AuditOrigin,
  ): Promise<RevocationOutcome | null>
  /** The list as a BitstringStatusListCredential signed with the issuer's active key; null when there is none. */
  findStatusListCredential(issuerId: string, listId: string): Promise<SignedStatusListCredential | null>
  /**
   * The verifier's status check for Trellis's own lists: for a BitstringStatusListEntry for revocation whose
   * statusListCredential is on Trellis's path `/issuers/:issuerId/status/:listId` (any host) and whose list Trellis
   * holds, whether the bit is set (and why); 'unknown' for any other entry.
   */
  readonly checker: StatusChecker
}

export const maximumRevocationReasonLength = 1000

/** Someone revoking a credential of an issuer they do not act for: answered 403, as access control answers. */
export class RevocationRefusedError extends HttpError {
  constructor(detail: string) {
    super(403, 'You do not have permission', detail)
    this.name = 'RevocationRefusedError'
  }
}

/** Who may revoke an issuer's credentials: a university's programme leads; framework admins for every issuer. */
export const mayRevokeFor = (principal: Principal, issuerId: string): boolean =>
  holdsRole(principal, 'programme-lead', issuerId) || holdsRole(principal, 'framework-admin')

export function createStatusListService(deps: {
  readonly db: Database
  readonly lists: StatusListRepository
  readonly issuers: Pick<IssuerService, 'describeDid' | 'findSigningKey'>
  readonly publicUrl: string
  /** Tests may use longer lists; never fewer than the specification's 131,072 bits. */
  readonly bitLength?: number
  readonly now?: () => Date
}): StatusListService {
  const { db, lists, issuers, publicUrl } = deps
  const now = deps.now ?? (() => new Date())
  const bitLength = Math.max(deps.bitLength ?? minimumStatusListBits, minimumStatusListBits)
  const listUrl = (issuerId: string, listId: string) =>
    `${publicUrl}${describeStatusListPath(issuerId, listId)}`

  const checkEntry = async (entry: Readonly<Record<string, unknown>>): Promise<StatusAnswer> => {
    if (entry['type'] !== 'BitstringStatusListEntry' || entry['statusPurpose'] !== 'revocation') {
      return 'unknown'
    }
    const url = entry['statusListCredential']
    const indexText = entry['statusListIndex']
    if (typeof url !== 'string' || typeof indexText !== 'string' || !/^(0|[1-9]\d{0,9})$/.test(indexText)) {
      return 'unknown'
    }
    const named = parseStatusListUrl(url)
    if (named === null) return 'unknown'
    const list = await lists.findList(named.issuerId, named.listId)
    const index = Number(indexText)
    if (list === null || list.purpose !== 'revocation' || index >= list.bitLength) return 'unknown'
    const held = await lists.findEntryAt(list.id, index)
    if (held === null || held.revokedAt === null) return { revoked: false }
    return { revoked: true, ...(held.revocationReason === null ? {} : { reason: held.revocationReason }) }
  }

  return {
    async allocateEntry(tx, issuerId, credentialId) {
      const { list, index } = await lists.allocateEntry(tx, {
        issuerId,
        purpose: 'revocation',
        credentialId,
        bitLength,
        at: now(),
      })
      return buildStatusListEntry(listUrl(issuerId, list.id), 'revocation', index)
    },

    async revokeCredential(principal, credentialId, reason, origin) {
      const trimmed = reason.trim()
      if (trimmed === '') {
        return { ok: false, errors: [{ field: 'reason', message: 'Enter why the credential is revoked' }] }
      }
      if (trimmed.length > maximumRevocationReasonLength) {
        return {
          ok: false,
          errors: [
            {
              field: 'reason',
              message: `The reason must be ${maximumRevocationReasonLength} characters or fewer`,
            },
          ],
        }
      }
      return db.transaction(async (tx) => {
        const entry = await lists.lockEntryOf(tx, credentialId)
        if (entry === null) return null
        const issuerId = entry.list.issuerId
        if (!mayRevokeFor(principal, issuerId)) {
          throw new RevocationRefusedError('Only the issuer’s programme leads may revoke its credentials.')
        }
        if (entry.revokedAt !== null) {
          return {
            ok: false,
            errors: [{ field: 'reason', message: 'This credential has already been revoked' }],
          }
        }
        const at = now()
        await lists.markRevoked(tx, {
          listId: entry.list.id,
          index: entry.index,
          by: principal.userId,
          reason: trimmed,
          at,
        })
        await recordAudit(tx, {
          actor: { userId: principal.userId },
          action: 'credential.revoked',
          subjectType: 'credential',
          subjectId: credentialId,
          origin,
          details: { issuerId, statusListId: entry.list.id, statusListIndex: entry.index, reason: trimmed },
        })
        return { ok: true, value: { credentialId, issuerId, revokedAt: at } }
      })
    },

    async findStatusListCredential(issuerId, listId) {
      if (!/^[0-9a-f-]{36}$/.test(listId)) return null
      const list = await lists.findList(issuerId, listId)
      if (list === null) return null
      const revoked = await lists.listRevokedIndexes(list.id)
      const key = await issuers.findSigningKey(issuerId)
      const at = now()
      const unsigned = buildStatusListCredential({
        url: listUrl(issuerId, list.id),
        issuerDid: key.did,
        purpose: list.purpose,
        encodedList: encodeStatusList(list.bitLength, revoked),
        validFrom: at,
      })
      return signCredential(unsigned, key.keyPair, {
        verificationMethod: key.verificationMethod,
        created: at,
      })
    },

    checker: { check: checkEntry },
  }
}
