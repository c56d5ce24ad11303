import { describe, expect, it } from 'vitest'
import { checkRegistrationNumber, findPasswordProblem, isNhsEmailDomain, normaliseEmail } from './account.ts'

describe('NHS email addresses', () => {
  it.each([
    ['asha.patel@nhs.net', true],
    ['Asha.Patel@NHS.NET ', true],
    ['sam@mft.nhs.uk', true],
    ['sam@nihr.ac.uk', true],
    ['sam@crn.nihr.ac.uk', true],
    ['sam@nhs.uk.example.com', false],
    ['sam@notnhs.net', false],
    ['sam@fakenhs.uk', false],
    ['sam@gmail.com', false],
    ['nhs.net@gmail.com', false],
  ])('%s is an NHS address: %s', (email, expected) => {
    expect(isNhsEmailDomain(email)).toBe(expected)
  })

  it('compares addresses without case or surrounding space', () => {
    expect(normaliseEmail('  Asha.Patel@NHS.net ')).toBe('asha.patel@nhs.net')
  })
})

describe('registration numbers', () => {
  const nmc = [
    {
      regulator: 'nmc',
      format: '2 digits, a letter, 4 digits and a letter',
      pattern: '^\\d{2}[A-Z]\\d{4}[A-Z]$',
    },
  ]
  const unknown = [{ regulator: 'psni', format: 'Not known', pattern: null }]
  type Formats = Parameters<typeof checkRegistrationNumber>[0]

  it('accepts a number in the regulator’s format, in capitals and without spaces', () => {
    expect(checkRegistrationNumber(nmc as unknown as Formats, ' 71a 2998e ')).toEqual({
      ok: true,
      normalised: '71A2998E',
    })
  })

  it('refuses a number in another format, saying what the format is', () => {
    expect(checkRegistrationNumber(nmc as unknown as Formats, '12345')).toEqual({
      ok: false,
      message: 'Enter a registration number in the right format: 2 digits, a letter, 4 digits and a letter',
    })
  })

  it('accepts what is typed when the format is not known, or one of the regulators’ formats is not', () => {
    expect(checkRegistrationNumber(unknown as unknown as Formats, 'as on my card')).toEqual({
      ok: true,
      normalised: 'ASONMYCARD',
    })
    expect(checkRegistrationNumber([...nmc, ...unknown] as unknown as Formats, 'X1')).toMatchObject({
      ok: true,
    })
    expect(checkRegistrationNumber([], 'anything')).toMatchObject({ ok: true })
  })

  it('needs a number, of at most 30 characters', () => {
    expect(checkRegistrationNumber(unknown as unknown as Formats, '  ')).toEqual({
      ok: false,
      message: 'Enter your professional registration number',
    })
    expect(checkRegistrationNumber(unknown as unknown as Formats, 'X'.repeat(31))).toMatchObject({
      ok: false,
    })
  })
})

describe('password rules', () => {
  const person = { email: 'casey.lee@nhs.net', fullName: 'Casey Lee' }

  it.each([
    ['eleven char', 'Password must be 12 characters or more'],
    ['x'.repeat(129), 'Password must be 128 characters or fewer'],
    ['Password1234', 'Choose a password that is harder to guess'],
    ['aaaaaaaaaaaaaaaa', 'Choose a password that is harder to guess'],
    ['my CASEY.LEE password', 'Password must not contain your email address'],
  ])('refuses %s', (password, problem) => {
    expect(findPasswordProblem(password, person)).toBe(problem)
  })

  it('accepts a long password with no composition rules', () => {
    expect(findPasswordProblem('plum tractor velvet ocean', person)).toBeNull()
    expect(findPasswordProblem('twelve chars', person)).toBeNull()
  })
})
