// A credential our signer signs is valid against 1EdTech's Open Badges 3.0 AchievementCredential JSON Schema
// (draft 2019-09), which wants `proof` as an array.
import { readFileSync } from 'node:fs'
import { Ajv2019 } from 'ajv/dist/2019.js'
import ajvFormats from 'ajv-formats'
import { describe, expect, it } from 'vitest'
import { signCredential } from './data-integrity.ts'
import { createEd25519KeyPairFromSeed, describeDidKey } from './ed25519-keys.ts'
import { unsignedPgCert } from '../../../test/support/credential-fixtures.ts'

const schemaUrl = new URL(
  '../../../test/fixtures/credentials/ob_v3p0_achievementcredential_schema.json',
  import.meta.url,
)

function compileSchema() {
  const ajv = new Ajv2019({ strict: false, allErrors: true })
  // ajv-formats is CommonJS: imported from ESM, its plugin is the default export's `default`.
  ajvFormats.default(ajv)
  return ajv.compile(JSON.parse(readFileSync(schemaUrl, 'utf8')) as object)
}

async function signPgCert() {
  const keyPair = createEd25519KeyPairFromSeed(Buffer.alloc(32, 3))
  const { did, verificationMethod } = describeDidKey(keyPair.publicKeyMultibase)
  return signCredential(unsignedPgCert(did), keyPair, { verificationMethod, created: '2026-09-30T10:00:00Z' })
}

describe('the Open Badges 3.0 JSON Schema', () => {
  it('accepts a credential our signer signed', async () => {
    const validate = compileSchema()
    const valid = validate(await signPgCert())
    expect(validate.errors ?? []).toEqual([])
    expect(valid).toBe(true)
  })

  it('refuses the same credential with its proof as a single object', async () => {
    const validate = compileSchema()
    const signed = await signPgCert()
    expect(validate({ ...signed, proof: signed.proof[0] })).toBe(false)
    expect(validate.errors?.map((error) => error.instancePath)).toContain('/proof')
  })
})
