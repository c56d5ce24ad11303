import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import type { MatchInput } from '../../src/modules/placements/index.ts'

/**
 * Published matching examples with their published answers (test/fixtures/matching/published-examples.json,
 * each with its source): the NRMP's own 8-applicant example, and the README example of daffidwilde/matching.
 * The expected programmes' lists are not all in the programme's rank order (the NRMP lists State's as Ford,
 * Hassan), so compare them as sets.
 */
export interface PublishedExample {
  readonly name: string
  readonly source: string
  readonly input: MatchInput
  readonly expectedApplicantOptimal: Readonly<Record<string, readonly string[]>>
  readonly expectedUnmatched: readonly string[]
}

export const publishedExamplesFile = fileURLToPath(
  new URL('../fixtures/matching/published-examples.json', import.meta.url),
)

interface ExampleJson extends MatchInput {
  readonly source: string
  readonly expected_applicant_optimal: Record<string, string[]>
  readonly expected_unmatched: string[]
}

export async function readPublishedExamples(): Promise<PublishedExample[]> {
  const examples = JSON.parse(await readFile(publishedExamplesFile, 'utf8')) as Record<string, ExampleJson>
  return Object.entries(examples).map(([name, example]) => ({
    name,
    source: example.source,
    input: { applicants: example.applicants, programs: example.programs },
    expectedApplicantOptimal: example.expected_applicant_optimal,
    expectedUnmatched: example.expected_unmatched,
  }))
}

/** Each list sorted, so that lists holding the same ids compare equal. */
export function sortedLists(lists: Readonly<Record<string, readonly string[]>>): Record<string, string[]> {
  return Object.fromEntries(Object.entries(lists).map(([id, list]) => [id, [...list].sort()]))
}
