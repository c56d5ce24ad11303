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
}

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
  if (values.NODE_ENV === 'production' && values.DATABASE_URL === undefined) {
    throw new ConfigError([
      'DATABASE_URL: required in production; the embedded database is for development and trials only',
    ])
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
