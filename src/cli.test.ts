import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { contentDirectory } from '../test/support/test-app.ts'
import { runCli } from './cli.ts'
import { readConfig, type Config } from './config.ts'
import { openComposition } from './composition.ts'

describe('the trellis command', () => {
  let workspace: string
  let config: Config

  beforeAll(async () => {
    workspace = await mkdtemp(join(tmpdir(), 'trellis-cli-'))
    await cp(contentDirectory, join(workspace, 'content'), { recursive: true })
    config = readConfig({ DATA_DIR: join(workspace, 'data'), CONTENT_DIR: join(workspace, 'content') })
  })
  afterAll(async () => {
    await rm(workspace, { recursive: true, force: true })
  })

  async function run(...args: string[]) {
    const out: string[] = []
    const error: string[] = []
    const code = await runCli(args, config, {
      out: (line) => out.push(line),
      error: (line) => error.push(line),
    })
    return { code, out: out.join('\n'), error: error.join('\n') }
  }

  it('shows its commands, and refuses one it does not know with exit code 2', async () => {
    expect(await run('help')).toMatchObject({ code: 0, out: expect.stringContaining('catalogue check') })
    expect((await run()).code).toBe(2)
    const unknown = await run('catalogue', 'delete')
    expect(unknown.code).toBe(2)
    expect(unknown.error).toContain('Unknown command: trellis catalogue delete')
  })

  it('checks every content file and says so', async () => {
    const result = await run('catalogue', 'check')
    expect(result).toMatchObject({
      code: 0,
      out: expect.stringMatching(/content\/ is valid: \d+ files checked\./),
    })
  })

  it('loads the catalogue, then refuses bad content and leaves the database as it was', async () => {
    const loaded = await run('catalogue', 'load')
    expect(loaded.code).toBe(0)
    expect(loaded.out).toMatch(/^Loaded the catalogue into pglite: \d+ entries and 210 NHS organisations/)

    const schemes = join(workspace, 'content', 'schemes.yaml')
    const original = await readFile(schemes, 'utf8')
    await writeFile(
      schemes,
      original
        .replace('    stages: [doctoral]\n', '    stages: [doctorate]\n')
        .replace('name: Doctoral Clinical', 'name: Renamed Clinical'),
    )
    try {
      const check = await run('catalogue', 'check')
      expect(check.code).toBe(1)
      expect(check.error).toMatch(
        /content\/schemes\.yaml:\d+, entry "nihr-dcaf", field "stages\[0\]": unknown stage "doctorate"/,
      )
      expect(check.error).toMatch(/1 problem in .*content\/\./)

      const load = await run('catalogue', 'load')
      expect(load.code).toBe(1)
      expect(load.error).toContain('nothing was loaded and the database is as it was')
    } finally {
      await writeFile(schemes, original)
    }
    const composition = await openComposition(config)
    try {
      expect((await composition.services.catalogue.findScheme('nihr-dcaf'))?.name).toBe(
        'Doctoral Clinical and Practitioner Academic Fellowship',
      )
      expect((await composition.services.catalogue.findCurrentVersion())?.id).toBe(1)
    } finally {
      await composition.close()
    }
  })

  it('migrates the database', async () => {
    expect(await run('migrate')).toMatchObject({ code: 0, out: expect.stringContaining('is up to date') })
  })
})
