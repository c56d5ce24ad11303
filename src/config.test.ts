import { describe, expect, it } from 'vitest'
import { ConfigError, readConfig } from './config.ts'

describe('readConfig', () => {
  it('runs on embedded PGlite at localhost:3000 when nothing is set', () => {
    const config = readConfig({})
    expect(config).toMatchObject({
      environment: 'development',
      host: 'localhost',
      port: 3000,
      databaseUrl: undefined,
    })
    expect(config.dataDirectory).toMatch(/\/data$/)
    expect(config.publicUrl).toBe('http://localhost:3000')
  })

  it('takes PORT, HOST and DATABASE_URL from the environment', () => {
    const config = readConfig({ PORT: '8080', HOST: '0.0.0.0', DATABASE_URL: 'postgres://u@db:5432/trellis' })
    expect(config).toMatchObject({ port: 8080, host: '0.0.0.0', databaseUrl: 'postgres://u@db:5432/trellis' })
  })

  it('treats an empty variable as unset', () => {
    expect(readConfig({ DATABASE_URL: '', PORT: '' })).toMatchObject({ databaseUrl: undefined, port: 3000 })
  })

  it('names the variable and the rule when a value is wrong', () => {
    const attempt = () => readConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x' })
    expect(attempt).toThrow(ConfigError)
    try {
      attempt()
    } catch (error) {
      const problems = (error as ConfigError).problems
      expect(problems).toContainEqual(expect.stringMatching(/^PORT: must be a whole number from 0 to 65535/))
      expect(problems).toContainEqual(expect.stringMatching(/^DATABASE_URL: must start with postgres:\/\//))
    }
  })

  it('refuses to run in production on the embedded database, without real email or without a secret', () => {
    expect(() => readConfig({ NODE_ENV: 'production' })).toThrow(/DATABASE_URL: required in production/)
    expect(() => readConfig({ NODE_ENV: 'production', DATABASE_URL: 'postgresql://db/trellis' })).toThrow(
      /SMTP_URL: required in production[\s\S]*SESSION_SECRET: required in production/,
    )
    const production = {
      NODE_ENV: 'production',
      DATABASE_URL: 'postgresql://db/trellis',
      SMTP_URL: 'smtps://u:p@smtp.example.nhs.uk',
      SESSION_SECRET: 'x'.repeat(40),
    }
    expect(() => readConfig(production)).toThrow(/CREDENTIALS_KEY: required in production/)
    const credentialsKey = Buffer.alloc(32, 7).toString('base64')
    const config = readConfig({ ...production, CREDENTIALS_KEY: credentialsKey })
    expect(config.environment).toBe('production')
    expect(Buffer.from(config.credentialsKey!).toString('base64')).toBe(credentialsKey)
  })

  it('takes CREDENTIALS_KEY only as 32 bytes in base64', () => {
    expect(readConfig({}).credentialsKey).toBeUndefined()
    for (const wrong of [Buffer.alloc(16).toString('base64'), 'not base64!', 'x'.repeat(44)]) {
      expect(() => readConfig({ CREDENTIALS_KEY: wrong }), wrong).toThrow(
        /CREDENTIALS_KEY: must be 32 random bytes in base64/,
      )
    }
  })

  it('reads OpenID Connect providers as JSON, naming what is wrong in them', () => {
    const provider = {
      id: 'nhs-login',
      name: 'NHS Identity',
      issuer: 'https://idp.example.nhs.uk',
      clientId: 'c',
      clientSecret: 's',
    }
    expect(readConfig({ OIDC_PROVIDERS: JSON.stringify([provider]) }).oidcProviders).toEqual([provider])
    expect(() => readConfig({ OIDC_PROVIDERS: '[{' })).toThrow(/OIDC_PROVIDERS: must be a JSON array/)
    expect(() =>
      readConfig({ OIDC_PROVIDERS: JSON.stringify([{ ...provider, issuer: 'not a url' }]) }),
    ).toThrow(/OIDC_PROVIDERS: \[0\.issuer\] issuer must be the provider’s issuer URL/)
  })

  it('refuses a port out of range', () => {
    expect(() => readConfig({ PORT: '70000' })).toThrow(/PORT/)
  })
})
