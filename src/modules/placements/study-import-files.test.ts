import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { pallasFile, readStudyFixture, tocaFile } from '../../../test/support/study-fixtures.ts'
import { contentDirectory } from '../../../test/support/test-app.ts'
import { runCli } from '../../cli.ts'
import { openComposition } from '../../composition.ts'
import { readConfig, type Config } from '../../config.ts'

// `trellis studies import FILE…` end to end: the real command on a PGlite database under a temporary DATA_DIR,
// with the catalogue (and so the NHS organisations) loaded first.

describe('trellis studies import', () => {
  let workspace: string
  let config: Config

  beforeAll(async () => {
    workspace = await mkdtemp(join(tmpdir(), 'trellis-studies-cli-'))
    await cp(contentDirectory, join(workspace, 'content'), { recursive: true })
    config = readConfig({ DATA_DIR: join(workspace, 'data'), CONTENT_DIR: join(workspace, 'content') })
    expect((await run('catalogue', 'load')).code).toBe(0)
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

  async function countStudies(): Promise<number> {
    const composition = await openComposition(config)
    try {
      return (await composition.services.studies.listStudies()).length
    } finally {
      await composition.close()
    }
  }

  it('is in the help, and asks for files', async () => {
    expect((await run('help')).out).toContain('studies import FILE…')
    expect(await run('studies', 'import')).toMatchObject({
      code: 2,
      error: 'trellis studies import: give one or more ClinicalTrials.gov JSON files',
    })
  })

  it('imports the files, printing each study and the UK sites not matched; again, it updates them', async () => {
    const first = await run('studies', 'import', pallasFile, tocaFile)
    expect(first.error).toBe('')
    expect(first.code).toBe(0)
    const lines = first.out.split('\n')
    expect(lines[0]).toBe(
      'NCT02513394 created: PALbociclib CoLlaborative Adjuvant Study (16 UK sites: 6 matched, 10 not matched)',
    )
    expect(lines.slice(1, 11)).toContain(
      '  not matched: University Hospitals Bristol NHS Foundation Trust (Bristol)',
    )
    expect(lines.slice(1, 11).every((line) => line.startsWith('  not matched: '))).toBe(true)
    expect(lines[11]).toMatch(
      /^NCT02576665 created: A Study of Toca 511.* \(0 UK sites: 0 matched, 0 not matched\)$/,
    )
    expect(lines[12]).toBe(
      'Imported 2 studies: 2 created, 0 updated. Match the sites not matched on the studies page: each match is remembered for later imports.',
    )

    const again = await run('studies', 'import', tocaFile)
    expect(again.code).toBe(0)
    expect(again.out.split('\n')[1]).toBe('Imported 1 study: 0 created, 1 updated.')
    expect(await countStudies()).toBe(2)
  })

  it('prints file: path: reason for each problem on stderr, exits 1 and writes nothing', async () => {
    const bad = JSON.parse(await readStudyFixture(tocaFile))
    bad.protocolSection.identificationModule.nctId = 'NCT09999999'
    bad.protocolSection.statusModule.startDateStruct.date = 'July 2016'
    const badFile = join(workspace, 'NCT123.json')
    await writeFile(badFile, JSON.stringify({ studies: [bad] }))
    const newStudy = join(workspace, 'new.json')
    const fresh = JSON.parse(await readStudyFixture(tocaFile))
    fresh.protocolSection.identificationModule.nctId = 'NCT08888888'
    await writeFile(newStudy, JSON.stringify(fresh))

    const result = await run('studies', 'import', newStudy, badFile, join(workspace, 'missing.json'))
    expect(result.code).toBe(1)
    expect(result.out).toBe('')
    expect(result.error.split('\n')).toEqual([
      `${join(workspace, 'missing.json')}: cannot be read (ENOENT)`,
      '1 problem; nothing was imported and the database is as it was.',
    ])
    const invalid = await run('studies', 'import', newStudy, badFile)
    expect(invalid.code).toBe(1)
    expect(invalid.error.split('\n')).toEqual([
      `${badFile}: studies[0].protocolSection.statusModule.startDateStruct.date: "July 2016" is not a date (YYYY-MM-DD, YYYY-MM or YYYY)`,
      '1 problem; nothing was imported and the database is as it was.',
    ])
    expect(await countStudies()).toBe(2)
  })
})
