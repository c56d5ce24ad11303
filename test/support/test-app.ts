import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../src/app.ts'
import { composeServices, type ServiceSettings, type Services } from '../../src/composition.ts'
import type { OidcProviderConfig } from '../../src/config.ts'
import { readCatalogue, type ReadCatalogue } from '../../src/modules/catalogue/index.ts'
import type { Database } from '../../src/platform/database/database.ts'
import { createPasswordHashing } from '../../src/platform/security/password-hash.ts'
import { projectRoot } from '../../src/platform/views/view-engine.ts'
import { openTestDatabase, type EngineName, type TestDatabase } from './test-database.ts'

export const contentDirectory = join(projectRoot, 'content')

let catalogue: Promise<ReadCatalogue> | undefined

/** The real content/, read once per test file. */
export function readTestCatalogue(): Promise<ReadCatalogue> {
  catalogue ??= readCatalogue(contentDirectory)
  return catalogue
}

/**
 * Settings for services under test: the outbox for mail unless a test gives a real SMTP server, and scrypt at
 * a lower cost (the same code, the parameters stored in each hash) so that hundreds of sign-ins stay quick.
 */
export function testServiceSettings(overrides: Partial<ServiceSettings> = {}): ServiceSettings {
  return {
    publicUrl: 'http://localhost:3000',
    smtpUrl: undefined,
    emailFrom: 'Trellis <no-reply@trellis.localhost>',
    sessionIdleMinutes: 30,
    sessionAbsoluteHours: 12,
    passwordHashing: createPasswordHashing({ cost: 2 ** 12, blockSize: 8, parallelization: 1 }),
    ...overrides,
  }
}

export interface TestApp {
  readonly app: FastifyInstance
  readonly services: Services
  readonly db: TestDatabase
  /** Signs CSRF tokens: instances of one deployment share it, as they share SESSION_SECRET. */
  readonly sessionSecret: string
  close(): Promise<void>
}

export interface TestAppOptions {
  readonly loadCatalogue?: boolean
  readonly settings?: Partial<ServiceSettings>
  readonly oidcProviders?: readonly OidcProviderConfig[]
  readonly environment?: 'development' | 'test' | 'production'
  /** Random unless given: give another instance's to build a second instance of the same deployment. */
  readonly sessionSecret?: string
  /**
   * A database that is open and loaded already (another instance's, or another pool on it): the app is built
   * over it, loads nothing and leaves closing it to its owner.
   */
  readonly database?: Database
}

/** The real app (the same buildApp as production) on a fresh database with the real catalogue loaded. */
export async function createTestApp(
  engine: EngineName = 'pglite',
  options: TestAppOptions = {},
): Promise<TestApp> {
  const shared = options.database
  const db: TestDatabase =
    shared === undefined ? await openTestDatabase(engine) : { database: shared, close: async () => {} }
  const settings = testServiceSettings({ oidcProviders: options.oidcProviders ?? [], ...options.settings })
  const services = composeServices(db.database, settings)
  if (shared === undefined && options.loadCatalogue !== false)
    await services.catalogue.load(await readTestCatalogue())
  const sessionSecret = options.sessionSecret ?? randomBytes(32).toString('base64url')
  const app = await buildApp({
    config: {
      environment: options.environment ?? 'test',
      logLevel: 'silent',
      publicUrl: settings.publicUrl,
    },
    database: db.database,
    services,
    sessionSecret,
  })
  await app.ready()
  return {
    app,
    services,
    db,
    sessionSecret,
    async close() {
      await app.close()
      await services.mailer.close()
      await db.close()
    },
  }
}
