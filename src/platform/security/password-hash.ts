import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto'

/**
 * Passwords are hashed with scrypt (memory-hard, in node:crypto: no native build step), with a random salt
 * and the parameters kept in the stored string, so they can be raised later without breaking old hashes.
 * Format: `scrypt$N$r$p$salt$hash` (salt and hash base64).
 */
export interface PasswordHashing {
  hash(password: string): Promise<string>
  verify(password: string, stored: string): Promise<boolean>
  /** True when a stored hash used weaker parameters than today's: rehash it at the next sign-in. */
  needsRehash(stored: string): boolean
}

export interface ScryptParameters {
  readonly cost: number
  readonly blockSize: number
  readonly parallelization: number
}

/** OWASP's recommendation for scrypt: N = 2^17, r = 8, p = 1 (128 MiB). */
export const recommendedScrypt: ScryptParameters = { cost: 2 ** 17, blockSize: 8, parallelization: 1 }

const keyLength = 32

function derive(password: string, salt: Buffer, parameters: ScryptParameters): Promise<Buffer> {
  const options: ScryptOptions = {
    N: parameters.cost,
    r: parameters.blockSize,
    p: parameters.parallelization,
    maxmem: 256 * parameters.cost * parameters.blockSize + 1024 * 1024,
  }
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, keyLength, options, (error, key) =>
      error ? reject(error) : resolve(key),
    )
  })
}

export function createPasswordHashing(parameters: ScryptParameters = recommendedScrypt): PasswordHashing {
  return {
    async hash(password) {
      const salt = randomBytes(16)
      const key = await derive(password, salt, parameters)
      return [
        'scrypt',
        parameters.cost,
        parameters.blockSize,
        parameters.parallelization,
        salt.toString('base64'),
        key.toString('base64'),
      ].join('$')
    },

    async verify(password, stored) {
      const parts = stored.split('$')
      if (parts.length !== 6 || parts[0] !== 'scrypt') return false
      const [, cost, blockSize, parallelization, salt, expected] = parts
      const expectedKey = Buffer.from(expected!, 'base64')
      const key = await derive(password, Buffer.from(salt!, 'base64'), {
        cost: Number(cost),
        blockSize: Number(blockSize),
        parallelization: Number(parallelization),
      })
      return key.length === expectedKey.length && timingSafeEqual(key, expectedKey)
    },

    needsRehash(stored) {
      const [, cost, blockSize, parallelization] = stored.split('$')
      return (
        Number(cost) < parameters.cost ||
        Number(blockSize) < parameters.blockSize ||
        Number(parallelization) < parameters.parallelization
      )
    },
  }
}
