import { randomBytes } from 'node:crypto'
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Config } from './config.ts'
import type { Database } from './platform/database/database.ts'
import { migrate } from './platform/database/migrate.ts'
import { openDatabase } from './platform/database/open-database.ts'
import { createMailer } from './platform/email/create-mailer.ts'
import { createEmailOutbox, type EmailOutbox } from './platform/email/email-outbox.ts'
import type { Mailer } from './platform/email/mailer.ts'
import { createRateLimiter } from './platform/http/rate-limit.ts'
import { createPasswordHashing, type PasswordHashing } from './platform/security/password-hash.ts'
import {
  createCatalogueLoadRepository,
  createCatalogueRepository,
  createCatalogueService,
  type CatalogueService,
} from './modules/catalogue/index.ts'
import {
  createAccountRepository,
  createAccountService,
  createAuditRepository,
  createAuditService,
  createMembershipRepository,
  createMembershipService,
  createOidcService,
  createSessionRepository,
  createSessionService,
  normaliseEmail,
  type AccountService,
  type AuditService,
  type MembershipService,
  type OidcProviderSettings,
  type OidcService,
  type SessionService,
} from './modules/identity/index.ts'
import {
  createOrganisationRepository,
  createOrganisationService,
  type OrganisationService,
} from './modules/organisations/index.ts'
import { createPathwayService, type PathwayService } from './modules/pathways/index.ts'
import {
  createCredentialIssuanceService,
  createCredentialVerificationService,
  type CredentialIssuanceService,
  type CredentialVerificationService,
  createIssuerService,
  createKeyStoreRepository,
  createStatusListRepository,
  createStatusListService,
  resolveCredentialsKey,
  type IssuerService,
  type StatusListService,
} from './modules/credentials/index.ts'
import {
  createLearnerPersonalData,
  createLearningRepository,
  createLearningService,
  createPlacementResultRecorder,
  createRecordAssessor,
  type LearningService,
  type PeopleDirectory,
} from './modules/learning/index.ts'
import {
  createStudiesRepository,
  createStudiesService,
  type StudiesService,
  createOffersRepository,
  createOffersService,
  type OffersService,
  createPreferencesRepository,
  createPreferencesService,
  type PreferencesService,
  createPlacementRepository,
  createPlacementService,
  type PlacementService,
  createSupervisionRepository,
  createSupervisionService,
  type SupervisionService,
} from './modules/placements/index.ts'

/** Every service Trellis runs, built in one place. */
export interface Services {
  readonly catalogue: CatalogueService
  readonly organisations: OrganisationService
  readonly pathways: PathwayService
  readonly accounts: AccountService
  readonly sessions: SessionService
  readonly memberships: MembershipService
  readonly audit: AuditService
  readonly oidc: OidcService
  readonly learning: LearningService
  readonly studies: StudiesService
  readonly offers: OffersService
  readonly preferences: PreferencesService
  readonly placements: PlacementService
  readonly supervision: SupervisionService
  readonly credentialVerification: CredentialVerificationService
  readonly issuers: IssuerService
  readonly statusLists: StatusListService
  readonly credentialIssuance: CredentialIssuanceService
  readonly mailer: Mailer
  readonly emailOutbox: EmailOutbox
}

/** What the services need from the configuration (tests pass their own). */
export interface ServiceSettings {
  readonly publicUrl: string
  readonly smtpUrl: string | undefined
  readonly emailFrom: string
  readonly sessionIdleMinutes: number
  readonly sessionAbsoluteHours: number
  /** The OpenID providers people may sign in with; none unless given. */
  readonly oidcProviders?: readonly OidcProviderSettings[]
  /** Tests use cheaper parameters; production uses the recommended ones. */
  readonly passwordHashing?: PasswordHashing
  /** Encrypts issuers' private keys (32 bytes); tests that give none get a random one for the services' life. */
  readonly credentialsKey?: Uint8Array
  readonly now?: () => Date
}

