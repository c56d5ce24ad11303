import { z } from 'zod'
import { roleNames } from './membership.ts'

/**
 * Forms and JSON bodies of the identity module: one schema per shape, with messages in the NHS style ("Enter
 * your …"). Passwords are checked further by findPasswordProblem, registration numbers against the profession.
 */

const email = z
  .string({ error: 'Enter your email address' })
  .trim()
  .min(1, 'Enter your email address')
  .max(254, 'Email address must be 254 characters or fewer')
  .pipe(z.email({ error: 'Enter an email address in the correct format, like name@example.nhs.net' }))

const password = z
  .string({ error: 'Enter a password' })
  .min(1, 'Enter a password')
  .max(1000, 'Password is too long')

const fullName = z
  .string({ error: 'Enter your full name' })
  .trim()
  .min(1, 'Enter your full name')
  .max(200, 'Full name must be 200 characters or fewer')

export const signUpForm = z.object({
  fullName,
  email,
  profession: z.string({ error: 'Select your profession' }).trim().min(1, 'Select your profession').max(100),
  registrationNumber: z.string({ error: 'Enter your professional registration number' }).trim().max(60),
  password,
  confirmPassword: z
    .string({ error: 'Enter the password again' })
    .min(1, 'Enter the password again')
    .max(1000),
})
export type SignUpForm = z.infer<typeof signUpForm>

export const signInForm = z.object({
  email,
  password: z
    .string({ error: 'Enter your password' })
    .min(1, 'Enter your password')
    .max(1000, 'Password is too long'),
})

export const emailOnlyForm = z.object({ email })

export const newPasswordForm = z.object({
  password,
  confirmPassword: z
    .string({ error: 'Enter the password again' })
    .min(1, 'Enter the password again')
    .max(1000),
})

export const changePasswordForm = newPasswordForm.extend({
  currentPassword: z
    .string({ error: 'Enter your current password' })
    .min(1, 'Enter your current password')
    .max(1000),
})

export const changeEmailForm = z.object({
  email,
  currentPassword: z.string().max(1000).optional(),
})

export const detailsForm = z.object({
  fullName,
  profession: z.string({ error: 'Select your profession' }).trim().min(1, 'Select your profession').max(100),
  registrationNumber: z.string({ error: 'Enter your professional registration number' }).trim().max(60),
})

export const closeAccountForm = z.object({
  confirm: z.literal('close', { error: 'Type close to confirm you want to close your account' }),
  currentPassword: z.string().max(1000).optional(),
})

export const tokenQuery = z.strictObject({
  token: z
    .string({ error: 'The link is incomplete' })
    .regex(/^[A-Za-z0-9_-]{43}$/, 'The link is incomplete or has been changed'),
})

export const nextQuery = z.strictObject({
  next: z
    .string()
    .max(500)
    .optional()
    .transform((value) => (value !== undefined && isSafeNext(value) ? value : undefined)),
})

/** Only paths on this site: never an absolute or protocol-relative address (no open redirect). */
export function isSafeNext(value: string): boolean {
  return /^\/(?![/\\])[^\s]*$/.test(value)
}

const role = z.enum(roleNames, { error: 'Select a role from the list' })

export const invitationForm = z.object({
  email,
  roles: z.preprocess(
    (value) => (value === undefined ? [] : Array.isArray(value) ? value : [value]),
    z.array(role).min(1, 'Select at least one role'),
  ),
})

export const rolesForm = z.object({
  roles: z.preprocess(
    (value) => (value === undefined ? [] : Array.isArray(value) ? value : [value]),
    z.array(role).min(1, 'Select at least one role, or remove the person instead'),
  ),
})
