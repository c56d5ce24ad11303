import { createHash } from 'node:crypto'
import { access, readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { parse as parseCsv } from 'csv-parse/sync'
import { isMap, LineCounter, parseDocument, type Document } from 'yaml'
import type { z } from 'zod'
import type { CatalogueProblem } from './catalogue.ts'
import { findReferenceProblems } from './catalogue.ts'
import {
  contentFiles,
  sourcesFileSchema,
  type CatalogueContent,
  type ContentFileName,
} from './catalogue-content-schemas.ts'
import { parseTrustRows, type NhsTrustRecord } from '../organisations/index.ts'

/**
 * Reads content/ from disk: every YAML file against its schema, then the cross-references between files.
 * Problems name the file, the line, the entry and the field, so an editor can go straight to them.
 */
export interface ReadCatalogue {
  readonly content: CatalogueContent | undefined
  readonly trusts: readonly NhsTrustRecord[]
  readonly problems: readonly CatalogueProblem[]
  /** A digest of every file read: the catalogue's version. */
  readonly contentHash: string
  readonly files: readonly string[]
}

const sourcesDirectory = 'sources'
/** The five source documents themselves, kept beside the content that cites them. */
const seedsDirectory = 'seeds'

export async function readCatalogue(contentDirectory: string): Promise<ReadCatalogue> {
  const problems: CatalogueProblem[] = []
  const hash = createHash('sha256')
  const parsed = new Map<string, unknown>()
  const documents = new Map<string, ParsedDocument>()
  const files: string[] = []
  const read = <S extends z.ZodType>(file: string, schema: S) =>
    readYamlFile(contentDirectory, file, schema, problems, hash, documents)

  const sourceFiles = await listSourceFiles(contentDirectory, problems)
  const allSources: z.infer<typeof sourcesFileSchema>['sources'] = []
  const sourceOrigins = new Map<string, { file: string; index: number }>()
  for (const file of sourceFiles) {
    const value = await read(file, sourcesFileSchema)
    files.push(file)
    value?.sources.forEach((source, index) => {
      const earlier = sourceOrigins.get(source.id)
      if (earlier !== undefined) {
        const location = locate(documents.get(file), ['sources', index, 'id'])
        problems.push({
          file,
          ...location,
          reason: `source id "${source.id}" is already used in ${earlier.file}`,
        })
      }
      sourceOrigins.set(source.id, { file, index })
      allSources.push(source)
    })
  }
  for (const source of allSources) {
    if (source.seed === undefined) continue
    if (!(await fileExists(join(contentDirectory, seedsDirectory, source.seed)))) {
      const origin = sourceOrigins.get(source.id)!
      problems.push({
        file: origin.file,
        ...locate(documents.get(origin.file), ['sources', origin.index, 'seed']),
        reason: `source document ${source.seed} is not in content/${seedsDirectory}/`,
      })
    }
  }

  for (const [file, schema] of Object.entries(contentFiles) as [ContentFileName, z.ZodType][]) {
    files.push(file)
    const value = await read(file, schema)
    if (value !== undefined) parsed.set(file, value)
  }

  let trusts: NhsTrustRecord[] = []
  const trustsFile = parsed.get('organisations/nhs-trusts.yaml') as CatalogueContent['nhsTrusts'] | undefined
  if (trustsFile !== undefined) {
    const csvPath = `organisations/${trustsFile.file}`
    files.push(csvPath)
    trusts = await readTrustCsv(contentDirectory, csvPath, trustsFile, problems, hash)
  }

  if (problems.length > 0 || parsed.size !== Object.keys(contentFiles).length) {
    return { content: undefined, trusts, problems, contentHash: hash.digest('hex'), files }
  }

  const get = <F extends ContentFileName>(file: F) => parsed.get(file) as z.infer<(typeof contentFiles)[F]>
  const professionsFile = get('professions.yaml')
  const content: CatalogueContent = {
    sources: allSources,
    regulators: get('regulators.yaml').regulators,
    professionGroups: professionsFile.groups,
    professions: professionsFile.professions,
    stages: get('stages.yaml').stages,
    pathways: get('pathways.yaml').pathways,
    funders: get('funders.yaml').funders,
    schemes: get('schemes.yaml').schemes,
    framework: get('framework.yaml').framework,
    providers: get('providers.yaml').providers,
    healthcareScience: get('healthcare-science.yaml'),
    researchCulture: get('research-culture.yaml'),
    nhsTrusts: get('organisations/nhs-trusts.yaml'),
  }
  for (const problem of findReferenceProblems(content, sourceOrigins, trusts)) {
    problems.push({
      file: problem.file,
      ...locate(documents.get(problem.file), problem.path),
      reason: problem.reason,
    })
  }
  return {
    content: problems.length === 0 ? content : undefined,
    trusts,
    problems,
    contentHash: hash.digest('hex'),
    files,
  }
}

async function listSourceFiles(contentDirectory: string, problems: CatalogueProblem[]): Promise<string[]> {
  try {
    const names = await readdir(join(contentDirectory, sourcesDirectory))
    const yamlFiles = names.filter((name) => name.endsWith('.yaml')).sort()
    if (yamlFiles.length === 0) {
      problems.push({ file: sourcesDirectory, reason: 'holds no .yaml files: every fact needs a source' })
    }
    return yamlFiles.map((name) => `${sourcesDirectory}/${name}`)
  } catch {
    problems.push({ file: sourcesDirectory, reason: 'folder not found: every fact needs a source' })
    return []
  }
}

async function readYamlFile<S extends z.ZodType>(
  contentDirectory: string,
  file: string,
  schema: S,
  problems: CatalogueProblem[],
  hash: ReturnType<typeof createHash>,
  documents: Map<string, ParsedDocument>,
): Promise<z.infer<S> | undefined> {
  let text: string
  try {
    text = await readFile(join(contentDirectory, file), 'utf8')
  } catch {
    problems.push({ file, reason: 'file not found' })
    return undefined
  }
  hash.update(file).update('\0').update(text).update('\0')

  const lineCounter = new LineCounter()
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true })
  if (document.errors.length > 0) {
    for (const error of document.errors) {
      const line = lineCounter.linePos(error.pos[0]).line
      problems.push({ file, line, reason: `not valid YAML: ${firstLine(error.message)}` })
    }
    return undefined
  }

  const parsedDocument = { document, lineCounter }
  documents.set(file, parsedDocument)
  const result = schema.safeParse(document.toJS())
  if (!result.success) {
    for (const issue of result.error.issues) {
      const path = issue.path.filter((part): part is string | number => typeof part !== 'symbol')
      problems.push({ file, ...locate(parsedDocument, path), reason: describeIssue(issue) })
    }
    return undefined
  }
  return result.data
}

