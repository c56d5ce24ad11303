import type { Page } from 'playwright-core'
import { readAccessibilityNode, type AccessibilityNode } from '../browser.ts'
import { TrellisPage, normaliseSpace, verifyHeading } from './trellis-page.ts'

/**
 * A learner record with its progress: the learner's own ("Your learning record") or a university's staff's
 * (headed with the learner's name). Both show the same summary, diagram and tables.
 */
export class LearningRecordPage extends TrellisPage {
  static async verifyOnPage(page: Page, heading = 'Your learning record'): Promise<LearningRecordPage> {
    await verifyHeading(page, heading)
    return new LearningRecordPage(page)
  }

  /** The progress diagram as assistive technology has it: its role, name and description. */
  diagram(): Promise<AccessibilityNode> {
    return readAccessibilityNode(this.page, 'figure svg.trellis-diagram')
  }

  /** The rows of a table, by its caption, each cell as read (without the headings narrow screens repeat). */
  async tableRows(caption: string): Promise<string[][]> {
    const table = this.main.getByRole('table', { name: caption, exact: true })
    const rows: string[][] = []
    for (const row of await table.locator('tbody tr').all()) {
      const cells: string[] = []
      for (const cell of await row.locator('th, td').all()) {
        const text = normaliseSpace(await cell.innerText())
        // On a narrow screen each cell starts with its column's heading, which wider screens hide (and then a
        // cell may start with the same word: "University of Exeter" under "University").
        const heading = cell.locator('.nhsuk-table__heading')
        const prefix =
          (await heading.count()) > 0 && (await heading.isVisible())
            ? normaliseSpace(await heading.innerText())
            : ''
        cells.push(prefix !== '' && text.startsWith(prefix) ? text.slice(prefix.length).trim() : text)
      }
      rows.push(cells)
    }
    return rows
  }

  /**
   * The captions of the module results tables, one a university that awarded credit, as read: "University of
   * Exeter: 60 credits passed".
   */
  resultsByUniversity(): Promise<string[]> {
    return this.textsOf(this.main.locator('table caption').filter({ hasText: /: \d+ credits? passed\s*$/ }))
  }

  /** The notes the credit rules made about the record. */
  notes(): Promise<string[]> {
    return this.textsOf(this.main.locator('#record-notes li'))
  }
}
