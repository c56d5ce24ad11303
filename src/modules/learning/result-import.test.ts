import { describe, expect, it } from 'vitest'
import { checkResultFields } from './module-result-fields.ts'
import { formatImportProblem, maximumImportRows, readResultsCsv } from './result-import.ts'

const today = '2026-03-31'
const header = 'email,code,title,kind,credits,level,result,completed_on'
const read = (...lines: string[]) => readResultsCsv(lines.join('\n'), today)
const problems = (...lines: string[]) => read(...lines).problems.map(formatImportProblem)

describe('reading results from a CSV file', () => {
  it('reads valid rows, by email or by learner id, with the spellings people use', () => {
    const reading = readResultsCsv(
      [
        '\uFEFFLearner ID,Module code,Title,Kind,Credits,Level,Result,Completed on',
        '8c1f6f0e-3b8e-4c4e-9d6a-2f1b1c2d3e4f,exe 7001,Doing  Clinical Research,Online,15,7,Passed,14/03/2026',
        '8C1F6F0E-3B8E-4C4E-9D6A-2F1B1C2D3E4F,EXE7004,RPE,research practice experience,15,7,in progress,',
      ].join('\r\n'),
      today,
    )
    expect(reading.problems).toEqual([])
    expect(reading.rows).toEqual([
      {
        line: 2,
        learner: { by: 'id', id: '8c1f6f0e-3b8e-4c4e-9d6a-2f1b1c2d3e4f', column: 'Learner ID' },
        fields: {
          code: 'EXE 7001',
          title: 'Doing Clinical Research',
          kind: 'online',
          credits: 15,
          level: 7,
          result: 'pass',
          completedOn: '2026-03-14',
        },
      },
      {
        line: 3,
        learner: { by: 'id', id: '8c1f6f0e-3b8e-4c4e-9d6a-2f1b1c2d3e4f', column: 'Learner ID' },
        fields: {
          code: 'EXE7004',
          title: 'RPE',
          kind: 'rpe',
          credits: 15,
          level: 7,
          result: 'in-progress',
          completedOn: null,
        },
      },
    ])
  })

  it('names the line and column of every problem, skipping blank lines but counting them', () => {
    expect(
      problems(
        header,
        'a@example.com,EXE7001,Integrity,online,15,7,pass,2026-01-10',
        '',
        'not-an-email,EXE7002,,online,0,2,passed-ish,2026-13-01',
        ',EXE7003,Trials,online,15,7,pass,2026-04-01',
        'b@example.com,EXE7003,Trials,online,15,7,in-progress,2026-01-01',
        'b@example.com,EXE7003,Trials,online,15,7,fail,',
      ),
    ).toEqual([
      'line 4, column email: must be an email address',
      'line 4, column title: is empty',
      'line 4, column credits: must be a whole number from 1 to 180',
      'line 4, column level: must be a whole number from 3 to 8',
      'line 4, column result: must be pass, fail or in-progress',
      'line 4, column completed_on: must be a real date, like 2025-03-14 or 14/03/2025',
      'line 5, column email: is empty: say who the result is for',
      'line 5, column completed_on: must be today or in the past',
      'line 6, column completed_on: must be empty while the module is in progress',
      'line 7, column completed_on: is empty',
    ])
  })

  it('counts the lines of a value that spans several, and reports a row with too many values', () => {
    expect(
      problems(
        header,
        'a@example.com,EXE7001,"Integrity,',
        'and Leadership",online,15,7,pass,2026-01-10',
        'a@example.com,EXE7002,Doing,online,15,7,pass,2026-01-10,extra',
        'a@example.com,EXE7003,"Trials",online,fifteen,7,pass,2026-01-10',
      ),
    ).toEqual([
      'line 4: has 9 values but the first line names 8 columns',
      'line 5, column credits: must be a whole number from 1 to 180',
    ])
  })

  it('reports the header: unknown, repeated and missing columns', () => {
    expect(problems('email,code,title,kind,credits,level,result,grade,code', 'x')).toEqual([
      'line 1, column grade: is not a column Trellis reads (it reads email, learner_id, code, title, kind, credits, level, result, completed_on)',
      'line 1, column code: repeats the column code',
      'line 1: the column completed_on is missing',
    ])
    expect(problems('code,title,kind,credits,level,result,completed_on')).toEqual([
      'line 1: the file needs a column email or learner_id',
    ])
    expect(problems(header)).toEqual(['line 2: the file has no results'])
    expect(problems('')).toEqual(['line 1: the file is empty'])
  })

  it('refuses a file it cannot read as CSV, saying where', () => {
    expect(problems(header, 'a@example.com,"EXE7001,Integrity')).toEqual([
      'line 2: the file is not valid CSV here (check the quotation marks)',
    ])
  })

  it('refuses a result given twice in one file', () => {
    expect(
      problems(
        header,
        'a@example.com,EXE7001,Integrity,online,15,7,pass,2026-01-10',
        'A@example.com,exe7001,Integrity,online,15,7,pass,10/01/2026',
      ),
    ).toEqual(['line 3: repeats the result on line 2'])
  })

  it('takes at most the rows it can check at once', () => {
    const row = 'a@example.com,EXE7001,Integrity,online,15,7,in-progress,'
    const lines = [
      header,
      ...Array.from({ length: maximumImportRows + 1 }, (_, i) => row.replace('7001', `${i}`)),
    ]
    expect(problems(...lines)).toEqual([
      `line ${maximumImportRows + 2}: a file may hold at most ${maximumImportRows} results: split it into smaller files`,
    ])
  })
})

describe('the rules of a result', () => {
  it('refuses a code with characters no student records system uses', () => {
    const check = checkResultFields(
      {
        code: 'EXE<7001>',
        title: 'x',
        kind: 'online',
        credits: '15',
        level: '7',
        result: 'pass',
        completedOn: { kind: 'date', iso: '2026-01-01' },
      },
      today,
    )
    expect(check).toEqual({
      ok: false,
      problems: [
        {
          field: 'code',
          problem: 'invalid',
          reason: 'must be letters, numbers, spaces, full stops, hyphens or slashes',
        },
      ],
    })
  })
})
