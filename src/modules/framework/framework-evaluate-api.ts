import type { Services } from '../../composition.ts'
import { publicPolicy } from '../../platform/http/access-control.ts'
import { defineApiRoute, type ApiRoute } from '../../platform/http/api-routes.ts'
import { BadRequestError, NotFoundError } from '../../platform/http/problem.ts'
import { evaluateRecord, frameworkRulesFrom, type FrameworkRules } from './credit-rules.ts'
import {
  checkProgrammeRequest,
  evaluateRequest,
  evaluationResponse,
  programmeCheckResponse,
  toEvaluationResponse,
  toLearnerRecord,
  toProgrammeCheckResponse,
  toProgrammeToCheck,
} from './credit-rules-schemas.ts'
import { checkProgramme } from './programme-alignment.ts'

/**
 * The credit rules as public calculations: they change nothing and read no session, so integrators call them
 * without cookies or a CSRF token (`csrf: 'not-needed'`).
 */
export function frameworkEvaluateApiRoutes({ catalogue }: Pick<Services, 'catalogue'>): ApiRoute[] {
  const loadRules = async (): Promise<FrameworkRules> => {
    const framework = await catalogue.findFramework()
    if (framework === null) throw new NotFoundError('The Credentials Framework has not been loaded.')
    return frameworkRulesFrom(framework)
  }
  return [
    defineApiRoute({
      method: 'POST',
      url: '/api/v1/framework/evaluate',
      operationId: 'evaluateLearnerRecord',
      summary: 'Which framework awards a learner record holds, and what is missing for the next',
      description:
        'Allocates passed modules and approved prior learning to the levels in order (PGCert, PGDip, Master’s) ' +
        'so that the most awards are held, by the framework’s composition, credit and level-7 rules. Nothing is ' +
        'stored. Needs no cookie or CSRF token.',
      tag: 'Credentials Framework',
      body: evaluateRequest,
      response: evaluationResponse,
      policy: publicPolicy,
      csrf: 'not-needed',
      mayBeNotFound: true,
      handler: async ({ body, reply }) => {
        const evaluation = evaluateRecord(await loadRules(), toLearnerRecord(body))
        reply.header('cache-control', 'no-store')
        return toEvaluationResponse(evaluation)
      },
    }),
    defineApiRoute({
      method: 'POST',
      url: '/api/v1/framework/check-programme',
      operationId: 'checkProgramme',
      summary: 'Whether a programme is aligned with the framework, whatever options a learner chooses',
      description:
        'Checks every combination of options against the composition and credits of the level the programme ' +
        'awards and against that level’s share of the level-7 minimum. Every module’s credits and level are ' +
        'needed. Nothing is stored. Needs no cookie or CSRF token.',
      tag: 'Credentials Framework',
      body: checkProgrammeRequest,
      response: programmeCheckResponse,
      policy: publicPolicy,
      csrf: 'not-needed',
      mayBeNotFound: true,
      handler: async ({ body, reply }) => {
        const rules = await loadRules()
        if (!rules.levels.some((level) => level.id === body.award)) {
          throw new BadRequestError([
            {
              name: 'award',
              reason: `must be the id of a framework level: ${rules.levels.map((level) => level.id).join(', ')}`,
            },
          ])
        }
        const check = checkProgramme(rules, toProgrammeToCheck(body))
        reply.header('cache-control', 'no-store')
        return toProgrammeCheckResponse(check)
      },
    }),
  ] as ApiRoute[]
}
