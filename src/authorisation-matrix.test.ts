import { randomUUID } from 'node:crypto'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { LightMyRequestResponse } from 'fastify'
import { beforeAll, expect, it } from 'vitest'
import {
  describeEachIdentityApp,
  fillPath,
  isAuthorisationDocWanted,
  type Person,
  TestBrowser,
} from '../test/support/identity.ts'
import { createMembershipRepository } from './modules/identity/membership-repository.ts'
import {
  decideAccess,
  type AccessDecision,
  type Principal,
  type RegisteredRoute,
  type RoutePolicy,
} from './platform/http/access-control.ts'
import { createToken, digestToken } from './platform/security/tokens.ts'
import { projectRoot } from './platform/views/view-engine.ts'

/**
 * Every route, tried as every kind of person and as nobody, must allow or refuse exactly as its declared policy
 * says (decideAccess). Refused means 401 or a redirect to sign in for someone not signed in, and 403 for
 * someone signed in; allowed means any other answer (a 400 for an empty form is the handler's, after access).
 * Unsafe requests carry a valid CSRF token, so that the CSRF check never stands in for access control.
 */

const trust = 'RTD'
const unsafeMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

interface Persona {
  readonly key: string
  readonly label: string
  readonly memberships?: readonly { organisationId: string; roles: readonly string[] }[]
}

interface Signed {
  browser: TestBrowser
  principal: Principal | null
}

type Outcome = 'allowed' | 'sign in' | 'refused'

describeEachIdentityApp(
  'the authorisation matrix',
  ({ engine, app }) => {
    let university: string
    const personas: Persona[] = []
    const people = new Map<string, Person>()
    const signed = new Map<string, Signed>()
    let target: Person
    const invitationIn = new Map<string, string>()
    let pathValues: Record<string, string>

    beforeAll(async () => {
      const [row] = await app().db.database.query<{ id: string }>(
        "SELECT id FROM organisations WHERE kind = 'university' ORDER BY id LIMIT 1",
      )
      university = row!.id
      personas.push(
        { key: 'anonymous', label: 'Not signed in' },
        {
          key: 'learner',
          label: 'Learner (NHS trust)',
          memberships: [{ organisationId: trust, roles: ['learner'] }],
        },
        {
          key: 'mentor',
          label: 'Mentor (NHS trust)',
          memberships: [{ organisationId: trust, roles: ['mentor'] }],
        },
        {
          key: 'academic-supervisor',
          label: 'Academic supervisor (university)',
          memberships: [{ organisationId: university, roles: ['academic-supervisor'] }],
        },
        {
          key: 'programme-lead',
          label: 'Programme lead (university)',
          memberships: [{ organisationId: university, roles: ['programme-lead'] }],
        },
        {
          key: 'employer-research-lead',
          label: 'Employer research lead (NHS trust)',
          memberships: [{ organisationId: trust, roles: ['employer-research-lead'] }],
        },
        {
          key: 'framework-admin',
          label: 'Framework admin',
          memberships: [{ organisationId: 'framework-team', roles: ['framework-admin'] }],
        },
      )
      for (const persona of personas) {
        if (persona.memberships === undefined) continue
        people.set(
          persona.key,
          await app().person({ fullName: persona.label, memberships: persona.memberships }),
        )
      }
      // Someone for the member routes to act on, in both organisations, and an open invitation in each.
      target = await app().person({
        fullName: 'Terry Target',
        memberships: [
          { organisationId: trust, roles: ['learner'] },
          { organisationId: university, roles: ['learner'] },
        ],
      })
      const memberships = createMembershipRepository(app().db.database)
      for (const organisationId of [trust, university]) {
        const id = randomUUID()
        await app().db.database.transaction((tx) =>
          memberships.insertInvitation(tx, {
            id,
            organisationId,
            email: `invited.${id.slice(0, 8)}@example.com`,
            roles: ['learner'],
            invitedBy: null,
            expiresAt: new Date(app().clock.now().getTime() + 7 * 86_400_000),
            tokenHash: digestToken(createToken()),
          }),
        )
        invitationIn.set(organisationId, id)
      }
      await app().services.mailer.send({
        to: target.email,
        subject: 'Hello',
        text: 'A message for the outbox.',
      })
      const [message] = await app().services.emailOutbox.list({ recipient: target.email, limit: 1 })
      pathValues = {
        professionId: 'nurse',
        stageId: 'early-research',
        schemeId: 'nihr-dcaf',
        funderId: 'nihr',
        providerId: 'university-of-exeter',
        programmeId: 'exeter-pgcert-leading-clinical-research-delivery',
        moduleId: 'exeter-doing-clinical-research',
        odsCode: trust,
        userId: target.id,
        id: String(message!.id),
      }
    })

    /** The persona's browser, signed in afresh whenever a request (sign out, say) ended its session. */
    async function browserOf(persona: Persona): Promise<Signed> {
      const person = people.get(persona.key)
      let current = signed.get(persona.key)
      if (person === undefined) {
        if (current === undefined) {
          current = { browser: app().browser(), principal: null }
          signed.set(persona.key, current)
        }
        return current
      }
      const token = current?.browser.sessionToken
      const principal = token === undefined ? null : await app().services.sessions.resolve(token)
      if (current === undefined || principal === null) {
        const browser = await app().signIn(person)
        current = { browser, principal: await app().services.sessions.resolve(browser.sessionToken!) }
        signed.set(persona.key, current)
      } else {
        current.principal = principal
      }
      return current
    }

    /** Puts back what an allowed unsafe request may have changed: the target's membership, the invitation. */
    async function restoreFixtures(organisationId: string) {
      await app().db.database.query(
        `INSERT INTO memberships (user_id, organisation_id, roles) VALUES ($1, $2, '{learner}')
         ON CONFLICT (user_id, organisation_id) DO UPDATE SET roles = '{learner}'`,
        [target.id, organisationId],
      )
      await app().db.database.query('UPDATE invitations SET revoked_at = NULL WHERE id = $1', [
        invitationIn.get(organisationId),
      ])
    }

    function send(browser: TestBrowser, method: string, url: string): Promise<LightMyRequestResponse> {
      const isApi = url.startsWith('/api/')
      if (!unsafeMethods.has(method)) return isApi ? browser.api('GET', url) : browser.get(url)
      return isApi ? browser.api('POST', url, {}) : browser.post(url, {})
    }

    function outcomeOf(response: LightMyRequestResponse): Outcome {
      if (response.statusCode === 401) return 'sign in'
      if (response.statusCode === 303 && String(response.headers.location).startsWith('/sign-in?next=')) {
        return 'sign in'
      }
      if (response.statusCode === 403) return 'refused'
      return 'allowed'
    }

    const expectedOutcome: Record<AccessDecision, Outcome> = {
      allow: 'allowed',
      'sign-in': 'sign in',
      forbid: 'refused',
    }

    /** Each route once, and a route for an organisation's members once at the NHS trust and once at the university. */
    function cases(routes: readonly RegisteredRoute[]) {
      return routes.flatMap((route) => {
        if (!route.url.includes(':organisationId')) return [{ route, organisationId: trust, where: '' }]
        return [
          { route, organisationId: trust, where: 'the NHS trust' },
          { route, organisationId: university, where: 'the university' },
        ]
      })
    }

    it('has an access policy on every route', () => {
      const routes = app().app.routeTable
      expect(routes.length).toBeGreaterThan(50)
      const withoutPolicy = routes.filter((route) => route.policy === undefined)
      expect(withoutPolicy.map((route) => `${route.method} ${route.url}`)).toEqual([])
      expect(routes.find((route) => route.url === '/assets/*')?.policy).toEqual({ access: 'public' })
    })

    it('allows and refuses every route for every persona exactly as its policy says', async () => {
      const rows: { route: string; where: string; policy: RoutePolicy | undefined; cells: Outcome[] }[] = []
      const mismatches: string[] = []
      for (const { route, organisationId, where } of cases(app().app.routeTable)) {
        const { url, params } = fillPath(route.url, {
          ...pathValues,
          organisationId,
          invitationId: invitationIn.get(organisationId)!,
        })
        const cells: Outcome[] = []
        for (const persona of personas) {
          if (unsafeMethods.has(route.method)) await restoreFixtures(organisationId)
          const { browser, principal } = await browserOf(persona)
          const expected = expectedOutcome[decideAccess(route.policy, principal, params)]
          const response = await send(browser, route.method, url)
          const actual = outcomeOf(response)
          cells.push(actual)
          if (actual !== expected) {
            mismatches.push(
              `${route.method} ${url} as ${persona.label}: expected ${expected}, got ${actual} (${response.statusCode})`,
            )
          }
          if (actual === 'refused' && expected === 'refused') {
            // Refused by access control, not by the CSRF check.
            expect(response.body, `${route.method} ${url} as ${persona.label}`).not.toContain(
              'This form has expired',
            )
          }
        }
        rows.push({ route: `${route.method} ${route.url}`, where, policy: route.policy, cells })
      }
      expect(mismatches).toEqual([])

      if (engine === 'pglite' && isAuthorisationDocWanted()) {
        const document = authorisationDocument(
          personas.map((persona) => persona.label),
          rows,
        )
        await writeFile(join(projectRoot, 'docs', 'authorisation.md'), document)
        console.log(document)
      }
    })
  },
  // The default app: email to the development outbox, whose pages are part of the matrix.
  { settings: { smtpUrl: undefined } },
)

