import type { LevelProgress, RecordAssessment, TimelineStep } from './credit-assessment.ts'
import { addMonths, moduleKindLabels } from './learner-record.ts'

/**
 * A learner's progress as the record pages show it, from the credit rules' assessment: a diagram of how the
 * credits fill each award, the same numbers as a table, and the time to each award still to achieve. Pure: the
 * pages give today's date, and the view (views/partials/record.njk) draws the diagram as SVG.
 */

// The diagram ------------------------------------------------------------------------------------------------

/** One level: a track as long as its credits, starting where the level before it ends, filled as far as counted. */
export interface ProgressRow {
  readonly levelId: string
  readonly label: string
  readonly x: number
  readonly y: number
  readonly width: number
  readonly height: number
  readonly filledWidth: number
  /** Under the track: "60 of 60 credits, held". */
  readonly valueText: string
  readonly valueY: number
}

export interface ProgressDiagram {
  readonly width: number
  readonly height: number
  readonly rows: readonly ProgressRow[]
  /** The credits scale under the rows, with a mark where each level ends. */
  readonly axis: {
    readonly y: number
    readonly x1: number
    readonly x2: number
    readonly ticks: readonly {
      readonly x: number
      readonly label: string
      /** The last label ends at its mark, so that it stays inside the picture. */
      readonly anchor: 'middle' | 'end'
    }[]
  }
  /** The gridlines up from each mark, so that a level's track is seen to start where the one before ends. */
  readonly gridTop: number
  /** What a screen reader hears instead of the picture: every number in it. */
  readonly description: string
}

const diagramWidth = 640
const labelWidth = 100
const rightMargin = 24
const trackHeight = 32
const valueLineHeight = 24
const rowGap = 18
const top = 8

const roundToTenth = (value: number) => Math.round(value * 10) / 10

const stateWords: Readonly<Record<LevelProgress['state'], string>> = {
  held: 'held',
  next: 'the next award',
  later: 'a later award',
}

/** "60 of 60 credits, held"; "15 of 60 credits". */
function describeRow(level: LevelProgress): string {
  const counted = `${level.creditsCounted} of ${level.credits} credits`
  return level.state === 'held' ? `${counted}, held` : counted
}

/**
 * The levels as a staircase on one credits scale (PGCert 0–60, PGDip 60–120, Master's 120–180): each track is
 * filled as far as the credits that count toward it, so the picture shows each award building on the last.
 */
export function buildProgressDiagram(levels: readonly LevelProgress[]): ProgressDiagram {
  const maximum = Math.max(1, ...levels.map((level) => level.cumulativeCredits))
  const scale = (diagramWidth - labelWidth - rightMargin) / maximum
  let y = top
  const rows = levels.map((level): ProgressRow => {
    const row: ProgressRow = {
      levelId: level.id,
      label: level.abbreviation,
      x: roundToTenth(labelWidth + (level.cumulativeCredits - level.credits) * scale),
      y,
      width: roundToTenth(level.credits * scale),
      height: trackHeight,
      filledWidth: roundToTenth(Math.min(level.creditsCounted, level.credits) * scale),
      valueText: describeRow(level),
      valueY: y + trackHeight + 18,
    }
    y += trackHeight + valueLineHeight + rowGap
    return row
  })
  const axisY = y
  const ticks = [0, ...levels.map((level) => level.cumulativeCredits)].map((credits, index, all) => ({
    x: roundToTenth(labelWidth + credits * scale),
    label: index === all.length - 1 ? `${credits} credits` : String(credits),
    anchor: index === all.length - 1 ? ('end' as const) : ('middle' as const),
  }))
  const description = levels
    .map((level, index) => {
      const size =
        index === 0
          ? `${level.credits} credits`
          : `${level.credits} more credits, ${level.cumulativeCredits} in all`
      const counted = level.creditsCounted === 0 ? 'none counted yet' : `${level.creditsCounted} counted`
      return `${level.name} (${size}): ${counted}, ${stateWords[level.state]}`
    })
    .join('. ')
  return {
    width: diagramWidth,
    height: axisY + 30,
    rows,
    axis: { y: axisY, x1: labelWidth, x2: roundToTenth(labelWidth + maximum * scale), ticks },
    gridTop: top,
    description: `${description}.`,
  }
}

// The timeline -----------------------------------------------------------------------------------------------

const monthNames = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
]

/** "about 1 month", "about 10 months". */
export function describeMonths(months: number): string {
  return `about ${months} ${months === 1 ? 'month' : 'months'}`
}

/** `2026-11-22` plus 10 months → "September 2027": an estimate is a month, not a day. */
export function estimateMonth(today: string, monthsFromNow: number): string {
  const [year, month] = addMonths(today, monthsFromNow).split('-').map(Number) as [number, number]
  return `${monthNames[month - 1]} ${year}`
}

export interface TimelineView extends TimelineStep {
  /** "about 10 months" */
  readonly duration: string
  /** The month this level would be finished: "September 2027". */
  readonly finishBy: string
}

export function timelineFrom(steps: readonly TimelineStep[], today: string): TimelineView[] {
  return steps.map((step) => ({
    ...step,
    duration: describeMonths(step.months),
    finishBy: estimateMonth(today, step.monthsFromNow),
  }))
}

// The page's model ----------------------------------------------------------------------------------------------

const levelStateLabels: Readonly<Record<LevelProgress['state'], string>> = {
  held: 'Held',
  next: 'Next award',
  later: 'Later',
}

/** Everything the progress part of a record page shows, in words and numbers; null without the credit rules. */
export function progressForView(
  assessment: RecordAssessment | null,
  today: string,
  universityName: (id: string) => string,
) {
  if (assessment === null) return null
  return {
    ...assessment,
    diagram: buildProgressDiagram(assessment.levels),
    levels: assessment.levels.map((level) => ({
      ...level,
      stateLabel: levelStateLabels[level.state],
      countedText: level.counted.map((unit) =>
        unit.code === null
          ? `Recognised prior learning at ${universityName(unit.universityId)}, ${unit.credits} credits`
          : `${unit.title} (${unit.code}), ${unit.credits} credits`,
      ),
    })),
    creditsByKind: assessment.creditsByKind.map((entry) => ({
      ...entry,
      label: moduleKindLabels[entry.kind],
      hours: entry.credits * assessment.learningHours.hoursPerCredit,
    })),
    /** Where the timeline starts, `YYYY-MM-DD`. */
    today,
    timeline: timelineFrom(assessment.timeline, today),
  }
}