/** Finds the entry (the nearest list item with an id) and the line of a field, for messages. */
function locate(
  parsed: ParsedDocument | undefined,
  path: readonly (string | number)[],
): Pick<CatalogueProblem, 'line' | 'entry' | 'field'> {
  if (parsed === undefined) return path.length > 0 ? { field: formatPath(path) } : {}
  const { document, lineCounter } = parsed
  let entry: string | undefined
  let entryDepth = -1
  for (let depth = path.length; depth > 0; depth--) {
    if (typeof path[depth - 1] !== 'number') continue
    const node = document.getIn(path.slice(0, depth), true)
    if (isMap(node)) {
      const id = node.get('id')
      if (typeof id === 'string') {
        entry = id
        entryDepth = depth
        break
      }
    }
  }
  let line: number | undefined
  for (let depth = path.length; depth >= 0 && line === undefined; depth--) {
    const node = document.getIn(path.slice(0, depth), true) as
      { range?: [number, number, number] } | undefined
    const range = node?.range ?? (depth === 0 ? document.contents?.range : undefined)
    if (range !== undefined && range !== null) line = lineCounter.linePos(range[0]).line
  }
  const fieldPath = entryDepth >= 0 ? path.slice(entryDepth) : path
  const field = fieldPath.length > 0 ? formatPath(fieldPath) : undefined
  return {
    ...(line === undefined ? {} : { line }),
    ...(entry === undefined ? {} : { entry }),
    ...(field === undefined ? {} : { field }),
  }
}

interface ParsedDocument {
  readonly document: Document
  readonly lineCounter: LineCounter
}

/** Zod's messages, made to read well after "field X:". */
function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') {
    return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((key) => `"${key}"`).join(', ')}`
  }
  if (issue.code === 'invalid_type' && issue.message.includes('received undefined')) return 'is required'
  return issue.message
}

function formatPath(path: readonly (string | number)[]): string {
  return path
    .map((part, index) => (typeof part === 'number' ? `[${part}]` : index === 0 ? part : `.${part}`))
    .join('')
}

async function readTrustCsv(
  contentDirectory: string,
  file: string,
  metadata: CatalogueContent['nhsTrusts'],
  problems: CatalogueProblem[],
  hash: ReturnType<typeof createHash>,
): Promise<NhsTrustRecord[]> {
  let text: string
  try {
    text = await readFile(join(contentDirectory, file), 'utf8')
  } catch {
    problems.push({ file, reason: 'file not found (named by organisations/nhs-trusts.yaml)' })
    return []
  }
  hash.update(file).update('\0').update(text).update('\0')
  let rows: string[][]
  try {
    rows = parseCsv(text, { relax_column_count: true, skip_empty_lines: true }) as string[][]
  } catch (error) {
    const line = (error as { lines?: number }).lines
    problems.push({
      file,
      ...(line === undefined ? {} : { line }),
      reason: `not valid CSV: ${firstLine((error as Error).message)}`,
    })
    return []
  }
  const result = parseTrustRows(rows, metadata.regions)
  for (const problem of result.problems) problems.push({ file, ...problem })
  return result.trusts
}

async function fileExists(path: string): Promise<boolean> {
  try {
    await access(path)
    return true
  } catch {
    return false
  }
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message
}
