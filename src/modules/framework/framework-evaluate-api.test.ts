import Fastify from 'fastify'
import { describe, expect, it } from 'vitest'
import { describeEachApp } from '../../../test/support/each-engine.ts'
import { parsePage } from '../../../test/support/html.ts'
import { signedInPolicy } from '../../platform/http/access-control.ts'
import { ApiRegistry, defineApiRoute, formatFieldPath } from '../../platform/http/api-routes.ts'
import { z } from 'zod'

const exeterCertificate = [
  ['EXE-ILR', 'Integrity and Leadership in Research', 'online'],
  ['EXE-DCR', 'Doing Clinical Research', 'online'],
  ['EXE-STA', 'Statistics', 'online'],
  ['EXE-RPE', 'Research Practice Experience', 'rpe'],
].map(([code, title, kind]) => ({
  code,
  title,
  kind,
  credits: 15,
  level: 7,
  result: 'pass',
  provider: 'University of Exeter',
}))

describe('API routes that need no CSRF token', () => {
  it('may only be public: a route that knows who is asking is refused at start-up', () => {
    const route = defineApiRoute({
      method: 'POST',
      url: '/api/v1/example',
      operationId: 'example',
      summary: 'An example',
      tag: 'Example',
      response: z.object({}),
      policy: signedInPolicy,
      csrf: 'not-needed',
      handler: async () => ({}),
    })
    expect(() => new ApiRegistry().register(Fastify(), [route])).toThrow(
      'POST /api/v1/example: only public routes may go without CSRF protection',
    )
  })

  it('name each field as an integrator writes it', () => {
    expect(formatFieldPath(['modules', 2, 'credits'])).toBe('modules[2].credits')
    expect(formatFieldPath(['award'])).toBe('award')
    expect(formatFieldPath([])).toBe('body')
  })
})

