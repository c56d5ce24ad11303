import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  addMonths,
  checkRplCap,
  cohortProgress,
  creditsPassedByUniversity,
  creditsRecognised,
  readDateParts,
  readDateText,
  rplCapMessage,
  standingResults,
  toLearnerRecord,
  type ModuleResult,
  type PriorLearningClaim,
  type ResultOutcome,
} from './learner-record.ts'

let sequence = 0

function result(overrides: Partial<ModuleResult> = {}): ModuleResult {
  sequence += 1
  return {
    id: `result-${sequence}`,
    sequence,
    learnerId: 'learner',
    enrolmentId: 'enrolment',
    universityId: 'university-of-exeter',
    code: 'EXE7001',
    title: 'Doing Clinical Research',
    kind: 'online',
    credits: 15,
    level: 7,
    result: 'pass',
    completedOn: '2025-06-30',
    recordedBy: 'lead',
    recordedAt: new Date('2025-07-01T09:00:00Z'),
    importBatchId: null,
    ...overrides,
  }
}

function claim(overrides: Partial<PriorLearningClaim> = {}): PriorLearningClaim {
  return {
    id: 'claim',
    learnerId: 'learner',
    universityId: 'kings-college-london',
    description: 'A module elsewhere',
    creditsSought: 30,
    countsAs: 'online',
    status: 'pending',
    creditsApproved: null,
    level: null,
    reason: null,
    decidedBy: null,
    decidedAt: null,
    createdAt: new Date('2025-01-01T00:00:00Z'),
    evidence: [],
    ...overrides,
  }
}

describe('the attempt that stands', () => {
  it('is the pass after a fail: the retake counts, and the fail stays in the history', () => {
    const failed = result({ result: 'fail' })
    const passed = result({ result: 'pass' })
    expect(standingResults([passed, failed])).toEqual([passed])
  })

  it('stays the first pass whatever is recorded after it', () => {
    const passed = result({ result: 'pass' })
    expect(standingResults([passed, result({ result: 'fail' }), result({ result: 'in-progress' })])).toEqual([
      passed,
    ])
  })

  it('is the latest attempt when none passed', () => {
    const failed = result({ result: 'fail' })
    const retake = result({ result: 'in-progress', completedOn: null })
    expect(standingResults([retake, failed])).toEqual([retake])
  })

  it('treats the same code at two universities as two modules', () => {
    const atExeter = result()
    const atKings = result({ universityId: 'kings-college-london' })
    expect(standingResults([atExeter, atKings])).toEqual([atExeter, atKings])
  })

  it('is one attempt a module, a pass wherever one was recorded (any history)', () => {
    const outcomes: readonly ResultOutcome[] = ['pass', 'fail', 'in-progress']
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            code: fc.constantFrom('A', 'B', 'C'),
            universityId: fc.constantFrom('x', 'y'),
            result: fc.constantFrom(...outcomes),
          }),
          { maxLength: 30 },
        ),
        (attempts) => {
          const history = attempts.map((attempt) => result(attempt))
          const standing = standingResults(history)
          const keys = standing.map((r) => `${r.universityId}/${r.code}`)
          expect(new Set(keys).size).toBe(keys.length)
          for (const r of standing) {
            const all = history.filter((h) => h.universityId === r.universityId && h.code === r.code)
            if (all.some((h) => h.result === 'pass')) expect(r).toBe(all.find((h) => h.result === 'pass'))
            else expect(r).toBe(all.at(-1))
          }
          // The record for the credit rules keeps every attempt, in the order recorded.
          expect(toLearnerRecord([...history].reverse(), []).modules).toHaveLength(history.length)
        },
      ),
    )
  })
})

describe('the record the credit rules read', () => {
  it('names the awarding university of every attempt and gives each claim the credit that counts', () => {
    const exeter = result({ code: 'EXE7004', kind: 'rpe' })
    const kings = result({ universityId: 'kings-college-london', code: 'KCL7RPE2', kind: 'rpe', credits: 30 })
    const record = toLearnerRecord(
      [kings, exeter],
      [
        claim({ status: 'pending' }),
        claim({ status: 'partly-approved', creditsApproved: 15, level: 7, countsAs: 'rpe' }),
        claim({ status: 'rejected', creditsApproved: 0 }),
      ],
    )
    expect(record).toEqual({
      modules: [
        {
          code: 'EXE7004',
          title: 'Doing Clinical Research',
          kind: 'rpe',
          credits: 15,
          level: 7,
          result: 'pass',
          provider: 'university-of-exeter',
        },
        {
          code: 'KCL7RPE2',
          title: 'Doing Clinical Research',
          kind: 'rpe',
          credits: 30,
          level: 7,
          result: 'pass',
          provider: 'kings-college-london',
        },
      ],
      priorLearning: [
        { credits: 30, countsAs: 'online', status: 'pending', provider: 'kings-college-london' },
        { credits: 15, countsAs: 'rpe', status: 'approved', provider: 'kings-college-london', level: 7 },
        { credits: 30, countsAs: 'online', status: 'rejected', provider: 'kings-college-london' },
      ],
    })
  })

  it('counts the credits passed at each university once a module', () => {
    const credits = creditsPassedByUniversity([
      result({ code: 'A' }),
      result({ code: 'A' }),
      result({ code: 'B', result: 'fail' }),
      result({ code: 'C', universityId: 'kings-college-london', credits: 30 }),
    ])
    expect([...credits]).toEqual([
      ['university-of-exeter', 15],
      ['kings-college-london', 30],
    ])
  })

  it('counts the credit recognised at one university or all', () => {
    const claims = [
      claim({ status: 'approved', creditsApproved: 30 }),
      claim({ status: 'approved', creditsApproved: 20, universityId: 'university-of-exeter' }),
      claim({ status: 'pending' }),
    ]
    expect(creditsRecognised(claims)).toBe(50)
    expect(creditsRecognised(claims, 'kings-college-london')).toBe(30)
  })
})

