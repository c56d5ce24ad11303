import type { FastifyInstance, FastifyReply } from 'fastify'
import { z } from 'zod'
import { publicPolicy, signedInPolicy } from '../../platform/http/access-control.ts'
import { errorsByField, parseForm, type FieldError } from '../../platform/http/forms.ts'
import { parseParameters } from '../../platform/http/query-parameters.ts'
import { requestContextOf } from '../../platform/http/request-context.ts'
import type { CatalogueService } from '../catalogue/index.ts'
import type { AccountService, LinkState, StartedSession } from './account-service.ts'
import {
  changeEmailForm,
  changePasswordForm,
  closeAccountForm,
  detailsForm,
  emailOnlyForm,
  newPasswordForm,
  nextQuery,
  signInForm,
  signUpForm,
  tokenQuery,
} from './identity-schemas.ts'
import type { MembershipService } from './membership-service.ts'
import { roleLabels } from './membership.ts'
import { clearSessionCookie, setSessionCookie, type SessionCookieSettings } from './session-http.ts'

export interface AccountPagesDependencies {
  readonly accounts: AccountService
  readonly memberships: MembershipService
  readonly catalogue: Pick<CatalogueService, 'listProfessions' | 'listProfessionGroups'>
  readonly cookie: SessionCookieSettings
  readonly oidcProviders: readonly { readonly id: string; readonly name: string }[]
}

const publicRoute = { config: { policy: publicPolicy } }
const checkEmailQuery = z.strictObject({
  email: z.string().max(254).optional(),
  sent: z.literal('1').optional(),
})
const signedInRoute = { config: { policy: signedInPolicy } }

