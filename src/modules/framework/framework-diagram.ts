import type { FrameworkLevel, Role } from '../catalogue/index.ts'

/** One bar of the progression diagram: a level's credits stacked on those of the levels before it. */
export interface DiagramBar {
  readonly levelId: string
  readonly label: string
  readonly cumulativeCredits: number
  readonly credits: number
  readonly x: number
  readonly width: number
  /** Where the credits carried from earlier levels end and this level's own begin. */
  readonly carriedWidth: number
  readonly y: number
  readonly height: number
  readonly prepares: readonly string[]
  /** One line under the bar for each role the level prepares for. */
  readonly roleLines: readonly { readonly text: string; readonly y: number }[]
}

export interface ProgressionDiagram {
  readonly width: number
  readonly height: number
  readonly bars: readonly DiagramBar[]
  /** The sentence a screen reader hears instead of the picture. */
  readonly description: string
}

const width = 640
const labelWidth = 150
const barHeight = 36
const roleLineHeight = 22
const rowGap = 26

const roundToTenth = (value: number) => Math.round(value * 10) / 10

/**
 * PGCert 60 → PGDip 120 → Master's 180, drawn as bars whose length is the credits held at each level, so the
 * picture shows each level building on the one before. Pure geometry; the view draws it as SVG.
 */
export function buildProgressionDiagram(
  levels: readonly FrameworkLevel[],
  roles: readonly Role[],
): ProgressionDiagram {
  const maxCredits = Math.max(1, ...levels.map((level) => level.cumulativeCredits))
  const scale = (width - labelWidth - 20) / maxCredits
  const roleNames = new Map(roles.map((role) => [role.id, role.name]))
  let y = 10
  const bars = levels.map((level): DiagramBar => {
    const prepares = level.prepares.map((id) => roleNames.get(id) ?? id)
    const bar: DiagramBar = {
      levelId: level.id,
      label: level.abbreviation,
      cumulativeCredits: level.cumulativeCredits,
      credits: level.credits,
      x: labelWidth,
      width: roundToTenth(level.cumulativeCredits * scale),
      carriedWidth: roundToTenth((level.cumulativeCredits - level.credits) * scale),
      y,
      height: barHeight,
      prepares,
      roleLines: prepares.map((text, index) => ({ text, y: y + barHeight + 18 + index * roleLineHeight })),
    }
    y += barHeight + prepares.length * roleLineHeight + rowGap
    return bar
  })
  const description = levels
    .map((level, index) => {
      const roleText =
        level.prepares.length === 0
          ? ''
          : `; prepares for ${level.prepares.map((id) => roleNames.get(id) ?? id).join(' and ')}`
      const carried =
        index === 0 ? '' : ` (the ${levels[index - 1]?.abbreviation} plus ${level.credits} more)`
      return `${level.name}: ${level.cumulativeCredits} credits${carried}${roleText}`
    })
    .join('. ')
  return { width, height: y, bars, description: `${description}.` }
}