export interface Composition {
  readonly database: Database
  readonly services: Services
  /** Signs CSRF tokens. */
  readonly sessionSecret: string
  /** Migrations applied while opening. */
  readonly migrations: readonly string[]
  close(): Promise<void>
}

/** The one place that constructs repositories and services, over a database that is already open. */
export function composeServices(database: Database, settings: ServiceSettings): Services {
  const now = settings.now ?? (() => new Date())
  const organisations = createOrganisationService(createOrganisationRepository(database))
  const catalogue = createCatalogueService(
    database,
    createCatalogueRepository(database),
    createCatalogueLoadRepository(database),
    organisations,
  )
  const pathways = createPathwayService(catalogue)
  const mailer = createMailer({ smtpUrl: settings.smtpUrl, from: settings.emailFrom }, database)
  const emailOutbox = createEmailOutbox(database)
  const rateLimiter = createRateLimiter(database, now)
  const accountRepository = createAccountRepository(database)
  const sessionRepository = createSessionRepository(database)
  const membershipRepository = createMembershipRepository(database)
  const learningRepository = createLearningRepository(database)
  const sessions = createSessionService(
    sessionRepository,
    { idleMinutes: settings.sessionIdleMinutes, absoluteHours: settings.sessionAbsoluteHours },
    now,
  )
  const accounts = createAccountService({
    db: database,
    accounts: accountRepository,
    sessions,
    sessionRecords: sessionRepository,
    memberships: membershipRepository,
    passwords: settings.passwordHashing ?? createPasswordHashing(),
    mailer,
    rateLimiter,
    catalogue,
    publicUrl: settings.publicUrl,
    // The learner record is personal data too: downloaded with the account, erased when it closes.
    personalData: [createLearnerPersonalData(learningRepository, now)],
    now,
  })
  const memberships = createMembershipService({
    db: database,
    memberships: membershipRepository,
    accounts: accountRepository,
    sessions,
    mailer,
    rateLimiter,
    startSession: (tx, userId, method, context) => accounts.startSession(tx, userId, method, context),
    publicUrl: settings.publicUrl,
    now,
  })
  const audit = createAuditService({ db: database, audit: createAuditRepository(database) })
  const oidc = createOidcService({
    db: database,
    accountService: accounts,
    providers: settings.oidcProviders ?? [],
    publicUrl: settings.publicUrl,
    accounts: accountRepository,
    rateLimiter,
    now,
  })
  // Who people are, for the learner record: the identity module's accounts, by id or address.
  const people: PeopleDirectory = {
    async findById(id) {
      const user = await accountRepository.findUserById(id)
      return user === null ? null : { id: user.id, fullName: user.fullName, email: user.email }
    },
    async findByIds(ids) {
      const users = await accountRepository.findUsers(ids)
      return users.map((user) => ({ id: user.id, fullName: user.fullName, email: user.email }))
    },
    async findByEmail(email) {
      const user = await accountRepository.findUserByEmail(normaliseEmail(email))
      return user === null ? null : { id: user.id, fullName: user.fullName, email: user.email }
    },
  }
  const learning = createLearningService({
    db: database,
    records: learningRepository,
    people,
    organisations: memberships,
    programmes: catalogue,
    memberships,
    loadAssessor: createRecordAssessor(catalogue),
    now,
  })
  const studies = createStudiesService({
    db: database,
    studies: createStudiesRepository(database),
    organisations,
    now,
  })
  const offers = createOffersService({ db: database, offers: createOffersRepository(database), now })
  const preferences = createPreferencesService({
    db: database,
    preferences: createPreferencesRepository(database),
    now,
  })
  const placements = createPlacementService({
    db: database,
    placements: createPlacementRepository(database),
    // A placement belongs to the university of the learner's active enrolment when they accept it.
    activeUniversityOf: async (learnerId) => (await learning.listClaimUniversities(learnerId))[0]?.id ?? null,
    now,
  })
  // Supervision: the programme lead prefills the RPE module from the catalogue; sign-off records the result
  // through the learning module's own function.
  const supervision = createSupervisionService({
    db: database,
    supervision: createSupervisionRepository(database),
    listRpeModules: async (universityId) =>
      (await catalogue.listModules({ providerId: universityId }))
        .filter((module) => module.kind === 'rpe')
        .map((module) => ({ id: module.id, name: module.name, credits: module.credits })),
    recordPlacementResult: createPlacementResultRecorder(learningRepository, now),
    now,
  })
  // Issuers (universities and the framework team) sign with keys kept encrypted under CREDENTIALS_KEY.
  const issuers = createIssuerService({
    db: database,
    keys: createKeyStoreRepository(database),
    credentialsKey: settings.credentialsKey ?? randomBytes(32),
    publicUrl: settings.publicUrl,
    now,
  })
  const statusLists = createStatusListService({
    db: database,
    lists: createStatusListRepository(database),
    issuers,
    publicUrl: settings.publicUrl,
    now,
  })
  // Issuance: a learner's achievement signed as an Open Badges 3.0 credential with a revocation status entry.
  const credentialIssuance = createCredentialIssuanceService({
    db: database,
    issuers,
    statusLists,
    publicUrl: settings.publicUrl,
    now,
  })
  // Verification for anyone: did:key issuers offline, and Trellis's own did:web issuers' keys (KnownIssuerKeys) and
  // status lists (StatusChecker).
  const credentialVerification = createCredentialVerificationService({
    rateLimiter,
    now,
    knownIssuerKeys: issuers.knownKeys,
    statusChecker: statusLists.checker,
  })
  return {
    catalogue,
    organisations,
    pathways,
    accounts,
    sessions,
    memberships,
    audit,
    oidc,
    learning,
    studies,
    offers,
    preferences,
    placements,
    supervision,
    credentialVerification,
    issuers,
    statusLists,
    credentialIssuance,
    mailer,
    emailOutbox,
  }
}

