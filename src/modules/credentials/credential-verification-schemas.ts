// The shapes of verification at the edge: the API's request and verdict (which also describe it in OpenAPI).
import { z } from 'zod'

export const credentialToVerify = z
  .looseObject({})
  .describe(
    'An Open Badges 3.0 credential (OpenBadgeCredential or AchievementCredential on the VC Data Model 2.0) with ' +
      'its proof embedded, exactly as its issuer signed it.',
  )

const alignment = z.object({
  targetName: z.string(),
  targetType: z.string().optional(),
  targetUrl: z.string().optional(),
  targetFramework: z.string().optional(),
  targetCode: z.string().optional(),
})

export const credentialVerdictResponse = z
  .object({
    verified: z
      .boolean()
      .describe('True only when every check passed; false when any failed or could not be checked.'),
    checks: z
      .array(
        z.object({
          check: z.enum(['signature', 'schema', 'status', 'validity', 'issuer']),
          ok: z.boolean(),
          outcome: z
            .enum(['passed', 'failed', 'not-checked'])
            .describe(
              '"not-checked": the check could not be made (an issuer or status list Trellis does not know), ' +
                'which is not the same as failed.',
            ),
          message: z.string().describe('What was found, in plain words.'),
        }),
      )
      .readonly()
      .describe('signature, schema, status, validity and issuer, in that order.'),
    issuer: z
      .object({
        id: z.string(),
        name: z.string().optional(),
        url: z.string().optional(),
        email: z.string().optional(),
        description: z.string().optional(),
      })
      .nullable()
      .describe('Who the credential says issued it (as it says: trust it only when verified is true).'),
    achievement: z
      .object({
        id: z.string().optional(),
        name: z.string().optional(),
        description: z.string().optional(),
        achievementType: z.string().optional(),
        criteria: z.string().optional(),
        creditsAvailable: z.number().optional(),
        creditsEarned: z.number().optional(),
        fieldOfStudy: z.string().optional(),
        humanCode: z.string().optional(),
        alignment: z
          .array(alignment)
          .readonly()
          .describe('Levels, frameworks and roles the achievement is aligned with.'),
      })
      .nullable(),
    credential: z
      .object({
        id: z.string().optional(),
        name: z.string().optional(),
        validFrom: z.string().optional(),
        validUntil: z.string().optional(),
        subjectId: z.string().optional(),
      })
      .nullable(),
  })
  .describe('The verdict on a credential, with every check explained.')
