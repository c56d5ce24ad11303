import type { Page } from 'playwright-core'
import { expect } from 'vitest'
import { serviceTitle, type CheckPageState } from './journeys.ts'
import type { Mailbox } from './mailbox.ts'
import { AccountPage } from './pages/account-page.ts'
import { CheckEmailPage } from './pages/check-email-page.ts'
import { ConfirmLinkPage } from './pages/confirm-link-page.ts'
import { SignInLinkRequestPage } from './pages/email-link-request-pages.ts'
import { HomePage } from './pages/home-page.ts'
import { SignInPage } from './pages/sign-in-page.ts'
import { SignedOutPage, SignOutPage } from './pages/sign-out-page.ts'
import { SignUpPage, type NewAccount } from './pages/sign-up-page.ts'
import type { TrellisPage } from './pages/trellis-page.ts'

/**
 * The journeys of a person with an account, written once and walked with JavaScript on and off
 * (identity-journey.test.ts). As in journeys.ts, each step asserts what the person would notice and then
 * calls `check` with a label for the page state it reached, so that axe runs on every state, errors included.
 */

/** A person as the journeys know them: what they typed when they signed up, and their password now. */
export interface Person extends NewAccount {
  /** The registration number as Trellis shows it: without spaces, in capitals. */
  readonly registrationNumberShown: string
}

/** Home → "Sign in" in the header → "Create an account" → the form sent empty: every field in the summary. */
export async function signUpWithEmptyForm(page: Page, check: CheckPageState): Promise<SignUpPage> {
  const home = await HomePage.open(page)
  expect(await home.accountLinks()).toEqual(['Sign in'])
  await check('home page, signed out')

  await home.followAccountLink('Sign in')
  const signIn = await SignInPage.verifyOnPage(page)
  expect(await signIn.title()).toBe(`Sign in to Trellis ${serviceTitle}`)
  await check('sign in')

  await signIn.createAccount()
  const signUp = await SignUpPage.verifyOnPage(page)
  expect(await signUp.title()).toBe(`Create a Trellis account ${serviceTitle}`)
  expect(await signUp.professionField.inputValue()).toBe('')
  await check('create an account')

  await signUp.createAccount()
  const refused = await SignUpPage.verifyOnPage(page)
  expect(await refused.title()).toBe(`Error: Create a Trellis account ${serviceTitle}`)
  const expected = [
    { href: '#fullName', text: 'Enter your full name' },
    { href: '#email', text: 'Enter your email address' },
    { href: '#profession', text: 'Select your profession' },
    { href: '#password', text: 'Enter a password' },
    { href: '#confirmPassword', text: 'Enter the password again' },
  ]
  expect(await refused.summarisedErrors()).toEqual(expected)
  // Each field shows its own message, as a screen reader announces it.
  for (const { href, text } of expected)
    expect(await refused.fieldError(href.slice(1))).toBe(`Error: ${text}`)
  await check('create an account, sent empty')
  return refused
}

/** The form filled in properly → "Check your email" → the emailed link → confirm → signed in. */
export async function completeSignUp(
  signUp: SignUpPage,
  mailbox: Mailbox,
  person: Person,
  check: CheckPageState,
): Promise<AccountPage> {
  const { page } = signUp
  await signUp.fillIn(person)
  await signUp.createAccount()
  const checkEmail = await CheckEmailPage.verifyOnPage(page)
  expect(await checkEmail.paragraphs()).toContainEqual(expect.stringContaining(person.email))
  expect(await checkEmail.accountLinks()).toEqual(['Sign in'])
  await check('check your email, after signing up')

  await page.goto(await mailbox.linkIn(person.email, 'Confirm your email address for Trellis'))
  const confirm = await ConfirmLinkPage.verifyOnPage(
    page,
    'Confirm your email address',
    'Confirm email address',
  )
  expect(await confirm.forWhom()).toBe(`For ${person.email}.`)
  await check('confirm your email address')

  await confirm.confirm()
  const account = await AccountPage.verifyOnPage(page)
  expect(new URL(page.url()).pathname).toBe('/account')
  expect(await account.successNotice()).toBe('Your email address is confirmed.')
  expect(await account.detail('Name')).toBe(person.fullName)
  expect(await account.detail('Email address')).toBe(`${person.email} Verified NHS email`)
  expect(await account.emailTags()).toEqual(['Verified NHS email'])
  expect(await account.detail('Profession')).toBe('Nurse')
  expect(await account.detail('Registration number')).toBe(person.registrationNumberShown)
  expect(await account.organisations()).toEqual([])
  expect(await account.accountLinks()).toEqual([person.fullName, 'Research placements', 'Sign out'])
  await check('your account, just confirmed')
  return account
}