function describePolicy(policy: RoutePolicy | undefined): string {
  if (policy === undefined) return 'none'
  if (policy.access !== 'role') return policy.access
  const roles = policy.roles.join(', ')
  return policy.organisationParam === undefined
    ? `role: ${roles}`
    : `role at :${policy.organisationParam}: ${roles}`
}

function authorisationDocument(
  personaLabels: readonly string[],
  rows: readonly { route: string; where: string; policy: RoutePolicy | undefined; cells: Outcome[] }[],
): string {
  const symbol: Record<Outcome, string> = { allowed: '✓', 'sign in': 'sign in', refused: '✗ 403' }
  const lines = [
    '# Who may use each route',
    '',
    'Generated by `src/authorisation-matrix.test.ts` (run it with `WRITE_AUTHORISATION_DOC=1`); do not edit by hand.',
    'The test builds the app, reads every route with its declared access policy (`app.routeTable`) and tries each',
    'one as each persona below, checking the answer against `decideAccess` in `src/platform/http/access-control.ts`.',
    '',
    '- ✓: allowed (the handler answered; an empty form gets its own 400).',
    '- sign in: not signed in, so sent to sign in (pages) or answered 401 (the API and posted forms).',
    '- ✗ 403: signed in without a role that may use it.',
    '',
    'Learner, mentor and employer research lead hold their role at an NHS trust (RTD); academic supervisor and',
    'programme lead at a university; framework admins act across every organisation. Routes for an',
    "organisation's members are tried at the NHS trust and at the university.",
    '',
    `| Route | Policy | ${personaLabels.join(' | ')} |`,
    `| --- | --- | ${personaLabels.map(() => '---').join(' | ')} |`,
    ...rows.map(
      (row) =>
        `| \`${row.route}\`${row.where === '' ? '' : ` at ${row.where}`} | ${describePolicy(row.policy)} | ${row.cells
          .map((cell) => symbol[cell])
          .join(' | ')} |`,
    ),
    '',
  ]
  return lines.join('\n')
}
