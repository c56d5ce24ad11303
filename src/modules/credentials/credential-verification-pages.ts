import type { FastifyInstance, FastifyReply } from 'fastify'
import { publicPolicy } from '../../platform/http/access-control.ts'
import type { FieldError } from '../../platform/http/forms.ts'
import { uploadedFilesIn } from '../../platform/http/multipart.ts'
import { requestContextOf } from '../../platform/http/request-context.ts'
import type { CheckName, CheckOutcome, CredentialVerdict } from './credential-verification.ts'
import type { CredentialVerificationService } from './credential-verification-service.ts'

export interface VerificationPagesDependencies {
  readonly credentialVerification: CredentialVerificationService
}

const publicRoute = { config: { policy: publicPolicy } }
const pageTitle = 'Check a digital credential'

/** What each check looks at and what its result means, in words for someone who has never heard of JSON-LD. */
export const checkExplanations: Record<
  CheckName,
  { readonly title: string; readonly what: string; readonly meaning: Record<CheckOutcome, string> }
> = {
  signature: {
    title: 'Digital signature',
    what: 'The issuer signed the credential with their private key when they issued it. We recalculated the signature from what the credential says now, using the issuer’s public key.',
    meaning: {
      passed: 'Nothing in the credential has been changed since the issuer signed it.',
      failed:
        'Do not rely on this credential: it was changed after it was signed, or the signature is missing or of a kind we cannot check.',
      'not-checked':
        'We could not find the issuer’s public key, so we cannot say whether it was changed. This does not mean it is forged: ask the issuer to confirm it.',
    },
  },
  schema: {
    title: 'Open Badges 3.0 format',
    what: 'We checked that the credential has every field the Open Badges 3.0 standard requires, each of the right kind.',
    meaning: {
      passed: 'It is a well-formed Open Badges 3.0 credential.',
      failed: 'It is not a complete Open Badges 3.0 credential, so other systems may not read it correctly.',
      'not-checked': 'We could not read the credential to check its format.',
    },
  },
  status: {
    title: 'Revocation',
    what: 'An issuer can withdraw (revoke) a credential they issued, for example if it was issued by mistake. We looked it up in the issuer’s status list.',
    meaning: {
      passed: 'The issuer has not withdrawn it.',
      failed: 'The issuer has withdrawn it: it is no longer valid.',
      'not-checked':
        'We could not look up whether the issuer has withdrawn it. Ask the issuer if you need to be sure.',
    },
  },
  validity: {
    title: 'Dates',
    what: 'We checked the dates the credential is valid between against today’s date.',
    meaning: {
      passed: 'It is within its dates.',
      failed: 'It is outside its dates: it has expired, or it is not valid yet.',
      'not-checked': 'We could not read the credential’s dates.',
    },
  },
  issuer: {
    title: 'Issuer',
    what: 'We checked that the credential names an issuer, and that the key that signed it belongs to that issuer.',
    meaning: {
      passed: 'It was signed by the organisation it names as its issuer.',
      failed: 'It was not signed by the organisation it names as its issuer, or it names none.',
      'not-checked':
        'Trellis does not know this issuer’s keys, so we cannot confirm who signed it. This does not mean it is forged.',
    },
  },
}

const outcomeTags: Record<CheckOutcome, { readonly text: string; readonly colour: string }> = {
  passed: { text: 'Passed', colour: 'green' },
  failed: { text: 'Failed', colour: 'red' },
  'not-checked': { text: 'Could not be checked', colour: 'yellow' },
}

function describeVerdict(verdict: CredentialVerdict): { heading: string; summary: string } {
  if (verdict.verified) {
    return {
      heading: 'This credential is verified',
      summary:
        'Every check passed: it is genuine, unchanged, in date and has not been withdrawn by its issuer.',
    }
  }
  if (verdict.checks.some((check) => check.outcome === 'failed')) {
    return {
      heading: 'This credential is not valid',
      summary: 'At least one check failed. Each check below says what was wrong.',
    }
  }
  return {
    heading: 'This credential could not be fully checked',
    summary:
      'Nothing we could check was wrong, but some checks could not be made. Each check below says why; this does not mean the credential is forged.',
  }
}

function describeCredits({ achievement }: CredentialVerdict): string | undefined {
  const earned = achievement?.creditsEarned
  const available = achievement?.creditsAvailable
  if (earned !== undefined && available !== undefined) return `${earned} earned, of ${available} available`
  if (earned !== undefined) return `${earned} earned`
  return available === undefined ? undefined : `${available} available`
}

function readText(body: unknown, field: string): string {
  const value =
    typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[field] : undefined
  return typeof value === 'string' ? value : ''
}

/** The public page where anyone pastes or uploads a credential and reads the verdict, with or without JavaScript. */
export function registerVerificationPages(app: FastifyInstance, deps: VerificationPagesDependencies): void {
  const showForm = (reply: FastifyReply, errors: readonly FieldError[] = [], pasted = '') =>
    reply.code(errors.length > 0 ? 400 : 200).view('credentials/views/verify.njk', {
      pageTitle,
      pasted,
      errors: errors.map((error) => ({ text: error.message, href: `#${error.field}` })),
      fieldErrors: Object.fromEntries(errors.map((error) => [error.field, error.message])),
    })

  app.get('/verify', publicRoute, async (_request, reply) => showForm(reply))

  app.post('/verify', publicRoute, async (request, reply) => {
    const pasted = readText(request.body, 'credentialJson').trim()
    const [file] = uploadedFilesIn(request.body, 'credentialFile')
    let text: string
    let field: 'credentialJson' | 'credentialFile'
    if (file !== undefined) {
      if (file.truncated) {
        return showForm(
          reply,
          [{ field: 'credentialFile', message: 'The file must be smaller than 5 MB' }],
          pasted,
        )
      }
      text = file.content.toString('utf8')
      field = 'credentialFile'
    } else if (pasted !== '') {
      text = pasted
      field = 'credentialJson'
    } else {
      return showForm(reply, [
        { field: 'credentialJson', message: 'Paste a credential, or choose a file that holds one' },
      ])
    }
    let parsed: unknown
    try {
      parsed = JSON.parse(text)
    } catch {
      const message =
        field === 'credentialFile'
          ? 'The selected file is not JSON: choose the credential’s .json file'
          : 'The credential is not JSON: paste the whole credential, from its first { to its last }'
      return showForm(reply, [{ field, message }], pasted)
    }
    const verdict = await deps.credentialVerification.verify(parsed, requestContextOf(request))
    const { heading, summary } = describeVerdict(verdict)
    return reply.view('credentials/views/verify-result.njk', {
      pageTitle: heading,
      heading,
      summary,
      verdict,
      credits: describeCredits(verdict),
      checks: verdict.checks.map((check) => ({
        ...check,
        title: checkExplanations[check.check].title,
        what: checkExplanations[check.check].what,
        meaning: checkExplanations[check.check].meaning[check.outcome],
        tag: outcomeTags[check.outcome],
      })),
    })
  })
}