describeEachApp('the credit rules API and the programme pages', ({ app }) => {
  /** As an integrator calls it: JSON, no cookie, no CSRF token. */
  const post = (url: string, body: unknown) =>
    app().app.inject({
      method: 'POST',
      url,
      payload: JSON.stringify(body),
      headers: { 'content-type': 'application/json' },
    })

  it('evaluates a learner record sent without any cookie or CSRF token', async () => {
    const response = await post('/api/v1/framework/evaluate', {
      modules: exeterCertificate,
      priorLearning: [
        { credits: 15, counts_as: 'online', status: 'pending', provider: 'University of Sheffield' },
      ],
    })
    expect(response.statusCode).toBe(200)
    expect(response.headers['set-cookie']).toBeUndefined()
    expect(response.headers['cache-control']).toBe('no-store')
    const body = response.json()
    expect(body).toMatchObject({
      achieved: ['pgcert'],
      creditsCounted: 60,
      level7Credits: 60,
      nextLevel: {
        id: 'pgdip',
        eligible: true,
        missing: [
          'one Research Practice Experience module and two online modules, 60 credits in all',
          'at least 30 of the new credits at level 7',
        ],
      },
    })
    expect(body.roles.map((role: { id: string }) => role.id)).toContain('local-co-investigator')
    expect(body.problems).toEqual([
      'Prior learning from University of Sheffield (15 credits, in place of an online module) is waiting for ' +
        'approval, so it does not count yet.',
    ])
  })

  it('ignores a browser’s cookies and missing token too: it changes nothing and reads no session', async () => {
    const browser = await app().app.inject({ method: 'GET', url: '/sign-up' })
    const cookie = browser.cookies.find((c: { name: string }) => c.name === 'trellis_csrf')
    expect(cookie).toBeDefined()
    const response = await app().app.inject({
      method: 'POST',
      url: '/api/v1/framework/evaluate',
      payload: { modules: exeterCertificate },
      cookies: { trellis_csrf: cookie!.value },
    })
    expect(response.statusCode).toBe(200)
  })

  it('still refuses a posted form without its token: the exemption is only for these routes', async () => {
    const response = await app().app.inject({
      method: 'POST',
      url: '/sign-up',
      payload: 'email=someone%40example.com',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    })
    expect(response.statusCode).toBe(403)
    expect(response.body).toContain('This form has expired')
  })

  it('answers a bad record with a 400 problem naming each field at fault', async () => {
    const response = await post('/api/v1/framework/evaluate', {
      modules: [
        exeterCertificate[0],
        { ...exeterCertificate[1], credits: -15 },
        { ...exeterCertificate[2], credits: 'fifteen', kind: 'lecture' },
        { ...exeterCertificate[3], result: 'passed', level: 9 },
        { ...exeterCertificate[0], title: 'The same module again' },
      ],
      priorLearning: [{ credits: 15, countsAs: 'online', status: 'approved', provider: 'Leeds' }],
    })
    expect(response.statusCode).toBe(400)
    expect(response.headers['content-type']).toContain('application/problem+json')
    expect(response.json()['invalid-params']).toEqual([
      { name: 'modules[1].credits', reason: 'must be at least 1 credit' },
      { name: 'modules[2].kind', reason: 'must be "online", "rpe" or "dissertation"' },
      { name: 'modules[2].credits', reason: 'must be a number of credits' },
      { name: 'modules[3].level', reason: 'must be a level from 3 to 8' },
      { name: 'modules[3].result', reason: 'must be "pass", "fail" or "in-progress"' },
      {
        name: 'modules[4].code',
        reason: 'repeats modules[0]: the same code and provider; list each module once',
      },
      { name: 'priorLearning[0].counts_as', reason: 'must be "online" or "rpe"' },
      { name: 'priorLearning[0].countsAs', reason: 'is not a field here' },
    ])
    const notAnObject = await post('/api/v1/framework/evaluate', [exeterCertificate])
    expect(notAnObject.json()['invalid-params']).toEqual([{ name: 'body', reason: 'must be a JSON object' }])
  })

  it('checks a programme against the framework and names what breaks the rules', async () => {
    const module = (name: string, kind: string, credits: number, level = 7) => ({
      name,
      kind,
      credits,
      level,
    })
    const aligned = await post('/api/v1/framework/check-programme', {
      award: 'pgdip',
      compulsory: [module('Research Practice Experience 2', 'rpe', 30)],
      options: [
        {
          choose: 2,
          modules: [module('Clinical Trials', 'online', 15), module('Health Economics', 'online', 15)],
        },
      ],
    })
    expect(aligned.statusCode).toBe(200)
    expect(aligned.json()).toEqual({
      aligned: true,
      status: 'aligned',
      summary: 'aligned with the framework',
      violations: [],
      unknowns: [],
    })
    const broken = await post('/api/v1/framework/check-programme', {
      award: 'pgdip',
      compulsory: [module('Research Practice Experience 2', 'rpe', 30, 6)],
      options: [
        { choose: 2, modules: [module('Clinical Trials', 'online', 15), module('Leadership', 'online', 20)] },
      ],
    })
    expect(broken.json()).toMatchObject({ aligned: false, status: 'not-aligned' })
    expect(broken.json().violations).toEqual([
      "The programme's modules make 65 credits in all, but the Postgraduate Diploma adds 60.",
      "Only 35 of the programme's credits are at level 7, but the Postgraduate Diploma needs at least 50 of its " +
        '60 credits at level 7 (its share of the 90 level-7 credits the award needs in all).',
    ])
  })

  it('needs every credit and level of a programme, and a level of the framework', async () => {
    const response = await post('/api/v1/framework/check-programme', {
      award: 'pgcert',
      compulsory: [{ name: 'Research Delivery in Practice', kind: 'rpe', credits: null, level: 7 }],
      options: [{ choose: 1, modules: [{ name: 'Statistics', kind: 'online', credits: 15 }] }],
    })
    expect(response.statusCode).toBe(400)
    expect(response.json()['invalid-params'].map((param: { name: string }) => param.name)).toEqual([
      'compulsory[0].credits',
      'options[0].modules[0].level',
    ])
    const unknownAward = await post('/api/v1/framework/check-programme', { award: 'mres', compulsory: [] })
    expect(unknownAward.statusCode).toBe(400)
    expect(unknownAward.json()['invalid-params']).toEqual([
      { name: 'award', reason: 'must be the id of a framework level: pgcert, pgdip, masters' },
    ])
  })

  it('describes both calculations in OpenAPI, with their bodies and no session', async () => {
    const document = (await app().app.inject({ method: 'GET', url: '/api/openapi.json' })).json()
    for (const path of ['/api/v1/framework/evaluate', '/api/v1/framework/check-programme']) {
      const operation = document.paths[path].post
      expect(operation.requestBody.content['application/json'].schema).toBeDefined()
      expect(operation.security).toBeUndefined()
      expect(operation.responses['400']).toBeDefined()
    }
    const evaluate = document.paths['/api/v1/framework/evaluate'].post
    expect(Object.keys(evaluate.requestBody.content['application/json'].schema.properties)).toEqual([
      'modules',
      'priorLearning',
    ])
  })

  it('shows each catalogue programme’s alignment with its reasons', async () => {
    const kings = parsePage(
      (await app().app.inject({ method: 'GET', url: '/framework/programmes/kcl-pgdip-clinician-researcher' }))
        .body,
    )
    expect(kings.root.querySelector('main .nhsuk-tag')?.text.trim()).toBe('Cannot be checked')
    const inset = kings.root.querySelector('main .nhsuk-inset-text')!.text.replace(/\s+/g, ' ')
    expect(inset).toContain('Cannot be checked: levels not stated.')
    expect(inset).toContain('Level not stated: Research Practice Experience 2')
    expect(inset).toContain('at least 50 of those credits at level 7')

    const newcastle = parsePage(
      (
        await app().app.inject({
          method: 'GET',
          url: '/framework/programmes/newcastle-pgcert-clinician-researcher',
        })
      ).body,
    )
    expect(newcastle.mainText).toContain('Credits unknown: Research Delivery in Practice')
    expect(newcastle.root.querySelector('main .nhsuk-tag--grey')).not.toBeNull()
  })
})
