import type { LearnerRecord, PriorLearning, RecordedModule } from '../src/modules/framework/index.ts'

/**
 * Learner records for the credit-rules benchmark: a realistic mix of learners at every stage of the framework,
 * each record of at most 12 modules. Seeded, so every run evaluates the same records.
 *
 * The mix follows the programmes in content/providers.yaml: Exeter-style certificates of three 15-credit
 * online modules and a 15-credit RPE, certificates of two 20-credit modules and a 20-credit RPE,
 * King's-style diplomas of a 30-credit RPE and two 15-credit options, and 60-credit dissertations. Around
 * them, what real records hold: modules in progress or failed (some retaken), a short course that fits no
 * level, a module below level 7, modules from a second university, and prior learning, approved or not.
 */
export function buildBenchRecords(count: number, seed = 20_240_901): LearnerRecord[] {
  const random = seededRandom(seed)
  return Array.from({ length: count }, () => buildRecord(random))
}

/**
 * The heaviest records the budget covers: every one holds exactly 12 modules. Learners further on, with
 * more extras: optional modules beyond the ones an award needs, retaken modules, short courses.
 */
export function buildTwelveModuleRecords(count: number, seed = 20_240_902): LearnerRecord[] {
  const random = seededRandom(seed)
  return Array.from({ length: count }, () => {
    const record = buildRecord(random, 12)
    return { ...record, modules: record.modules.slice(0, 12) }
  })
}

type Random = () => number

/** mulberry32: small, fast and good enough to vary benchmark data. */
function seededRandom(seed: number): Random {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}

function pick<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!
}

const universities = [
  'University of Exeter',
  'Newcastle University',
  "King's College London",
  'University of Sheffield',
]

/** How far learners have got: most are part-way through a level. */
const stages = [0, 1, 1, 1, 2, 2, 2, 3, 3, 4, 4, 5] as const

/** A record of the mix; with `fill`, extra modules are added until it holds that many. */
function buildRecord(random: Random, fill = 0): LearnerRecord {
  const home = pick(random, universities)
  const modules: RecordedModule[] = []
  let next = 1
  const add = (kind: RecordedModule['kind'], credits: number, result: RecordedModule['result'] = 'pass') => {
    const level = random() < 0.08 ? 6 : random() < 0.05 ? 8 : 7
    const provider = random() < 0.15 ? pick(random, universities) : home
    modules.push({
      code: `${provider.slice(0, 3).toUpperCase()}${String(next).padStart(3, '0')}`,
      title: `${kind === 'online' ? 'Taught' : kind === 'rpe' ? 'Practice' : 'Research'} module ${next}`,
      kind,
      credits,
      level,
      result,
      provider,
    })
    next++
  }
  const stage = pick(random, stages)
  const twenties = random() < 0.35
  const inProgress = (): RecordedModule['result'] =>
    random() < 0.7 ? 'in-progress' : random() < 0.5 ? 'fail' : 'pass'

  // The certificate: whole, or part-way (stage 0 and 1).
  if (stage >= 1) {
    const online = twenties ? 2 : 3
    const each = twenties ? 20 : 15
    const done = stage === 1 ? Math.floor(random() * (online + 1)) : online
    for (let index = 0; index < online; index++) add('online', each, index < done ? 'pass' : inProgress())
    add('rpe', each, stage === 1 ? inProgress() : 'pass')
  }
  // The diploma (stages 3 and 4), part-way at stage 2.
  if (stage >= 2) {
    const kingsStyle = random() < 0.5
    const online = kingsStyle ? 15 : 20
    const rpe = kingsStyle ? 30 : 20
    const finished = stage >= 3
    add('rpe', rpe, finished ? 'pass' : inProgress())
    add('online', online, finished || random() < 0.5 ? 'pass' : inProgress())
    add('online', online, finished ? 'pass' : inProgress())
  }
  // The dissertation: in progress at stage 4, passed at stage 5.
  if (stage >= 4) add('dissertation', 60, stage === 5 ? 'pass' : inProgress())

  // What else real records hold.
  if (random() < 0.15 && modules.length > 0) {
    const failed = modules[Math.floor(random() * modules.length)]!
    if (failed.result === 'pass') modules.push({ ...failed, result: 'fail' })
  }
  if (random() < 0.1) add('online', 10)
  if (random() < 0.1) add('online', pick(random, [15, 20]))
  if (random() < 0.05 && modules.length > 0) modules.push({ ...modules[0]! })
  while (modules.length < fill) {
    const extra = random()
    if (extra < 0.5) add('online', pick(random, [15, 20]))
    else if (extra < 0.7) add('online', pick(random, [15, 20]), inProgress())
    else if (extra < 0.85) add('rpe', pick(random, [15, 20, 30]))
    else add('online', 10)
  }

  const priorLearning: PriorLearning[] = []
  if (random() < 0.2) {
    priorLearning.push({
      credits: pick(random, [15, 20]),
      countsAs: random() < 0.8 ? 'online' : 'rpe',
      status: pick(random, ['approved', 'approved', 'pending', 'rejected'] as const),
      provider: pick(random, universities),
    })
  }
  return { modules: modules.slice(0, 12), priorLearning }
}
