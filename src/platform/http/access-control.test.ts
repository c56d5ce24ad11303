import Fastify from 'fastify'
import { describe, expect, it } from 'vitest'
import {
  decideAccess,
  publicPolicy,
  registerAccessControl,
  signedInPolicy,
  type Principal,
  type RoutePolicy,
} from './access-control.ts'

const leads: RoutePolicy = {
  access: 'role',
  roles: ['programme-lead', 'employer-research-lead', 'framework-admin'],
  organisationParam: 'organisationId',
}
const admins: RoutePolicy = { access: 'role', roles: ['framework-admin'] }

function person(memberships: Principal['memberships']): Principal {
  return { userId: 'u', displayName: 'Sam', sessionId: 's', memberships }
}

const trustLead = person([{ organisationId: 'RTD', roles: ['employer-research-lead'] }])
const trustLearner = person([{ organisationId: 'RTD', roles: ['learner', 'mentor'] }])
const admin = person([{ organisationId: 'framework-team', roles: ['framework-admin'] }])

describe('deciding access', () => {
  it('refuses a route that declares no policy, even to a framework admin', () => {
    expect(decideAccess(undefined, admin, {})).toBe('forbid')
    expect(decideAccess(undefined, null, {})).toBe('forbid')
  })

  it('lets anyone use a public route, and asks a stranger to sign in for the rest', () => {
    expect(decideAccess(publicPolicy, null, {})).toBe('allow')
    expect(decideAccess(signedInPolicy, null, {})).toBe('sign-in')
    expect(decideAccess(leads, null, { organisationId: 'RTD' })).toBe('sign-in')
    expect(decideAccess(signedInPolicy, trustLearner, {})).toBe('allow')
  })

  it('holds a role only in the organisation it was given in', () => {
    expect(decideAccess(leads, trustLead, { organisationId: 'RTD' })).toBe('allow')
    expect(decideAccess(leads, trustLead, { organisationId: 'RTH' })).toBe('forbid')
    expect(decideAccess(leads, trustLearner, { organisationId: 'RTD' })).toBe('forbid')
    expect(decideAccess(leads, trustLead, {})).toBe('forbid')
  })

  it('lets a framework admin act in every organisation, and only admins use admin routes', () => {
    expect(decideAccess(leads, admin, { organisationId: 'RTD' })).toBe('allow')
    expect(decideAccess(admins, admin, {})).toBe('allow')
    expect(decideAccess(admins, trustLead, {})).toBe('forbid')
  })
})

describe('the route table', () => {
  it('records the policy a plugin declares for its own routes after they are added', async () => {
    const app = Fastify()
    const routes = registerAccessControl(app)
    await app.register(async (plugin) => {
      plugin.addHook('onRoute', (route) => {
        route.config = { ...route.config, policy: publicPolicy }
      })
      plugin.get('/file', async () => 'ok')
    })
    app.get('/undeclared', async () => 'never')
    await app.ready()
    expect(routes).toEqual([
      { method: 'GET', url: '/file', policy: publicPolicy },
      { method: 'GET', url: '/undeclared', policy: undefined },
    ])
    expect((await app.inject('/file')).statusCode).toBe(200)
    expect((await app.inject('/undeclared')).statusCode).toBe(403)
    await app.close()
  })
})
