import { expect, it } from 'vitest'
import { parsePage } from '../../../test/support/html.ts'
import {
  describeEachIdentityApp,
  signUpFields,
  startAnotherInstance,
  testPassword,
  uniqueEmail,
  type TestBrowser,
} from '../../../test/support/identity.ts'

type Response = Awaited<ReturnType<TestBrowser['post']>>

/** The "Wait N minutes" a refused attempt shows, checked against its Retry-After header. */
function expectTooMany(response: Response, what: string): number {
  expect(response.statusCode).toBe(429)
  const page = parsePage(response.body)
  expect(page.h1).toBe('Too many attempts')
  const match = new RegExp(
    `There have been too many ${what}\\. Wait (\\d+) minutes?, then try again\\.`,
  ).exec(page.mainText)
  expect(match, page.mainText).not.toBeNull()
  const minutes = Number(match![1])
  const retryAfter = Number(response.headers['retry-after'])
  expect(Number.isInteger(retryAfter)).toBe(true)
  expect(retryAfter).toBeGreaterThan(0)
  expect(Math.ceil(retryAfter / 60)).toBe(minutes)
  return minutes
}

describeEachIdentityApp('rate limits', ({ app }) => {
  /** Moves the clock to just after a window starts, so that no window ends in the middle of a test. */
  function startOfWindow(minutes: number) {
    const length = minutes * 60_000
    app().clock.advance(length - (app().clock.now().getTime() % length) + 1_000)
  }

  it('refuses an account’s 11th sign-in attempt in 15 minutes, even with the right password, and says how long to wait', async () => {
    startOfWindow(15)
    const person = await app().person()
    for (let attempt = 1; attempt <= 10; attempt++) {
      const response = await app()
        .browser()
        .post('/sign-in', { email: person.email, password: `wrong ${attempt}` })
      expect(response.statusCode, `attempt ${attempt}`).toBe(400)
    }
    const browser = app().browser()
    const refused = await browser.post('/sign-in', { email: person.email, password: testPassword })
    expect(expectTooMany(refused, 'sign-in attempts')).toBe(15)
    expect(browser.sessionToken).toBeUndefined()
    // The address is counted however it is written.
    expectTooMany(
      await app()
        .browser()
        .post('/sign-in', { email: ` ${person.email.toUpperCase()} `, password: testPassword }),
      'sign-in attempts',
    )

    app().clock.advanceMinutes(15)
    expect((await browser.post('/sign-in', { email: person.email, password: testPassword })).statusCode).toBe(
      303,
    )
  })

  it('refuses the 101st sign-in attempt from one address in 15 minutes, whichever accounts it tries', async () => {
    startOfWindow(15)
    const browser = app().browser()
    const token = await browser.csrfToken()
    for (let batch = 0; batch < 5; batch++) {
      const responses = await Promise.all(
        Array.from({ length: 20 }, (_, index) =>
          browser.post(
            '/sign-in',
            { email: uniqueEmail(`guess${index}`), password: 'guess' },
            { csrf: token },
          ),
        ),
      )
      expect(responses.map((response) => response.statusCode)).toEqual(Array(20).fill(400))
    }
    const person = await app().person()
    expectTooMany(
      await browser.post('/sign-in', { email: person.email, password: testPassword }),
      'sign-in attempts from your network',
    )
    // Someone else, elsewhere, is not held up.
    expect(
      (await app().browser().post('/sign-in', { email: person.email, password: testPassword })).statusCode,
    ).toBe(303)
  })

  it('counts attempts on every app instance together', async () => {
    startOfWindow(15)
    const other = await startAnotherInstance(app())
    try {
      const person = await app().person()
      const browser = app().browser()
      const elsewhere = browser.via(other.app)
      for (let attempt = 1; attempt <= 10; attempt++) {
        const instance = attempt % 2 === 0 ? browser : elsewhere
        expect((await instance.post('/sign-in', { email: person.email, password: 'wrong' })).statusCode).toBe(
          400,
        )
      }
      expectTooMany(
        await elsewhere.post('/sign-in', { email: person.email, password: testPassword }),
        'sign-in attempts',
      )
      expectTooMany(
        await browser.post('/sign-in', { email: person.email, password: testPassword }),
        'sign-in attempts',
      )
    } finally {
      await other.close()
    }
  })

  it('sends at most 5 emailed links an hour for one account', async () => {
    startOfWindow(60)
    const person = await app().person()
    for (let request = 1; request <= 5; request++) {
      expect((await app().browser().post('/password-reset', { email: person.email })).statusCode).toBe(200)
    }
    expectTooMany(
      await app().browser().post('/sign-in/email', { email: person.email }),
      'requests for emailed links',
    )
    await expect.poll(() => app().mail.allTo(person.email).length).toBe(5)
  })

  it('creates at most 10 accounts an hour from one address, and writes nothing for the 11th', async () => {
    startOfWindow(60)
    const browser = app().browser()
    for (let account = 1; account <= 10; account++) {
      const response = await browser.post('/sign-up', signUpFields(uniqueEmail(`new${account}`)))
      expect(response.statusCode).toBe(303)
    }
    const eleventh = uniqueEmail('eleventh')
    expectTooMany(
      await browser.post('/sign-up', signUpFields(eleventh)),
      'accounts created from your network',
    )
    expect(app().mail.allTo(eleventh)).toEqual([])
    // Another address can still sign up.
    expect(
      (
        await app()
          .browser()
          .post('/sign-up', signUpFields(uniqueEmail('elsewhere')))
      ).statusCode,
    ).toBe(303)
  })
})
