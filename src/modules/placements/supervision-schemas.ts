import { z } from 'zod'

/** The supervision pages' parameters and forms. */

export const placementParams = z.strictObject({
  placementId: z.uuid({ error: 'must be the id of a placement' }),
})

export const evidenceParams = placementParams.extend({
  fileId: z.uuid({ error: 'must be the id of a file' }),
})

export const placementQuery = z.strictObject({
  done: z.enum(['supervision', 'entry', 'comment', 'signed-off', 'completed']).optional(),
  /** A catalogue module to fill the set-up form with (a GET form, so that it works without JavaScript). */
  module: z.string().max(200).optional(),
})

/** A text field that is far too long is refused here, before the rules check it, with a message naming it. */
const text = (max: number, label: string) =>
  z
    .string({ error: `Enter ${label} as text` })
    .max(max, `${label} is far too long`)
    .default('')

export const supervisionForm = z.object({
  academicSupervisorId: text(100, 'Academic supervisor'),
  code: text(1000, 'Module code'),
  title: text(10_000, 'Module title'),
  credits: text(100, 'Credits'),
})

/** The logbook entry form's text fields (its date boxes are read with readDateField; its files apart). */
export const logbookEntryForm = z.object({
  hours: text(100, 'Hours'),
  activity: text(100, 'Activity'),
  reflection: text(50_000, 'Reflection'),
})

export const commentForm = z.object({
  entryId: text(100, 'What the comment is about'),
  body: text(50_000, 'Comment'),
})

export const signOffForm = z.object({
  role: text(100, 'Role'),
  comment: text(20_000, 'Comment'),
})
