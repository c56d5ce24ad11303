// Issuance: a learner's achievement becomes a signed Open Badges 3.0 credential, in one transaction: a revocation
// status entry is allocated, the credential is built (credential-builder.ts), signed with the issuer's active key
// and stored. Idempotent: an achievement already issued returns the credential issued for it.
import { randomUUID } from 'node:crypto'
import type { Database, Sql } from '../../platform/database/database.ts'
import { buildOpenBadgeCredential, type CredentialAchievement } from './credential-builder.ts'
import { signCredential, type DataIntegrityProof } from './data-integrity.ts'
import type { IssuerService } from './issuer-service.ts'
import { parseStatusListUrl } from './status-list.ts'
import type { StatusListService } from './status-list-service.ts'

export type IssuedCredentialKind = CredentialAchievement['kind']

export type SignedCredential = Record<string, unknown> & { proof: DataIntegrityProof[] }

export interface IssuedCredential {
  readonly id: string
  readonly learnerId: string
  readonly issuerId: string
  readonly kind: IssuedCredentialKind
  /** The module result, placement or framework level the credential is for. */
  readonly subjectRef: string
  readonly credential: SignedCredential
  readonly issuedAt: Date
  /** From the credential's status entry, where revocation is recorded. */
  readonly revokedAt: Date | null
}

export interface IssueCredentialInput {
  readonly learnerId: string
  /** The learner's own DID, when they gave one; otherwise the subject is a stable urn:uuid. */
  readonly learnerDid?: string
  readonly issuerId: string
  /** The module result's id, the placement's id or the framework level's id: one credential each. */
  readonly subjectRef: string
  readonly achievement: CredentialAchievement
}

export interface CredentialIssuanceService {
  /**
   * Issues the credential, or returns the one already issued for the same learner, kind and subject. Runs in `tx`
   * when given (an event hook's transaction), else in its own. Throws NotAnIssuerError for an organisation that
   * does not issue.
   */
  issue(input: IssueCredentialInput, tx?: Sql): Promise<IssuedCredential>
  listForLearner(learnerId: string): Promise<IssuedCredential[]>
  findById(id: string): Promise<IssuedCredential | null>
}

interface IssuedCredentialRow {
  id: string
  learner_id: string
  issuer_id: string
  kind: IssuedCredentialKind
  subject_ref: string
  credential: SignedCredential | string
  issued_at: Date | string
  revoked_at: Date | string | null
}

const selectIssued = `
  SELECT c.id, c.learner_id, c.issuer_id, c.kind, c.subject_ref, c.credential, c.issued_at, e.revoked_at
    FROM issued_credentials c
    JOIN credential_status_entries e ON e.list_id = c.status_list_id AND e.status_index = c.status_list_index`

const toIssued = (row: IssuedCredentialRow): IssuedCredential => ({
  id: row.id,
  learnerId: row.learner_id,
  issuerId: row.issuer_id,
  kind: row.kind,
  subjectRef: row.subject_ref,
  credential:
    typeof row.credential === 'string' ? (JSON.parse(row.credential) as SignedCredential) : row.credential,
  issuedAt: new Date(row.issued_at),
  revokedAt: row.revoked_at === null ? null : new Date(row.revoked_at),
})

/** The insert lost a race with another issue of the same achievement: roll back and return the winner's. */
class AlreadyIssued extends Error {}

export function createCredentialIssuanceService(deps: {
  readonly db: Database
  readonly issuers: Pick<IssuerService, 'findIssuer' | 'findSigningKey'>
  readonly statusLists: Pick<StatusListService, 'allocateEntry'>
  readonly publicUrl: string
  readonly now?: () => Date
}): CredentialIssuanceService {
  const { db, issuers, statusLists, publicUrl } = deps
  const now = deps.now ?? (() => new Date())

  const findExisting = async (sql: Sql, input: IssueCredentialInput) => {
    const rows = await sql.query<IssuedCredentialRow>(
      `${selectIssued} WHERE c.learner_id = $1 AND c.kind = $2 AND c.subject_ref = $3`,
      [input.learnerId, input.achievement.kind, input.subjectRef],
    )
    return rows[0] === undefined ? null : toIssued(rows[0])
  }

  const issueIn = async (
    tx: Sql,
    input: IssueCredentialInput,
    key: Awaited<ReturnType<IssuerService['findSigningKey']>>,
    issuerName: string,
  ): Promise<IssuedCredential> => {
    const existing = await findExisting(tx, input)
    if (existing !== null) return existing
    const id = randomUUID()
    const credentialId = `urn:uuid:${id}`
    const issuedAt = now()
    const credentialStatus = await statusLists.allocateEntry(tx, input.issuerId, credentialId)
    const list = parseStatusListUrl(credentialStatus.statusListCredential)
    if (list === null) throw new Error(`unreadable status list URL ${credentialStatus.statusListCredential}`)
    const unsigned = buildOpenBadgeCredential({
      credentialId,
      publicUrl,
      issuer: { did: key.did, name: issuerName },
      learnerId: input.learnerId,
      ...(input.learnerDid === undefined ? {} : { learnerDid: input.learnerDid }),
      issuedAt,
      credentialStatus,
      achievement: input.achievement,
    })
    const credential = await signCredential(unsigned, key.keyPair, {
      verificationMethod: key.verificationMethod,
      created: issuedAt,
    })
    const inserted = await tx.query(
      `INSERT INTO issued_credentials
         (id, learner_id, issuer_id, kind, subject_ref, credential, status_list_id, status_list_index, issued_at)
       VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8, $9)
       ON CONFLICT (learner_id, kind, subject_ref) DO NOTHING
       RETURNING id`,
      [
        id,
        input.learnerId,
        input.issuerId,
        input.achievement.kind,
        input.subjectRef,
        JSON.stringify(credential),
        list.listId,
        Number(credentialStatus.statusListIndex),
        issuedAt,
      ],
    )
    if (inserted.length === 0) throw new AlreadyIssued()
    return {
      id,
      learnerId: input.learnerId,
      issuerId: input.issuerId,
      kind: input.achievement.kind,
      subjectRef: input.subjectRef,
      credential,
      issuedAt,
      revokedAt: null,
    }
  }

  return {
    async issue(input, tx) {
      // The key is made on first use in a transaction of its own, so it is found before the issuing one.
      const key = await issuers.findSigningKey(input.issuerId)
      const issuer = await issuers.findIssuer(input.issuerId)
      const issuerName = issuer?.name ?? input.issuerId
      // In the caller's transaction a lost race throws, and the caller's transaction rolls back.
      if (tx !== undefined) return issueIn(tx, input, key, issuerName)
      try {
        return await db.transaction((own) => issueIn(own, input, key, issuerName))
      } catch (error) {
        if (!(error instanceof AlreadyIssued)) throw error
        const winner = await findExisting(db, input)
        if (winner === null)
          throw new Error('the credential issued concurrently could not be found', { cause: error })
        return winner
      }
    },

    async listForLearner(learnerId) {
      const rows = await db.query<IssuedCredentialRow>(
        `${selectIssued} WHERE c.learner_id = $1 ORDER BY c.issued_at, c.id`,
        [learnerId],
      )
      return rows.map(toIssued)
    },

    async findById(id) {
      if (!/^[0-9a-f-]{36}$/.test(id)) return null
      const rows = await db.query<IssuedCredentialRow>(`${selectIssued} WHERE c.id = $1`, [id])
      return rows[0] === undefined ? null : toIssued(rows[0])
    },
  }
}
