import { randomUUID } from 'node:crypto'
import { parse } from 'csv-parse/sync'
import { beforeAll, expect, it } from 'vitest'
import { describeEachApp } from '../../../test/support/each-engine.ts'
import { parsePage } from '../../../test/support/html.ts'
import type { TestApp } from '../../../test/support/test-app.ts'
import { commandLineOrigin, recordAudit } from '../../platform/audit/audit-log.ts'
import { auditCsvHeader } from './audit-csv.ts'
import { createAuditRepository } from './audit-repository.ts'
import { createAuditService } from './audit-service.ts'

interface Person {
  readonly id: string
  readonly email: string
  readonly fullName: string
  /** The session cookie's value. */
  readonly token: string
}

/** A person made with SQL, with memberships, signed in through the session service. */
async function createPerson(
  testApp: TestApp,
  fullName: string,
  roles: readonly string[] = [],
): Promise<Person> {
  const id = randomUUID()
  const email = `${fullName.toLowerCase().replace(/\W+/g, '.')}.${id.slice(0, 8)}@nhs.net`
  const token = await testApp.db.database.transaction(async (tx) => {
    await tx.query('INSERT INTO users (id, full_name, email, email_verified_at) VALUES ($1, $2, $3, now())', [
      id,
      fullName,
      email,
    ])
    if (roles.length > 0) {
      await tx.query(
        `INSERT INTO memberships (user_id, organisation_id, roles) VALUES ($1, 'framework-team', $2)`,
        [id, roles],
      )
    }
    const session = await testApp.services.sessions.start(tx, id, 'password', { userAgent: null, ip: null })
    return session.token
  })
  return { id, email, fullName, token }
}

/** Entries at chosen times, which recordAudit (always "now") cannot write. */
async function insertEvent(
  testApp: TestApp,
  entry: {
    readonly at: string
    readonly actorUserId?: string
    readonly label?: string
    readonly action: string
    readonly subjectId?: string
    readonly details?: Record<string, unknown>
  },
): Promise<number> {
  const [row] = await testApp.db.database.query<{ id: number }>(
    `INSERT INTO audit_events (occurred_at, actor_user_id, actor_label, action, subject_type, subject_id, details)
     VALUES ($1, $2, $3, $4, 'account', $5, $6) RETURNING id`,
    [
      entry.at,
      entry.actorUserId ?? null,
      entry.actorUserId === undefined ? (entry.label ?? 'system') : 'user',
      entry.action,
      entry.subjectId ?? null,
      JSON.stringify(entry.details ?? {}),
    ],
  )
  return Number(row!.id)
}

