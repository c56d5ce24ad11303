import type { ModuleKindId } from '../../src/modules/catalogue/index.ts'
import type { LearnerRecord, PriorLearning, RecordedModule } from '../../src/modules/framework/index.ts'

/**
 * Learner records for the credit-rules tests: modules default to passed, level 7, at the University of
 * Exeter, each with a code of its own unless one is given.
 */
let lastCode = 0

export function aModule(
  kind: ModuleKindId,
  credits: number,
  overrides: Partial<RecordedModule> = {},
): RecordedModule {
  lastCode++
  const code = overrides.code ?? `MOD${String(lastCode).padStart(3, '0')}`
  return {
    code,
    title: `Module ${code}`,
    kind,
    credits,
    level: 7,
    result: 'pass',
    provider: 'University of Exeter',
    ...overrides,
  }
}

export function somePriorLearning(
  countsAs: PriorLearning['countsAs'],
  credits: number,
  overrides: Partial<PriorLearning> = {},
): PriorLearning {
  return { credits, countsAs, status: 'approved', provider: 'University of Sheffield', ...overrides }
}

export function aRecord(
  modules: readonly RecordedModule[],
  priorLearning: readonly PriorLearning[] = [],
): LearnerRecord {
  return { modules, priorLearning }
}

/** Exeter's Postgraduate Certificate: three 15-credit online modules and a 15-credit RPE, all at level 7. */
export function exeterCertificate(): RecordedModule[] {
  const exeter = { provider: 'University of Exeter' }
  return [
    aModule('online', 15, {
      ...exeter,
      code: 'EXE-ILR',
      title: 'Integrity and Leadership in Research for Health and Healthcare',
    }),
    aModule('online', 15, { ...exeter, code: 'EXE-DCR', title: 'Doing Clinical Research' }),
    aModule('online', 15, { ...exeter, code: 'EXE-STA', title: 'Statistics' }),
    aModule('rpe', 15, { ...exeter, code: 'EXE-RPE', title: 'Research Practice Experience' }),
  ]
}

/** King's College London's diploma modules: Research Practice Experience 2 (30 credits) and two 15-credit options. */
export function kingsDiploma(): RecordedModule[] {
  const kings = { provider: "King's College London" }
  return [
    aModule('rpe', 30, { ...kings, code: 'KCL-RPE2', title: 'Research Practice Experience 2' }),
    aModule('online', 15, { ...kings, code: 'KCL-CT', title: 'Clinical Trials' }),
    aModule('online', 15, { ...kings, code: 'KCL-HE', title: 'Health Economics' }),
  ]
}

export function aDissertation(overrides: Partial<RecordedModule> = {}): RecordedModule {
  return aModule('dissertation', 60, {
    code: 'KCL-DISS',
    title: 'Dissertation',
    provider: "King's College London",
    ...overrides,
  })
}
