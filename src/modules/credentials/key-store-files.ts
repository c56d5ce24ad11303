// The key that encrypts issuers' private keys, from configuration or, in development, from a file under DATA_DIR
// (as the session secret is: composition.ts, resolveSessionSecret).
import { randomBytes } from 'node:crypto'
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { checkCredentialsKey, credentialsKeyBytes } from './key-store.ts'

/**
 * The key that encrypts issuers' private keys: CREDENTIALS_KEY when set (required in production); otherwise one
 * generated once and kept, readable only by its owner, under DATA_DIR, so that keys survive restarts.
 */
export async function resolveCredentialsKey(config: {
  readonly credentialsKey: Uint8Array | undefined
  readonly dataDirectory: string
}): Promise<Uint8Array> {
  if (config.credentialsKey !== undefined) return config.credentialsKey
  const directory = join(config.dataDirectory, 'secrets')
  const path = join(directory, 'credentials-key')
  const read = async () => {
    const key = Buffer.from((await readFile(path, 'utf8')).trim(), 'base64')
    checkCredentialsKey(key)
    return key
  }
  try {
    return await read()
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
    await mkdir(directory, { recursive: true })
    const key = randomBytes(credentialsKeyBytes).toString('base64')
    // wx: when two processes start at once, the first file written wins and both read it.
    await writeFile(path, `${key}\n`, { mode: 0o600, flag: 'wx' }).catch(async () => undefined)
    await chmod(path, 0o600)
    return read()
  }
}
