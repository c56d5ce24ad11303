import { resolve } from 'node:path'
import { z } from 'zod'

/**
 * The one reader of process.env. Every setting is typed and validated here; values that are only safe on a
 * developer's machine (the embedded database) are refused in production.
 */
export interface Config {
  readonly environment: 'development' | 'test' | 'production'
  readonly host: string
  readonly port: number
  /** A PostgreSQL server; when absent, embedded PGlite stores data under `dataDirectory`. */
  readonly databaseUrl: string | undefined
  readonly dataDirectory: string
  readonly contentDirectory: string
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent'
  /** The address people reach Trellis on, used in absolute links (OpenAPI servers, emails). */
  readonly publicUrl: string
  /** Mail goes out through this SMTP server; with none, it is kept in the database outbox (development). */
  readonly smtpUrl: string | undefined
  readonly emailFrom: string
  /** Signs CSRF tokens; with none (development and tests), one is generated and kept under DATA_DIR. */
  readonly sessionSecret: string | undefined
  /**
   * Encrypts credential issuers' private keys at rest (AES-256-GCM, 32 bytes); with none (development and tests),
   * one is generated and kept under DATA_DIR.
   */
  readonly credentialsKey: Uint8Array | undefined
  readonly sessionIdleMinutes: number
  readonly sessionAbsoluteHours: number
  /** OpenID Connect providers people may sign in with. */
  readonly oidcProviders: readonly OidcProviderConfig[]
}

export interface OidcProviderConfig {
  /** Short id used in addresses: /sign-in/oidc/{id}. */
  readonly id: string
  /** What the sign-in button says: "Sign in with {name}". */
  readonly name: string
  readonly issuer: string
  readonly clientId: string
  readonly clientSecret: string
}

const oidcProvidersSchema = z.array(
  z.strictObject({
    id: z.string().regex(/^[a-z0-9-]{1,40}$/, 'id must be lower-case letters, digits and hyphens'),
    name: z.string().min(1).max(80),
    issuer: z.url({ error: 'issuer must be the provider’s issuer URL' }),
    clientId: z.string().min(1),
    clientSecret: z.string().min(1),
  }),
)

const environmentSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  HOST: z.string().min(1).default('localhost'),
  PORT: z.coerce
    .number({ error: 'must be a whole number from 0 to 65535' })
    .int('must be a whole number from 0 to 65535')
    .min(0, 'must be a whole number from 0 to 65535')
    .max(65535, 'must be a whole number from 0 to 65535')
    .default(3000),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
    .optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  CONTENT_DIR: z.string().min(1).default('./content'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  PUBLIC_URL: z.url({ error: 'must be an absolute URL such as https://trellis.example.nhs.uk' }).optional(),
  SMTP_URL: z
    .string()
    .regex(
      /^smtps?:\/\//,
      'must start with smtp:// or smtps://, such as smtps://user:password@smtp.example.nhs.uk',
    )
    .optional(),
  EMAIL_FROM: z.string().min(3).default('Trellis <no-reply@trellis.localhost>'),
  SESSION_SECRET: z.string().min(32, 'must be at least 32 characters of random text').optional(),
  CREDENTIALS_KEY: z
    .string()
    .transform((text, context) => {
      const key = /^[A-Za-z0-9+/]+={0,2}$/.test(text.trim()) ? Buffer.from(text.trim(), 'base64') : undefined
      if (key?.length !== 32) {
        context.addIssue({
          code: 'custom',
          message: 'must be 32 random bytes in base64, such as the output of `openssl rand -base64 32`',
        })
        return z.NEVER
      }
      return new Uint8Array(key)
    })
    .optional(),
  SESSION_IDLE_MINUTES: z.coerce
    .number()
    .int('must be a whole number of minutes')
    .min(1)
    .max(1440)
    .default(30),
  SESSION_ABSOLUTE_HOURS: z.coerce
    .number()
    .int('must be a whole number of hours')
    .min(1)
    .max(168)
    .default(12),
  OIDC_PROVIDERS: z
    .string()
    .optional()
    .transform((text, context) => {
      if (text === undefined) return []
      let value: unknown
      try {
        value = JSON.parse(text)
      } catch {
        context.addIssue({
          code: 'custom',
          message: 'must be a JSON array of {id, name, issuer, clientId, clientSecret}',
        })
        return z.NEVER
      }
      const result = oidcProvidersSchema.safeParse(value)
      if (!result.success) {
        for (const issue of result.error.issues) {
          context.addIssue({ code: 'custom', message: `[${issue.path.join('.')}] ${issue.message}` })
        }
        return z.NEVER
      }
      return result.data
    }),
})

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `Trellis cannot start because its configuration is wrong:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    )
    this.name = 'ConfigError'
  }
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const blankAsMissing = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''))
  const parsed = environmentSchema.safeParse(blankAsMissing)
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`))
  }
  const values = parsed.data
  if (values.NODE_ENV === 'production') {
    const missing = [
      ...(values.DATABASE_URL === undefined
        ? ['DATABASE_URL: required in production; the embedded database is for development and trials only']
        : []),
      ...(values.SMTP_URL === undefined
        ? ['SMTP_URL: required in production, so that email is really sent']
        : []),
      ...(values.SESSION_SECRET === undefined
        ? ['SESSION_SECRET: required in production (at least 32 characters of random text)']
        : []),
      ...(values.CREDENTIALS_KEY === undefined
        ? ['CREDENTIALS_KEY: required in production (32 random bytes in base64: openssl rand -base64 32)']
        : []),
    ]
    if (missing.length > 0) throw new ConfigError(missing)
  }
  const port = values.PORT
  return {
    environment: values.NODE_ENV,
    host: values.HOST,
    port,
    databaseUrl: values.DATABASE_URL,
    dataDirectory: resolve(values.DATA_DIR),
    contentDirectory: resolve(values.CONTENT_DIR),
    logLevel: values.LOG_LEVEL,
    publicUrl: (values.PUBLIC_URL ?? `http://${values.HOST}:${port}`).replace(/\/$/, ''),
    smtpUrl: values.SMTP_URL,
    emailFrom: values.EMAIL_FROM,
    sessionSecret: values.SESSION_SECRET,
    credentialsKey: values.CREDENTIALS_KEY,
    sessionIdleMinutes: values.SESSION_IDLE_MINUTES,
    sessionAbsoluteHours: values.SESSION_ABSOLUTE_HOURS,
    oidcProviders: values.OIDC_PROVIDERS,
  }
}

/** For the process entry points (server and command): the configuration, or its problems printed and exit 2. */
export function readConfigOrExit(): Config {
  try {
    return readConfig()
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    console.error(error.message)
    process.exit(2)
  }
}