/**
 * The CSRF signing secret: SESSION_SECRET when set (required in production); otherwise one generated once and
 * kept, readable only by its owner, under DATA_DIR, so that forms keep working across restarts.
 */
export async function resolveSessionSecret(
  config: Pick<Config, 'sessionSecret' | 'dataDirectory'>,
): Promise<string> {
  if (config.sessionSecret !== undefined) return config.sessionSecret
  const directory = join(config.dataDirectory, 'secrets')
  const path = join(directory, 'session-secret')
  try {
    return (await readFile(path, 'utf8')).trim()
  } catch {
    await mkdir(directory, { recursive: true })
    const secret = randomBytes(32).toString('base64url')
    await writeFile(path, `${secret}\n`, { mode: 0o600, flag: 'wx' }).catch(async () => undefined)
    await chmod(path, 0o600)
    return (await readFile(path, 'utf8')).trim()
  }
}

/** Opens the configured database, brings its schema up to date and builds the services on it. */
export async function openComposition(
  config: Pick<
    Config,
    | 'databaseUrl'
    | 'dataDirectory'
    | 'publicUrl'
    | 'smtpUrl'
    | 'emailFrom'
    | 'sessionSecret'
    | 'sessionIdleMinutes'
    | 'sessionAbsoluteHours'
    | 'oidcProviders'
    | 'credentialsKey'
  >,
): Promise<Composition> {
  const database = await openDatabase(config)
  try {
    const migrations = await migrate(database)
    const services = composeServices(database, {
      ...config,
      credentialsKey: await resolveCredentialsKey(config),
    })
    return {
      database,
      services,
      sessionSecret: await resolveSessionSecret(config),
      migrations,
      close: async () => {
        await services.mailer.close()
        await database.close()
      },
    }
  } catch (error) {
    await database.close()
    throw error
  }
}