describe('the cap on prior learning', () => {
  it('allows up to the cap, counting what is already recognised, and says how much is left', () => {
    expect(checkRplCap(60, 45, 15)).toEqual({ allowed: true })
    expect(checkRplCap(60, 45, 30)).toEqual({ allowed: false, remaining: 15 })
    expect(checkRplCap(60, 75, 0)).toEqual({ allowed: false, remaining: 0 })
  })

  it('never allows more than the cap in all, and always allows what remains', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 180 }),
        fc.integer({ min: 0, max: 180 }),
        fc.integer({ min: 0, max: 180 }),
        (cap, already, requested) => {
          const check = checkRplCap(cap, already, requested)
          expect(check.allowed).toBe(already + requested <= cap)
          if (!check.allowed && check.remaining > 0)
            expect(checkRplCap(cap, already, check.remaining).allowed).toBe(true)
        },
      ),
    )
  })

  it('states the cap', () => {
    expect(rplCapMessage('University of Exeter', 60, 0, 60)).toBe(
      'University of Exeter recognises at most 60 credits of prior learning for one learner.',
    )
    expect(rplCapMessage('University of Exeter', 60, 1, 59)).toBe(
      'University of Exeter recognises at most 60 credits of prior learning for one learner. 1 credit is already recognised for this learner there, so you can approve at most 59 more.',
    )
  })
})

describe('progress in a cohort', () => {
  const active = { status: 'active' as const, startedOn: '2025-01-15' }

  it('says how an ended enrolment ended', () => {
    for (const status of ['completed', 'withdrawn', 'transferred-out'] as const) {
      expect(
        cohortProgress({
          enrolment: { status, startedOn: '2025-01-15' },
          results: [],
          eligibleToProgress: true,
          today: '2026-01-01',
        }),
      ).toBe(status)
    }
  })

  it('is eligible to progress when the credit rules say so, before anything else', () => {
    expect(
      cohortProgress({ enrolment: active, results: [], eligibleToProgress: true, today: '2030-01-01' }),
    ).toBe('eligible-to-progress')
  })

  it('has stalled with no result completed or recorded for six months', () => {
    const at = (today: string, results: { completedOn: string | null; recordedAt: Date }[] = []) =>
      cohortProgress({ enrolment: active, results, eligibleToProgress: false, today })
    expect(at('2025-07-15')).toBe('on-track')
    expect(at('2025-07-16')).toBe('stalled')
    const recent = [{ completedOn: '2025-06-01', recordedAt: new Date('2025-06-02T10:00:00Z') }]
    expect(at('2025-12-02', recent)).toBe('on-track')
    expect(at('2025-12-03', recent)).toBe('stalled')
    // Still in progress: recorded, not completed, counts as something happening.
    expect(at('2025-12-01', [{ completedOn: null, recordedAt: new Date('2025-07-01T10:00:00Z') }])).toBe(
      'on-track',
    )
  })

  it('adds calendar months, keeping to the end of a shorter month', () => {
    expect(addMonths('2025-08-31', 6)).toBe('2026-02-28')
    expect(addMonths('2023-08-31', 6)).toBe('2024-02-29')
    expect(addMonths('2025-01-15', 6)).toBe('2025-07-15')
    expect(addMonths('2025-11-30', 3)).toBe('2026-02-28')
  })
})

describe('dates as people write them', () => {
  it('reads the three boxes of the date input', () => {
    expect(readDateParts({ day: '7', month: '3', year: '2025' })).toEqual({ kind: 'date', iso: '2025-03-07' })
    expect(readDateParts({ day: '', month: '', year: '' })).toEqual({ kind: 'empty' })
    expect(readDateParts({ day: '7', month: '', year: '' })).toEqual({
      kind: 'missing',
      parts: ['month', 'year'],
    })
    expect(readDateParts({ day: '30', month: '2', year: '2025' })).toEqual({ kind: 'not-real' })
    expect(readDateParts({ day: '1', month: '2', year: '25' })).toEqual({ kind: 'short-year' })
  })

  it('reads ISO and UK dates from a file', () => {
    expect(readDateText('2025-03-14')).toEqual({ kind: 'date', iso: '2025-03-14' })
    expect(readDateText('14/03/2025')).toEqual({ kind: 'date', iso: '2025-03-14' })
    expect(readDateText('3/4/2025')).toEqual({ kind: 'date', iso: '2025-04-03' })
    expect(readDateText(' ')).toEqual({ kind: 'empty' })
    expect(readDateText('31/02/2025')).toEqual({ kind: 'not-real' })
    expect(readDateText('March 2025')).toEqual({ kind: 'not-real' })
  })
})
