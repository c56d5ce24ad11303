import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { contentDirectory } from '../test/support/test-app.ts'
import { runCli } from './cli.ts'
import { readConfig, type Config } from './config.ts'
import { openComposition } from './composition.ts'
import type { MatchOutput } from './modules/placements/index.ts'
import { readPublishedExamples, sortedLists } from '../test/support/matching-examples.ts'

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

  it('rotates an issuer’s key, keeping the old one in its DID document, and refuses what is not an issuer', async () => {
    const first = await run('issuers', 'rotate-key', 'framework-team')
    expect(first).toMatchObject({ code: 0, out: expect.stringContaining('(it had no key before)') })
    const second = await run('issuers', 'rotate-key', 'framework-team')
    expect(second).toMatchObject({
      code: 0,
      out: expect.stringContaining('is retired and stays in its DID document'),
    })
    const composition = await openComposition(config)
    try {
      const document = await composition.services.issuers.findDidDocument('framework-team')
      expect(document?.verificationMethod).toHaveLength(2)
      const [event] = await composition.database.query<{ actor_label: string }>(
        "SELECT actor_label FROM audit_events WHERE action = 'credential-issuer.key-rotated' ORDER BY id DESC LIMIT 1",
      )
      expect(event?.actor_label).toBe('command line')
    } finally {
      await composition.close()
    }
    expect(await run('issuers', 'rotate-key', 'nobody-at-all')).toMatchObject({
      code: 1,
      error: expect.stringContaining('"nobody-at-all" is not an issuer'),
    })
    expect(await run('issuers', 'rotate-key')).toMatchObject({ code: 2 })
  })

  it('checks every catalogue programme against the framework as it checks the content', async () => {
    const result = await run('catalogue', 'check')
    expect(result.out).toMatch(
      /Programmes checked against the framework: (\d+) \(0 aligned, 0 not aligned, \1 cannot be checked\)\./,
    )
    expect(result.out).toContain('  kcl-pgdip-clinician-researcher: cannot be checked: levels not stated')
    expect(result.out).toContain(
      '  sheffield-masters-clinician-researcher: cannot be checked: modules not stated',
    )
  })

  describe('framework evaluate', () => {
    const exeter = (code: string, kind: string, overrides: Record<string, unknown> = {}) => ({
      code,
      title: `Module ${code}`,
      kind,
      credits: 15,
      level: 7,
      result: 'pass',
      provider: 'University of Exeter',
      ...overrides,
    })

    async function recordFile(name: string, contents: unknown) {
      const file = join(workspace, name)
      await writeFile(file, typeof contents === 'string' ? contents : JSON.stringify(contents))
      return file
    }

    it('prints the evaluation of a learner record file as JSON', async () => {
      const file = await recordFile('record.json', {
        modules: [exeter('A', 'online'), exeter('B', 'online'), exeter('C', 'online'), exeter('D', 'rpe')],
        priorLearning: [],
      })
      const result = await run('framework', 'evaluate', file)
      expect(result.code).toBe(0)
      const evaluation = JSON.parse(result.out)
      expect(evaluation).toMatchObject({
        achieved: ['pgcert'],
        creditsCounted: 60,
        nextLevel: { id: 'pgdip' },
      })
      expect(evaluation.roles.map((role: { name: string }) => role.name)).toContain('Local Co-Investigator')
    })

    it('names each wrong field of the file, one line each, and exits 1', async () => {
      const file = await recordFile('bad.json', {
        modules: [exeter('A', 'online'), exeter('B', 'online', { credits: 'ten' }), exeter('A', 'lecture')],
      })
      const result = await run('framework', 'evaluate', file)
      expect(result.code).toBe(1)
      expect(result.error.split('\n')).toEqual([
        `${file}: modules[1].credits: must be a number of credits`,
        `${file}: modules[2].kind: must be "online", "rpe" or "dissertation"`,
        `${file}: modules[2].code: repeats modules[0]: the same code and provider; list each module once`,
      ])
    })

    it('says when the file is not JSON or cannot be read, and asks for exactly one file', async () => {
      const notJson = await recordFile('not.json', '{"modules": [')
      expect(await run('framework', 'evaluate', notJson)).toMatchObject({
        code: 1,
        error: expect.stringMatching(/not\.json: is not valid JSON/),
      })
      expect(await run('framework', 'evaluate', join(workspace, 'missing.json'))).toMatchObject({
        code: 1,
        error: expect.stringMatching(/missing\.json: cannot be read \(ENOENT\)/),
      })
      expect((await run('framework', 'evaluate')).code).toBe(2)
    })
  })

  describe('match', () => {
    async function roundFile(name: string, contents: unknown) {
      const file = join(workspace, name)
      await writeFile(file, typeof contents === 'string' ? contents : JSON.stringify(contents))
      return file
    }

    it('reproduces every published example, listing every programme', async () => {
      const examples = await readPublishedExamples()
      expect(examples.length).toBeGreaterThanOrEqual(2)
      for (const example of examples) {
        const file = await roundFile(`${example.name}.json`, example.input)
        const result = await run('match', '--input', file)
        expect(result, example.name).toMatchObject({ code: 0, error: '' })
        const output = JSON.parse(result.out) as MatchOutput
        expect(Object.keys(output).sort()).toEqual(['matches', 'unmatched'])
        expect(Object.keys(output.matches).sort()).toEqual(Object.keys(example.input.programs).sort())
        const expected = Object.fromEntries(
          Object.keys(example.input.programs).map((id) => [id, example.expectedApplicantOptimal[id] ?? []]),
        )
        expect(sortedLists(output.matches), example.name).toEqual(sortedLists(expected))
        expect(output.unmatched, example.name).toEqual([...example.expectedUnmatched].sort())
      }
    })

    it('prints a programme nobody was matched to with an empty list, and the unmatched in order of id', async () => {
      const file = await roundFile('round.json', {
        applicants: { zoe: ['ward'], amy: ['ward'], max: [] },
        programs: { ward: { capacity: 0, rol: ['zoe', 'amy'] } },
      })
      const result = await run('match', '--input', file)
      expect(result.code).toBe(0)
      expect(JSON.parse(result.out)).toEqual({ matches: { ward: [] }, unmatched: ['amy', 'max', 'zoe'] })
    })

    it('names every problem of the file with its path, one line each, and exits 1', async () => {
      const file = await roundFile('bad-round.json', {
        applicants: { Brown: ['City', 'City', 'Nowhere'], Chen: ['City'] },
        programs: { City: { capacity: 1.5, rol: ['Chen', 'Zed'] }, Mercy: { capacity: -2, rol: [] } },
      })
      const result = await run('match', '--input', file)
      expect(result.code).toBe(1)
      expect(result.out).toBe('')
      expect(result.error.split('\n')).toEqual([
        `${file}: applicants.Brown[1]: "City" is ranked twice (first at [0])`,
        `${file}: applicants.Brown[2]: "Nowhere" is not a programme in "programs"`,
        `${file}: programs.City.capacity: must be a whole number of places, 0 or more (not 1.5)`,
        `${file}: programs.City.rol[1]: "Zed" is not an applicant in "applicants"`,
        `${file}: programs.Mercy.capacity: must be a whole number of places, 0 or more (not -2)`,
        `5 problems in ${file}; nothing was matched.`,
      ])
    })

    it('gives the line and column of malformed JSON, and says when the file cannot be read', async () => {
      const file = await roundFile(
        'broken.json',
        '{"applicants": {\n  "Brown": ["City",]\n},\n"programs": {}}',
      )
      expect(await run('match', '--input', file)).toMatchObject({
        code: 1,
        error: `${file}:2:20: "]" is not allowed where a value should be\n1 problem in ${file}; nothing was matched.`,
      })
      expect(await run('match', '--input', join(workspace, 'missing-round.json'))).toMatchObject({
        code: 1,
        error: expect.stringMatching(/missing-round\.json: cannot be read \(ENOENT\)/),
      })
    })

    it('asks for --input FILE, with exit code 2', async () => {
      for (const args of [[], ['round.json'], ['--input'], ['--input', 'a.json', 'b.json']]) {
        expect(await run('match', ...args)).toMatchObject({
          code: 2,
          error: 'trellis match: give the round to match as --input FILE',
        })
      }
      expect((await run('help')).out).toContain('match --input FILE')
    })
  })
})
