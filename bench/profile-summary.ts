/**
 * Summarises a V8 CPU profile (`npm run bench -- --cpu-prof` writes them to bench/results/profiles/): the
 * functions with the most self time, and self time grouped by package or source folder.
 *
 *   node --import tsx bench/profile-summary.ts bench/results/profiles/<file>.cpuprofile [top] [names]
 *
 * `names` (comma-separated function names, e.g. `LOG,byteLength,randomBytes`) adds each one's inclusive time:
 * the share of samples with that function anywhere on the stack. Samples inside the profiler's own stop
 * call (the inspector's `post`) are left out.
 */
import { readFileSync } from 'node:fs'

interface ProfileNode {
  readonly id: number
  readonly callFrame: {
    readonly functionName: string
    readonly url: string
    readonly lineNumber: number
  }
  readonly children?: readonly number[]
}

interface Profile {
  readonly nodes: readonly ProfileNode[]
  readonly samples: readonly number[]
  readonly timeDeltas: readonly number[]
}

const [file, topArgument, namesArgument] = process.argv.slice(2)
if (file === undefined) {
  console.error('usage: profile-summary.ts <file.cpuprofile> [top] [name,name…]')
  process.exit(2)
}
const top = Number(topArgument ?? 30)
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile

const nodesById = new Map(profile.nodes.map((node) => [node.id, node]))
const parents = new Map<number, number>()
for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id)
const stackOf = (id: number): ProfileNode[] => {
  const stack: ProfileNode[] = []
  for (let at: number | undefined = id; at !== undefined; at = parents.get(at)) stack.push(nodesById.get(at)!)
  return stack
}
const isProfilerItself = (id: number) =>
  stackOf(id).some(
    (node) => node.callFrame.functionName === 'post' && node.callFrame.url === 'node:inspector',
  )

const selfMicros = new Map<number, number>()
profile.samples.forEach((id, index) => {
  if (isProfilerItself(id)) return
  selfMicros.set(id, (selfMicros.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0))
})
const total = [...selfMicros.values()].reduce((sum, value) => sum + value, 0)

const byFunction = new Map<string, number>()
const byArea = new Map<string, number>()
for (const node of profile.nodes) {
  const micros = selfMicros.get(node.id) ?? 0
  if (micros === 0) continue
  const { functionName, url, lineNumber } = node.callFrame
  const where = url.replace(/^file:\/\//, '').replace(/^.*\/node_modules\//, 'npm:')
  const name = `${functionName || '(anonymous)'} ${where === '' ? '' : `${where}:${lineNumber + 1}`}`.trim()
  byFunction.set(name, (byFunction.get(name) ?? 0) + micros)
  byArea.set(area(url, functionName), (byArea.get(area(url, functionName)) ?? 0) + micros)
}

/** A package (npm:fastify), a folder of ours (src/platform/http) or V8/Node itself. */
function area(url: string, functionName: string): string {
  if (url === '') return functionName.startsWith('(') ? functionName : '(native)'
  if (url.startsWith('node:')) return url.split('/')[0]!
  const npm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)
  if (npm !== null) return `npm:${npm[1]}`
  const ours = /\/(src|bench)\/(.*)\/[^/]+$/.exec(url)
  if (ours !== null) return `${ours[1]}/${ours[2]}`
  return url
}

const print = (title: string, entries: Map<string, number>) => {
  console.log(`\n${title}`)
  for (const [name, micros] of [...entries].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(
      `${((100 * micros) / total).toFixed(1).padStart(5)}%  ${(micros / 1000).toFixed(0).padStart(6)} ms  ${name}`,
    )
  }
}
console.log(`${file}: ${(total / 1e6).toFixed(1)} s sampled`)
print('Self time by area', byArea)
print('Self time by function', byFunction)

if (namesArgument !== undefined) {
  const inclusive = new Map<string, number>()
  for (const name of namesArgument.split(',')) {
    let micros = 0
    for (const [id, self] of selfMicros) {
      if (stackOf(id).some((node) => node.callFrame.functionName === name)) micros += self
    }
    inclusive.set(name, micros)
  }
  print('Inclusive time (the function anywhere on the stack)', inclusive)
}
