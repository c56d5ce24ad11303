import { z } from 'zod'

/** The placement offers pages' parameters and forms. */

const organisationId = z.string().regex(/^[A-Za-z0-9-]{1,60}$/, 'must be an organisation id')

export const offersParams = z.strictObject({ organisationId })

export const offerParams = offersParams.extend({
  offerId: z.uuid({ error: 'must be the id of a placement offer' }),
})

export const offersQuery = z.strictObject({
  status: z.enum(['pending', 'approved', 'rejected', 'withdrawn']).optional(),
})

export const offerQuery = z.strictObject({
  done: z.enum(['created', 'approved', 'rejected', 'withdrawn']).optional(),
})

/** A text field that is far too long is refused here, before the rules check it, with a message naming it. */
const text = (max: number, label: string) =>
  z
    .string({ error: `Enter ${label} as text` })
    .max(max, `${label} is far too long`)
    .default('')

/**
 * The offer form, as posted: text everywhere (the rules, with their messages, are placement-offer.ts's), and
 * the activities ticked, which a form posts once, many times or not at all.
 */
export const offerForm = z.object({
  siteId: text(100, 'Study and site'),
  places: text(100, 'Number of places'),
  specialty: text(1000, 'Specialty'),
  complexity: text(100, 'Complexity'),
  activities: z
    .union([z.string().max(100), z.array(z.string().max(100)).max(20)], {
      error: 'Select activities from the list',
    })
    .optional()
    .transform((value) => (value === undefined ? [] : typeof value === 'string' ? [value] : value)),
  hoursPerWeek: text(100, 'Hours a week'),
  prerequisites: text(10_000, 'What the learner needs first'),
})

export const decisionForm = z.object({
  outcome: z.enum(['approve', 'reject'], { error: 'Select whether to approve or reject the offer' }),
  reason: text(10_000, 'Reason'),
})
