import { describe, expect, it } from 'vitest'
import { aModule, aRecord, exeterCertificate } from '../../../test/builders/learner-records.ts'
import { readTestCatalogue } from '../../../test/support/test-app.ts'
import type { Framework } from '../catalogue/index.ts'
import { evaluateRecord, frameworkRulesFrom } from '../framework/index.ts'
import { assessmentOf } from './credit-assessment.ts'
import {
  buildProgressDiagram,
  describeMonths,
  estimateMonth,
  progressForView,
  timelineFrom,
} from './learner-progress.ts'

const framework: Framework = (await readTestCatalogue()).content!.framework
const rules = frameworkRulesFrom(framework)
const assess = (record: ReturnType<typeof aRecord>, names?: ReadonlyMap<string, string>) =>
  assessmentOf(rules, evaluateRecord(rules, record), names)

describe('the assessment of a record, as the pages show it', () => {
  it('gives Exeter’s certificate: 60 credits, the PGCert, its roles, the PGDip’s needs, and 600 hours each way', () => {
    const assessment = assess(aRecord(exeterCertificate()))
    expect(assessment.creditsCounted).toBe(60)
    expect(assessment.awards.map((award) => award.name)).toEqual(['Postgraduate Certificate'])
    expect(assessment.roles).toContain('Local Co-Investigator')
    expect(assessment.eligibleToProgress).toBe(true)
    expect(assessment.nextLevel).toMatchObject({ name: 'Postgraduate Diploma', creditsToGo: 60 })
    expect(assessment.nextLevel!.missing).toEqual([
      'one Research Practice Experience module and two online modules, 60 credits in all',
      'at least 30 of the new credits at level 7',
    ])
    expect(assessment.learningHours).toEqual({ hoursPerCredit: 10, done: 600, toNextLevel: 600 })
    expect(assessment.creditsByKind).toEqual([
      { kind: 'online', credits: 45 },
      { kind: 'rpe', credits: 15 },
      { kind: 'dissertation', credits: 0 },
    ])
    expect(assessment.levels.map((level) => [level.abbreviation, level.creditsCounted, level.state])).toEqual(
      [
        ['PGCert', 60, 'held'],
        ['PGDip', 0, 'next'],
        ["Master's", 0, 'later'],
      ],
    )
    expect(assessment.levels[0]!.counted.map((unit) => unit.code).sort()).toEqual([
      'EXE-DCR',
      'EXE-ILR',
      'EXE-RPE',
      'EXE-STA',
    ])
    expect(
      assessment.timeline.map((step) => [step.name, step.creditsToGo, step.hoursToGo, step.monthsFromNow]),
    ).toEqual([
      ['Postgraduate Diploma', 60, 600, 10],
      ["Master's degree", 60, 600, 20],
    ])
  })

  it('names universities in the notes as people know them, not by their ids', () => {
    const assessment = assess(
      aRecord([
        aModule('online', 15, {
          code: 'EXE7005',
          title: 'Statistics',
          result: 'in-progress',
          provider: 'university-of-exeter',
        }),
      ]),
      new Map([['university-of-exeter', 'University of Exeter']]),
    )
    expect(assessment.notes).toEqual([
      'Statistics (EXE7005, University of Exeter) is still in progress, so its 15 credits do not count yet.',
    ])
  })
})

describe('the progress diagram', () => {
  it('draws each award as a track that starts where the one before ends, filled as far as its credits', () => {
    const diagram = buildProgressDiagram(assess(aRecord(exeterCertificate())).levels)
    const [pgcert, pgdip, masters] = diagram.rows
    expect(pgcert!.x).toBe(100)
    expect(pgdip!.x).toBeCloseTo(pgcert!.x + pgcert!.width, 0)
    expect(masters!.x).toBeCloseTo(pgdip!.x + pgdip!.width, 0)
    expect(masters!.x + masters!.width).toBeLessThanOrEqual(diagram.width)
    expect(pgcert!.filledWidth).toBe(pgcert!.width)
    expect(pgdip!.filledWidth).toBe(0)
    expect(diagram.rows.map((row) => row.valueText)).toEqual([
      '60 of 60 credits, held',
      '0 of 60 credits',
      '0 of 60 credits',
    ])
    expect(diagram.axis.ticks.map((tick) => tick.label)).toEqual(['0', '60', '120', '180 credits'])
    expect(diagram.description).toBe(
      'Postgraduate Certificate (60 credits): 60 counted, held. ' +
        'Postgraduate Diploma (60 more credits, 120 in all): none counted yet, the next award. ' +
        "Master's degree (60 more credits, 180 in all): none counted yet, a later award.",
    )
  })

  it('fills part of a track for a level partly done', () => {
    const record = aRecord([aModule('online', 15), aModule('rpe', 15)])
    const [pgcert] = buildProgressDiagram(assess(record).levels).rows
    expect(pgcert!.filledWidth).toBeCloseTo(pgcert!.width / 2, 0)
    expect(pgcert!.valueText).toBe('30 of 60 credits')
  })
})

describe('the timeline', () => {
  it('says how long in months, and which month each award would be finished in', () => {
    expect(describeMonths(1)).toBe('about 1 month')
    expect(describeMonths(10)).toBe('about 10 months')
    expect(estimateMonth('2026-11-22', 10)).toBe('September 2027')
    // The 31st plus a month is the end of a shorter month, not the month after it.
    expect(estimateMonth('2027-01-31', 1)).toBe('February 2027')
    const steps = timelineFrom(assess(aRecord(exeterCertificate())).timeline, '2026-11-22')
    expect(steps.map((step) => [step.name, step.duration, step.finishBy])).toEqual([
      ['Postgraduate Diploma', 'about 10 months', 'September 2027'],
      ["Master's degree", 'about 10 months', 'July 2028'],
    ])
  })

  it('says where prior learning was recognised, and starts the timeline today', () => {
    const record = aRecord(
      [aModule('online', 15), aModule('online', 15), aModule('rpe', 15)],
      [{ credits: 15, countsAs: 'online', status: 'approved', provider: 'kings-college-london' }],
    )
    const view = progressForView(assess(record), '2026-11-22', (id) =>
      id === 'kings-college-london' ? "King's College London" : id,
    )!
    expect(view.today).toBe('2026-11-22')
    expect(view.timeline.map((step) => step.finishBy)).toEqual(['September 2027', 'July 2028'])
    expect(view.levels[0]!.countedText).toContain(
      "Recognised prior learning at King's College London, 15 credits",
    )
    expect(progressForView(null, '2026-11-22', (id) => id)).toBeNull()
  })
})