/** The header's "Sign out" → the confirmation page → its button → "You have signed out". */
export async function signOut(from: TrellisPage, check: CheckPageState): Promise<SignedOutPage> {
  await from.followAccountLink('Sign out')
  const signOutPage = await SignOutPage.verifyOnPage(from.page)
  await check('sign out')
  await signOutPage.signOut()
  const signedOut = await SignedOutPage.verifyOnPage(from.page)
  expect(await signedOut.accountLinks()).toEqual(['Sign in'])
  await check('you have signed out')
  return signedOut
}

/** From any page while signed out: "Sign in" in the header, a wrong password first, then the right one. */
export async function signInWithPassword(
  from: TrellisPage,
  person: Person,
  check: CheckPageState,
): Promise<AccountPage> {
  const { page } = from
  await from.followAccountLink('Sign in')
  const signIn = await SignInPage.verifyOnPage(page)
  await check('sign in, again')

  await signIn.signIn(person.email, `${person.password}!`)
  const refused = await SignInPage.verifyOnPage(page)
  expect(await refused.title()).toBe(`Error: Sign in to Trellis ${serviceTitle}`)
  expect(await refused.summarisedErrors()).toEqual([
    { href: '#email', text: 'The email address or password is not right' },
  ])
  expect(await refused.fieldError('email')).toBe('Error: The email address or password is not right')
  // The address is kept, the password never is.
  expect(await refused.emailField.inputValue()).toBe(person.email)
  expect(await refused.passwordField.inputValue()).toBe('')
  expect(await refused.accountLinks()).toEqual(['Sign in'])
  await check('sign in, wrong password')

  await refused.signIn(person.email, person.password)
  const account = await AccountPage.verifyOnPage(page)
  expect(await account.successNotice()).toBe('')
  expect(await account.accountLinks()).toEqual([person.fullName, 'Research placements', 'Sign out'])
  await check('your account, signed in with a password')
  return account
}

/** While signed out: "Sign in" → "Email me a link to sign in instead" → the emailed link → "Sign in". */
export async function signInWithEmailedLink(
  from: TrellisPage,
  mailbox: Mailbox,
  person: Person,
  check: CheckPageState,
): Promise<AccountPage> {
  const { page } = from
  await from.followAccountLink('Sign in')
  const signIn = await SignInPage.verifyOnPage(page)
  await signIn.askForEmailedLink()
  const request = await SignInLinkRequestPage.verifyOnPage(page)
  await check('get a link to sign in')

  await request.sendLink(person.email)
  const checkEmail = await CheckEmailPage.verifyOnPage(page)
  expect(await checkEmail.paragraphs()).toContainEqual(
    `If there is a Trellis account for ${person.email}, we have sent a link to sign in. It works once and expires in 15 minutes.`,
  )
  await check('check your email, for a link to sign in')

  await page.goto(await mailbox.linkIn(person.email, 'Your link to sign in to Trellis'))
  const confirm = await ConfirmLinkPage.verifyOnPage(page, 'Sign in with your emailed link', 'Sign in')
  expect(await confirm.forWhom()).toBe(`For ${person.email}.`)
  await check('sign in with the emailed link')

  await confirm.confirm()
  const account = await AccountPage.verifyOnPage(page)
  expect(await account.accountLinks()).toEqual([person.fullName, 'Research placements', 'Sign out'])
  await check('your account, signed in with an emailed link')
  return account
}