/** Pages to create an account, sign in and out, confirm an address, reset a password, and look after an account. */
export function registerAccountPages(app: FastifyInstance, deps: AccountPagesDependencies): void {
  const { accounts, cookie } = deps

  const professionOptions = async (selected?: unknown) => {
    const [groups, professions] = await Promise.all([
      deps.catalogue.listProfessionGroups(),
      deps.catalogue.listProfessions(),
    ])
    return [
      { value: '', text: 'Select your profession' },
      ...groups.flatMap((group) =>
        professions
          .filter((p) => p.groupId === group.id)
          .map((p) => ({ value: p.id, text: `${p.name} (${group.name})`, selected: p.id === selected })),
      ),
    ]
  }

  const showForm = (
    reply: FastifyReply,
    template: string,
    model: Record<string, unknown>,
    errors: readonly FieldError[] = [],
  ) =>
    reply.code(errors.length > 0 ? 400 : 200).view(`identity/views/${template}.njk`, {
      ...model,
      errors: errors.map((error) => ({ text: error.message, href: `#${error.field}` })),
      fieldErrors: errorsByField(errors),
    })

  const signIn = (reply: FastifyReply, session: StartedSession, next = '/account') => {
    setSessionCookie(reply, session.token, cookie)
    return reply.redirect(next, 303)
  }

  const linkProblem = (
    reply: FastifyReply,
    state: Exclude<LinkState, { state: 'valid' }>,
    kind: 'sign-in' | 'verify' | 'reset',
  ) =>
    reply.code(state.state === 'unknown' ? 404 : 410).view('identity/views/link-problem.njk', {
      pageTitle:
        state.state === 'expired'
          ? 'This link has expired'
          : state.state === 'used'
            ? 'This link has already been used'
            : 'This link does not work',
      state: state.state,
      kind,
    })

  // Creating an account -------------------------------------------------------------------------------

  app.get('/sign-up', publicRoute, async (_request, reply) =>
    showForm(reply, 'sign-up', {
      pageTitle: 'Create a Trellis account',
      values: {},
      professions: await professionOptions(),
    }),
  )

  app.post('/sign-up', publicRoute, async (request, reply) => {
    const form = parseForm(signUpForm, request.body)
    const result = form.ok ? await accounts.signUp(form.data, requestContextOf(request)) : form
    if (!result.ok) {
      const values = form.ok ? { ...form.data, password: undefined, confirmPassword: undefined } : form.values
      return showForm(
        reply,
        'sign-up',
        {
          pageTitle: 'Create a Trellis account',
          values,
          professions: await professionOptions(values.profession),
        },
        result.errors,
      )
    }
    return reply.redirect(
      `/sign-up/check-email?email=${encodeURIComponent(form.ok ? form.data.email : '')}`,
      303,
    )
  })

  app.get('/sign-up/check-email', publicRoute, async (request, reply) => {
    const query = parseParameters(checkEmailQuery, request.query, 'query')
    return reply.view('identity/views/check-email.njk', {
      pageTitle: 'Check your email',
      email: query.email ?? '',
      purpose: 'verify',
      resent: query.sent === '1',
    })
  })

  app.post('/sign-up/resend', publicRoute, async (request, reply) => {
    const form = parseForm(emailOnlyForm, request.body)
    if (form.ok) await accounts.resendVerification(form.data.email, requestContextOf(request))
    return reply.redirect(
      `/sign-up/check-email?email=${encodeURIComponent(form.ok ? form.data.email : '')}&sent=1`,
      303,
    )
  })

  // Confirming an address (new accounts and changed addresses) ----------------------------------------

  app.get('/verify-email', publicRoute, async (request, reply) => {
    const { token } = parseParameters(tokenQuery, request.query, 'query')
    const state = await accounts.inspectLink(token, ['verify-email', 'change-email'])
    if (state.state !== 'valid') return linkProblem(reply, state, 'verify')
    return reply.view('identity/views/confirm-link.njk', {
      pageTitle: 'Confirm your email address',
      action: '/verify-email',
      token,
      email: state.email,
      buttonText: 'Confirm email address',
    })
  })

  app.post('/verify-email', publicRoute, async (request, reply) => {
    const { token } = parseParameters(
      tokenQuery,
      { token: (request.body as { token?: unknown })?.token },
      'query',
    )
    const result = await accounts.useEmailLink(
      token,
      ['verify-email', 'change-email'],
      requestContextOf(request),
    )
    if ('state' in result)
      return result.state === 'valid' ? reply.redirect('/sign-in', 303) : linkProblem(reply, result, 'verify')
    return signIn(reply, result, '/account?confirmed=1')
  })

  // Signing in ----------------------------------------------------------------------------------------

  app.get('/sign-in', publicRoute, async (request, reply) => {
    const { next } = parseParameters(nextQuery, request.query, 'query')
    if (request.principal !== null) return reply.redirect(next ?? '/account', 303)
    return showForm(reply, 'sign-in', {
      pageTitle: 'Sign in to Trellis',
      values: {},
      next,
      providers: deps.oidcProviders,
    })
  })

  app.post('/sign-in', publicRoute, async (request, reply) => {
    const { next } = parseParameters(nextQuery, { next: (request.body as { next?: unknown })?.next }, 'query')
    const form = parseForm(signInForm, request.body)
    const result = form.ok
      ? await accounts.signInWithPassword(form.data.email, form.data.password, requestContextOf(request))
      : form
    if (!result.ok) {
      const values = form.ok ? { email: form.data.email } : form.values
      return showForm(
        reply,
        'sign-in',
        { pageTitle: 'Sign in to Trellis', values, next, providers: deps.oidcProviders },
        result.errors,
      )
    }
    return signIn(reply, result.value, next)
  })

  app.get('/sign-in/email', publicRoute, async (_request, reply) =>
    showForm(reply, 'sign-in-email', { pageTitle: 'Get a link to sign in', values: {} }),
  )

  app.post('/sign-in/email', publicRoute, async (request, reply) => {
    const form = parseForm(emailOnlyForm, request.body)
    if (!form.ok)
      return showForm(
        reply,
        'sign-in-email',
        { pageTitle: 'Get a link to sign in', values: form.values },
        form.errors,
      )
    await accounts.requestSignInLink(form.data.email, requestContextOf(request))
    return reply.view('identity/views/check-email.njk', {
      pageTitle: 'Check your email',
      email: form.data.email,
      purpose: 'sign-in',
    })
  })

  app.get('/sign-in/link', publicRoute, async (request, reply) => {
    const { token } = parseParameters(tokenQuery, request.query, 'query')
    const state = await accounts.inspectLink(token, ['sign-in'])
    if (state.state !== 'valid') return linkProblem(reply, state, 'sign-in')
    return reply.view('identity/views/confirm-link.njk', {
      pageTitle: 'Sign in with your emailed link',
      action: '/sign-in/link',
      token,
      email: state.email,
      buttonText: 'Sign in',
    })
  })

  app.post('/sign-in/link', publicRoute, async (request, reply) => {
    const { token } = parseParameters(
      tokenQuery,
      { token: (request.body as { token?: unknown })?.token },
      'query',
    )
    const result = await accounts.useEmailLink(token, ['sign-in'], requestContextOf(request))
    if ('state' in result)
      return linkProblem(reply, result as Exclude<LinkState, { state: 'valid' }>, 'sign-in')
    return signIn(reply, result)
  })

  // Forgotten passwords -------------------------------------------------------------------------------

  app.get('/password-reset', publicRoute, async (_request, reply) =>
    showForm(reply, 'password-reset', { pageTitle: 'Reset your password', values: {} }),
  )

  app.post('/password-reset', publicRoute, async (request, reply) => {
    const form = parseForm(emailOnlyForm, request.body)
    if (!form.ok)
      return showForm(
        reply,
        'password-reset',
        { pageTitle: 'Reset your password', values: form.values },
        form.errors,
      )
    await accounts.requestPasswordReset(form.data.email, requestContextOf(request))
    return reply.view('identity/views/check-email.njk', {
      pageTitle: 'Check your email',
      email: form.data.email,
      purpose: 'reset',
    })
  })

  app.get('/password-reset/new', publicRoute, async (request, reply) => {
    const { token } = parseParameters(tokenQuery, request.query, 'query')
    const state = await accounts.inspectLink(token, ['reset-password'])
    if (state.state !== 'valid') return linkProblem(reply, state, 'reset')
    return showForm(reply, 'new-password', { pageTitle: 'Choose a new password', token, email: state.email })
  })

  app.post('/password-reset/new', publicRoute, async (request, reply) => {
    const { token } = parseParameters(
      tokenQuery,
      { token: (request.body as { token?: unknown })?.token },
      'query',
    )
    const form = parseForm(newPasswordForm, request.body)
    if (!form.ok)
      return showForm(reply, 'new-password', { pageTitle: 'Choose a new password', token }, form.errors)
    const result = await accounts.resetPassword(
      token,
      form.data.password,
      form.data.confirmPassword,
      requestContextOf(request),
    )
    if ('state' in result)
      return linkProblem(reply, result as Exclude<LinkState, { state: 'valid' }>, 'reset')
    if (!result.ok)
      return showForm(reply, 'new-password', { pageTitle: 'Choose a new password', token }, result.errors)
    return signIn(reply, result.value, '/account?password=changed')
  })

  // Signing out ---------------------------------------------------------------------------------------

  app.get('/sign-out', signedInRoute, async (_request, reply) =>
    reply.view('identity/views/sign-out.njk', { pageTitle: 'Sign out' }),
  )

  app.post('/sign-out', signedInRoute, async (request, reply) => {
    const principal = request.principal!
    const method = await accounts.signOut(principal.sessionId, principal.userId, requestContextOf(request))
    clearSessionCookie(reply, cookie)
    // Signing out of Trellis does not sign the person out of their organisation's account: the page says so.
    return reply.redirect(method === 'oidc' ? '/signed-out?from=organisation' : '/signed-out', 303)
  })

  app.get('/signed-out', publicRoute, async (request, reply) =>
    reply.view('identity/views/signed-out.njk', {
      pageTitle: 'You have signed out',
      fromOrganisation: (request.query as Record<string, unknown>).from === 'organisation',
    }),
  )

  // The account ---------------------------------------------------------------------------------------

  app.get('/account', signedInRoute, async (request, reply) => {
    const principal = request.principal!
    const [user, memberships, professions] = await Promise.all([
      accounts.findUser(principal.userId),
      deps.memberships.listForUser(principal.userId),
      deps.catalogue.listProfessions(),
    ])
    const query = request.query as Record<string, unknown>
    const joined = memberships.find((m) => m.organisation.id === query.joined)
    return reply.view('identity/views/account.njk', {
      pageTitle: 'Your account',
      user,
      profession: professions.find((p) => p.id === user?.professionId) ?? null,
      memberships: memberships.map((m) => ({
        ...m,
        roleNames: m.roles.map((role) => roleLabels[role]),
        // A university's programme leads and academic supervisors look after its learners' records.
        mayListLearners:
          m.organisation.kind === 'university' &&
          m.roles.some((role) => role === 'programme-lead' || role === 'academic-supervisor'),
      })),
      notice:
        query.confirmed === '1'
          ? 'Your email address is confirmed.'
          : query.password === 'changed'
            ? 'Your password has been changed. You have been signed out on every other device.'
            : query.email === 'sent'
              ? 'Check your new email address: we sent a link to confirm it. Your old address stays in use until then.'
              : query.everywhere === '1'
                ? 'You have been signed out on every other device.'
                : query.details === 'saved'
                  ? 'Your details have been saved.'
                  : joined !== undefined
                    ? `You have joined ${joined.organisation.name}.`
                    : null,
    })
  })

  app.get('/account/details', signedInRoute, async (request, reply) => {
    const user = await accounts.findUser(request.principal!.userId)
    return showForm(reply, 'account-details', {
      pageTitle: 'Change your details',
      values: {
        fullName: user?.fullName,
        registrationNumber: user?.registrationNumber,
        profession: user?.professionId,
      },
      professions: await professionOptions(user?.professionId),
    })
  })

  app.post('/account/details', signedInRoute, async (request, reply) => {
    const form = parseForm(detailsForm, request.body)
    const result = form.ok
      ? await accounts.updateDetails(request.principal!.userId, form.data, requestContextOf(request))
      : form
    if (!result.ok) {
      const values = form.ok ? form.data : form.values
      return showForm(
        reply,
        'account-details',
        { pageTitle: 'Change your details', values, professions: await professionOptions(values.profession) },
        result.errors,
      )
    }
    return reply.redirect('/account?details=saved', 303)
  })

  app.get('/account/password', signedInRoute, async (request, reply) => {
    const user = await accounts.findUser(request.principal!.userId)
    return showForm(reply, 'change-password', {
      pageTitle: 'Change your password',
      hasPassword: user?.hasPassword,
    })
  })

  app.post('/account/password', signedInRoute, async (request, reply) => {
    const user = await accounts.findUser(request.principal!.userId)
    const form = parseForm(
      user?.hasPassword === false
        ? newPasswordForm.extend({ currentPassword: changePasswordForm.shape.currentPassword.optional() })
        : changePasswordForm,
      request.body,
    )
    const result = form.ok
      ? await accounts.changePassword(
          request.principal!.userId,
          form.data.currentPassword ?? '',
          form.data.password,
          form.data.confirmPassword,
          requestContextOf(request),
        )
      : form
    if (!result.ok)
      return showForm(
        reply,
        'change-password',
        { pageTitle: 'Change your password', hasPassword: user?.hasPassword },
        result.errors,
      )
    return signIn(reply, result.value, '/account?password=changed')
  })

  app.get('/account/email', signedInRoute, async (request, reply) => {
    const user = await accounts.findUser(request.principal!.userId)
    return showForm(reply, 'change-email', { pageTitle: 'Change your email address', user, values: {} })
  })

  app.post('/account/email', signedInRoute, async (request, reply) => {
    const user = await accounts.findUser(request.principal!.userId)
    const form = parseForm(changeEmailForm, request.body)
    const result = form.ok
      ? await accounts.requestEmailChange(
          request.principal!.userId,
          form.data.email,
          form.data.currentPassword,
          requestContextOf(request),
        )
      : form
    if (!result.ok) {
      return showForm(
        reply,
        'change-email',
        {
          pageTitle: 'Change your email address',
          user,
          values: form.ok ? { email: form.data.email } : form.values,
        },
        result.errors,
      )
    }
    return reply.redirect('/account?email=sent', 303)
  })

  app.post('/account/sign-out-everywhere', signedInRoute, async (request, reply) => {
    const principal = request.principal!
    const context = requestContextOf(request)
    // Everywhere includes here: this browser continues on a new session.
    const session = await accounts.signOutEverywhere(principal.userId, principal.sessionId, context)
    return signIn(reply, session, '/account?everywhere=1')
  })

  app.get('/account/data', signedInRoute, async (request, reply) => {
    const data = await accounts.exportPersonalData(request.principal!.userId, requestContextOf(request))
    return reply
      .header('content-disposition', 'attachment; filename="trellis-my-data.json"')
      .header('cache-control', 'no-store')
      .type('application/json; charset=utf-8')
      .send(JSON.stringify(data, null, 2))
  })

  app.get('/account/close', signedInRoute, async (request, reply) => {
    const user = await accounts.findUser(request.principal!.userId)
    return showForm(reply, 'close-account', { pageTitle: 'Close your account', user })
  })

  app.post('/account/close', signedInRoute, async (request, reply) => {
    const user = await accounts.findUser(request.principal!.userId)
    const form = parseForm(closeAccountForm, request.body)
    const result = form.ok
      ? await accounts.closeAccount(
          request.principal!.userId,
          form.data.currentPassword,
          requestContextOf(request),
        )
      : form
    if (!result.ok)
      return showForm(reply, 'close-account', { pageTitle: 'Close your account', user }, result.errors)
    clearSessionCookie(reply, cookie)
    return reply.redirect('/account-closed', 303)
  })

  app.get('/account-closed', publicRoute, async (_request, reply) =>
    reply.view('identity/views/account-closed.njk', { pageTitle: 'Your account is closed' }),
  )
}
