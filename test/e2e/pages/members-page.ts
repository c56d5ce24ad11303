import type { Page } from 'playwright-core'
import { TrellisPage, normaliseSpace, verifyHeading } from './trellis-page.ts'

/** An organisation's members and waiting invitations, as its leads manage them. */
export class MembersPage extends TrellisPage {
  static async verifyOnPage(page: Page, organisation: string): Promise<MembersPage> {
    await verifyHeading(page, 'Members')
    const members = new MembersPage(page)
    const caption = await members.caption()
    if (caption !== organisation) throw new Error(`Expected the members of ${organisation}, not ${caption}`)
    return members
  }

  /** The name of each member, in the order shown. */
  memberNames(): Promise<string[]> {
    return this.textsOf(this.main.locator('section h2'))
  }

  /** What the page says about each member: "email · roles". */
  async memberSummary(name: string): Promise<string> {
    const section = this.main.locator('section').filter({
      has: this.page.getByRole('heading', { name, exact: true }),
    })
    return normaliseSpace(await section.locator('p').first().innerText())
  }

  /** Opens "Change roles or remove" under a member (each names its member to assistive technology). */
  async openMemberActions(name: string): Promise<void> {
    await this.main.locator('summary').filter({ hasText: name }).click()
  }

  /** The roles ticked in a member's "Roles of …" checkboxes, once their actions are open. */
  async memberRoles(name: string): Promise<string[]> {
    const group = this.main.getByRole('group', { name: `Roles of ${name}`, exact: true })
    const ticked: string[] = []
    for (const box of await group.getByRole('checkbox').all()) {
      if (await box.isChecked())
        ticked.push(normaliseSpace(await box.locator('xpath=following-sibling::label[1]').innerText()))
    }
    return ticked
  }

  /** Each waiting invitation: "email · roles · expires date". */
  invitations(): Promise<string[]> {
    const heading = this.main.locator('h2', { hasText: 'Invitations waiting' })
    return this.textsOf(heading.locator('xpath=following-sibling::ul[1]/li/p'))
  }

  readonly inviteEmailField = this.main.getByLabel('Their email address', { exact: true })

  async invite(email: string, roles: readonly string[]): Promise<void> {
    await this.inviteEmailField.fill(email)
    const roleGroup = this.main.getByRole('group', { name: 'Their roles' })
    for (const role of roles) await roleGroup.getByLabel(role, { exact: true }).check()
    await this.submitWith(this.main.getByRole('button', { name: 'Send the invitation', exact: true }))
  }
}