describeEachApp('the audit log', ({ app }) => {
  let admin: Person
  let learner: Person
  let closedId: string
  const dated: Record<string, number> = {}

  const get = (url: string, person?: Person) =>
    app().app.inject({
      method: 'GET',
      url,
      ...(person === undefined ? {} : { cookies: { trellis_session: person.token } }),
    })
  /** The entries table's rows, as the text of each cell. */
  const rowsOf = (html: string) =>
    parsePage(html)
      .root.querySelectorAll('main tbody tr')
      .map((row) =>
        row
          .querySelectorAll('td')
          .map(
            (cell) => (
              cell.querySelector('.nhsuk-table__heading')?.remove(),
              cell.text.replace(/\s+/g, ' ').trim()
            ),
          ),
      )
  const idsInOrder = async (action: string) =>
    (
      await app().db.database.query<{ id: number }>(
        'SELECT id FROM audit_events WHERE action = $1 ORDER BY occurred_at DESC, id DESC',
        [action],
      )
    ).map((row) => Number(row.id))

  beforeAll(async () => {
    const testApp = app()
    admin = await createPerson(testApp, 'Ada Admin', ['framework-admin'])
    learner = await createPerson(testApp, 'Lee Learner')
    const closed = await createPerson(testApp, 'Casey Closed')
    closedId = closed.id
    await testApp.db.database.query(
      `UPDATE users SET full_name = 'Closed account', email = NULL, closed_at = now() WHERE id = $1`,
      [closedId],
    )
    const origin = { requestId: 'req-learner-1', ip: '192.0.2.7' }
    await testApp.db.database.transaction(async (tx) => {
      await recordAudit(tx, {
        actor: { userId: learner.id },
        action: 'test.viewed',
        subjectType: 'account',
        subjectId: "=cmd|' /C calc'!A0",
        origin,
        details: {
          note: '<script>alert(1)</script>',
          roles: ['mentor', 'programme-lead'],
          nested: { a: 'b' },
        },
      })
      await recordAudit(tx, {
        actor: { label: 'command line' },
        action: 'test.granted',
        subjectType: 'account',
        subjectId: admin.id,
        origin: commandLineOrigin,
      })
      await recordAudit(tx, {
        actor: { userId: closedId },
        action: 'test.closed',
        subjectType: 'account',
        subjectId: closedId,
        origin,
      })
      await recordAudit(tx, {
        actor: { label: 'anonymous' },
        action: 'test.anonymous',
        subjectType: 'account',
        subjectId: null,
        origin,
      })
    })
    // Either side of the UK's midnights at the start and end of July 2024 (BST, UTC+1).
    for (const [name, at] of [
      ['june30Late', '2024-06-30T22:59:59.999999Z'],
      ['july1Early', '2024-06-30T23:00:00Z'],
      ['july31Late', '2024-07-31T22:59:59.999999Z'],
      ['august1Early', '2024-07-31T23:00:00Z'],
    ] as const) {
      dated[name] = await insertEvent(testApp, { at, actorUserId: admin.id, action: 'test.dated' })
    }
  })

  it('sends someone signed out to sign in, and refuses someone who is not a framework admin', async () => {
    for (const url of ['/admin/audit', '/admin/audit.csv']) {
      const anonymous = await get(url)
      expect(anonymous.statusCode).toBe(303)
      expect(anonymous.headers.location).toBe(`/sign-in?next=${encodeURIComponent(url)}`)
      const refused = await get(url, learner)
      expect(refused.statusCode).toBe(403)
      expect(refused.body).not.toContain('test.viewed')
    }
  })

  it('declares the framework-admin policy on both routes', () => {
    const routes = app().app.routeTable.filter((route) => route.url.startsWith('/admin/audit'))
    expect(routes.map((route) => [route.method, route.url, route.policy])).toEqual([
      ['GET', '/admin/audit', { access: 'role', roles: ['framework-admin'] }],
      ['GET', '/admin/audit.csv', { access: 'role', roles: ['framework-admin'] }],
    ])
  })

  it('shows a framework admin the entries, newest first, with who, what, on what, from where', async () => {
    const response = await get('/admin/audit', admin)
    expect(response.statusCode).toBe(200)
    expect(response.headers['cache-control']).toBe('no-store')
    const page = parsePage(response.body)
    expect(page.h1).toBe('Audit log')
    expect(page.title).toMatch(/^Audit log/)
    const rows = rowsOf(response.body)
    const actions = rows.map((row) => row[2])
    expect(actions.indexOf('test.anonymous')).toBeLessThan(actions.indexOf('test.dated'))
    const viewed = rows.find((row) => row[2] === 'test.viewed')!
    expect(viewed[1]).toBe(`Lee Learner ${learner.email}`)
    expect(viewed[3]).toBe("account =cmd|' /C calc'!A0")
    expect(viewed[4]).toBe('req-learner-1')
    expect(viewed[5]).toBe('192.0.2.7')
    expect(viewed[6]).toBe('note: <script>alert(1)</script>roles: mentor, programme-leadnested.a: b')
    expect(rows.find((row) => row[2] === 'test.closed')?.[1]).toBe('Closed account')
    const granted = rows.find((row) => row[2] === 'test.granted')!
    expect(granted[1]).toBe('Command line')
    expect(granted.slice(4, 7)).toEqual(['None', 'None', 'None'])
    // Text from the log is shown as text, never as markup.
    expect(response.body).not.toContain('<script>alert(1)</script>')
    expect(response.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
  })

  it('offers the actions that occur, in order, and filters by one', async () => {
    const page = parsePage((await get('/admin/audit', admin)).body)
    const options = page.root
      .querySelectorAll('select#action option')
      .map((option) => option.getAttribute('value'))
    const distinct = await app().db.database.query<{ action: string }>(
      'SELECT DISTINCT action FROM audit_events ORDER BY action',
    )
    expect(options).toEqual(['', ...distinct.map((row) => row.action)])

    const filtered = await get('/admin/audit?action=test.dated', admin)
    const rows = rowsOf(filtered.body)
    expect(rows.map((row) => row[2])).toEqual(['test.dated', 'test.dated', 'test.dated', 'test.dated'])
    expect(parsePage(filtered.body).mainText).toContain('4 entries matching these filters, newest first.')
    expect(parsePage(filtered.body).root.querySelector('select#action option[selected]')?.text).toBe(
      'test.dated',
    )
  })

  it('filters by who acted: part of a name or email address, a label, or a user id', async () => {
    const actionsFor = async (actor: string) =>
      rowsOf((await get(`/admin/audit?actor=${encodeURIComponent(actor)}&subjectType=account`, admin)).body)
        .map((row) => row[2])
        .filter((action) => action?.startsWith('test.'))
    expect(new Set(await actionsFor('lee learn'))).toEqual(new Set(['test.viewed']))
    expect(new Set(await actionsFor(learner.email.slice(0, 12).toUpperCase()))).toEqual(
      new Set(['test.viewed']),
    )
    expect(new Set(await actionsFor('command line'))).toEqual(new Set(['test.granted']))
    expect(new Set(await actionsFor('anonymous'))).toEqual(new Set(['test.anonymous']))
    expect(new Set(await actionsFor(admin.id))).toEqual(new Set(['test.dated']))
    expect(new Set(await actionsFor('closed account'))).toEqual(new Set(['test.closed']))
    // Wildcards typed into the box are only themselves.
    expect(await actionsFor('%')).toEqual([])
    expect(await actionsFor('_')).toEqual([])
  })

  it('filters by subject id', async () => {
    const rows = rowsOf((await get(`/admin/audit?subjectId=${closedId}`, admin)).body)
    expect(rows.map((row) => row[2])).toEqual(['test.closed'])
  })

  it('filters by UK dates, from the start of the from date to the end of the to date', async () => {
    const response = await get(
      '/admin/audit?action=test.dated&from-day=1&from-month=7&from-year=2024&to-day=31&to-month=07&to-year=2024',
      admin,
    )
    expect(response.statusCode).toBe(200)
    const rows = rowsOf(response.body)
    expect(rows.map((row) => row[0])).toEqual(['31 July 2024 at 23:59:59 BST', '1 July 2024 at 00:00:00 BST'])
    const page = parsePage(response.body)
    expect(page.root.querySelector('#from-day')?.getAttribute('value')).toBe('1')
    expect(page.root.querySelector('#to-month')?.getAttribute('value')).toBe('07')

    const fromOnly = rowsOf(
      (await get('/admin/audit?action=test.dated&from-day=1&from-month=8&from-year=2024', admin)).body,
    )
    expect(fromOnly.map((row) => row[0])).toEqual(['1 August 2024 at 00:00:00 BST'])
    const toOnly = rowsOf(
      (await get('/admin/audit?action=test.dated&to-day=30&to-month=6&to-year=2024', admin)).body,
    )
    expect(toOnly.map((row) => row[0])).toEqual(['30 June 2024 at 23:59:59 BST'])
  })

  it('refuses dates that are not real, or a from date after the to date, with the NHS error summary', async () => {
    const notReal = await get(
      '/admin/audit?from-day=31&from-month=2&from-year=2025&to-day=1&to-month=3',
      admin,
    )
    expect(notReal.statusCode).toBe(400)
    const page = parsePage(notReal.body)
    expect(page.title).toMatch(/^Error: Audit log/)
    expect(page.errorSummary()).toEqual(['From date must be a real date', 'To date must include a year'])
    const summaryLinks = page.root.querySelectorAll('.nhsuk-error-summary__list a')
    expect(summaryLinks.map((link) => link.getAttribute('href'))).toEqual(['#from-day', '#to-year'])
    expect(page.root.querySelector('#from-error')?.text).toContain('From date must be a real date')
    const marked = (id: string) => page.root.querySelector(`#${id}`)?.classList.contains('nhsuk-input--error')
    // A date that is not real is wrong as a whole; of an incomplete one, only the missing part is marked.
    expect(['from-day', 'from-month', 'from-year', 'to-day', 'to-month', 'to-year'].map(marked)).toEqual([
      true,
      true,
      true,
      false,
      false,
      true,
    ])
    // What was typed is kept, so that it can be corrected.
    expect(page.root.querySelector('#from-day')?.getAttribute('value')).toBe('31')
    expect(page.root.querySelector('main table')).toBeNull()

    const backwards = await get(
      '/admin/audit?from-day=2&from-month=3&from-year=2025&to-day=1&to-month=3&to-year=2025',
      admin,
    )
    expect(backwards.statusCode).toBe(400)
    expect(parsePage(backwards.body).errorSummary()).toEqual([
      'To date must be the same as or after the from date',
    ])
    expect(parsePage(backwards.body).title).toMatch(/^Error: /)
  })

  it('refuses an address with a parameter it does not know', async () => {
    const response = await get('/admin/audit?acton=test.dated', admin)
    expect(response.statusCode).toBe(400)
    expect(response.body).toContain('acton')
  })

  it('pages 50 entries at a time, keeping the filters in the page links', async () => {
    await app().db.database.query(
      `INSERT INTO audit_events (occurred_at, actor_label, action, subject_type, subject_id)
       SELECT timestamptz '2025-01-01T00:00:00Z' + n * interval '1 second', 'system', 'test.paged', 'account', n::text
       FROM generate_series(1, 120) AS n`,
    )
    const first = await get('/admin/audit?action=test.paged', admin)
    const firstRows = rowsOf(first.body)
    expect(firstRows).toHaveLength(50)
    expect(firstRows[0]?.[3]).toBe('account 120')
    const page = parsePage(first.body)
    expect(page.mainText).toContain('120 entries matching these filters, newest first: page 1 of 3.')
    const links = page.root.querySelectorAll('.nhsuk-pagination a').map((a) => a.getAttribute('href'))
    expect(links).toContain('/admin/audit?action=test.paged&page=2')
    expect(links).toContain('/admin/audit?action=test.paged&page=3')

    const last = rowsOf((await get('/admin/audit?action=test.paged&page=3', admin)).body)
    expect(last).toHaveLength(20)
    expect(last.at(-1)?.[3]).toBe('account 1')
  })

  it('exports the filtered entries as CSV, formulas neutralised, and records the export', async () => {
    const response = await get('/admin/audit.csv?action=test.viewed', admin)
    expect(response.statusCode).toBe(200)
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8')
    expect(response.headers['content-disposition']).toMatch(
      /^attachment; filename="trellis-audit-\d{4}-\d{2}-\d{2}\.csv"$/,
    )
    expect(response.headers['cache-control']).toBe('no-store')
    const records = parse(response.body, { bom: true }) as string[][]
    expect(records[0]).toEqual(auditCsvHeader)
    expect(records).toHaveLength(2)
    const [, record] = records
    expect(record?.slice(2, 11)).toEqual([
      'Lee Learner',
      learner.email,
      learner.id,
      'test.viewed',
      'account',
      "'=cmd|' /C calc'!A0",
      'req-learner-1',
      '192.0.2.7',
      JSON.stringify({
        note: '<script>alert(1)</script>',
        roles: ['mentor', 'programme-lead'],
        nested: { a: 'b' },
      }),
    ])
    expect(record?.[1]).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/)

    const [exported] = await app().db.database.query<{
      actor_user_id: string
      subject_type: string
      details: unknown
    }>(
      `SELECT actor_user_id, subject_type, details FROM audit_events WHERE action = 'audit.exported'
       ORDER BY id DESC LIMIT 1`,
    )
    expect(exported).toEqual({
      actor_user_id: admin.id,
      subject_type: 'audit-log',
      details: { filters: { action: 'test.viewed' } },
    })
  })

  it('exports with dates filtered too; records no export for bad dates or a HEAD request', async () => {
    const records = parse(
      (await get('/admin/audit.csv?action=test.dated&from-day=1&from-month=7&from-year=2024', admin)).body,
      { bom: true },
    ) as string[][]
    expect(records.slice(1).map((record) => Number(record[0]))).toEqual([
      dated.august1Early,
      dated.july31Late,
      dated.july1Early,
    ])

    const exportsBefore = await idsInOrder('audit.exported')
    const head = await app().app.inject({
      method: 'HEAD',
      url: '/admin/audit.csv',
      cookies: { trellis_session: admin.token },
    })
    expect(head.statusCode).toBe(200)
    expect(head.headers['content-disposition']).toMatch(/^attachment; filename="trellis-audit-/)
    expect(await idsInOrder('audit.exported')).toEqual(exportsBefore)
    const refused = await get('/admin/audit.csv?from-day=32&from-month=1&from-year=2025', admin)
    expect(refused.statusCode).toBe(400)
    expect(parsePage(refused.body).errorSummary()).toEqual(['From date must be a real date'])
    expect(await idsInOrder('audit.exported')).toEqual(exportsBefore)
  })

  it('exports a large log in chunks without losing or repeating an entry, even within a millisecond', async () => {
    // 2,500 entries, three to each microsecond and many to each millisecond: 3 chunks of up to 1,000.
    await app().db.database.query(
      `INSERT INTO audit_events (occurred_at, actor_label, action, subject_type)
       SELECT timestamptz '2025-02-01T00:00:00Z' + (n / 3) * interval '7 microseconds', 'system', 'test.bulk', 'account'
       FROM generate_series(1, 2500) AS n`,
    )
    const expected = await idsInOrder('test.bulk')
    const records = parse((await get('/admin/audit.csv?action=test.bulk', admin)).body, {
      bom: true,
    }) as string[][]
    expect(records.slice(1).map((record) => Number(record[0]))).toEqual(expected)

    // The same with chunks of 7: many more boundaries, several of them inside one microsecond.
    const service = createAuditService({
      db: app().db.database,
      audit: createAuditRepository(app().db.database),
      exportChunkSize: 7,
    })
    const ids: number[] = []
    for await (const chunk of service.exportEvents({ action: 'test.bulk' })) {
      expect(chunk.length).toBeLessThanOrEqual(7)
      ids.push(...chunk.map((event) => event.id))
    }
    expect(ids).toEqual(expected)
  })

  it('refuses to change or remove an entry, on this engine too', async () => {
    const { database } = app().db
    const [entry] = await database.query<{ id: number }>(
      `SELECT id FROM audit_events WHERE action = 'test.viewed'`,
    )
    await expect(
      database.query(`UPDATE audit_events SET action = 'test.hidden' WHERE id = $1`, [entry!.id]),
    ).rejects.toThrow(/append-only/)
    await expect(database.query('DELETE FROM audit_events WHERE id = $1', [entry!.id])).rejects.toThrow(
      /append-only/,
    )
    await expect(database.query('DELETE FROM audit_events')).rejects.toThrow(/append-only/)
    await expect(database.query('TRUNCATE audit_events')).rejects.toThrow(/append-only/)
    expect(await idsInOrder('test.viewed')).toEqual([Number(entry!.id)])
  })

  it('keeps no entry written by a transaction that failed', async () => {
    const { database } = app().db
    await expect(
      database.transaction(async (tx) => {
        await recordAudit(tx, {
          actor: { userId: admin.id },
          action: 'test.rolled-back',
          subjectType: 'account',
          subjectId: admin.id,
          origin: commandLineOrigin,
        })
        throw new Error('the action failed')
      }),
    ).rejects.toThrow('the action failed')
    expect(await idsInOrder('test.rolled-back')).toEqual([])
    const page = await get('/admin/audit?action=test.rolled-back', admin)
    expect(rowsOf(page.body)).toEqual([])
    expect(parsePage(page.body).mainText).toContain('No entry matches these filters.')
  })
})
