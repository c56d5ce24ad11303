// The Open Badges 3.0 AchievementCredential JSON Schema that ships with the code (schemas/README.md says where it
// comes from), read from disk once by whoever builds a verifier.
import { readFileSync } from 'node:fs'

const achievementCredentialSchemaUrl = new URL(
  './schemas/ob_v3p0_achievementcredential_schema.json',
  import.meta.url,
)

export function readAchievementCredentialSchema(): object {
  return JSON.parse(readFileSync(achievementCredentialSchemaUrl, 'utf8')) as object
}
