import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signDidKeyPgCert, signTamperedPgCert } from '../support/credential-fixtures.ts'
import { testEngines } from '../support/test-database.ts'
import {
  checkAccessibility,
  checkAccessibilityWithoutJavaScript,
  collectPageErrors,
  startBrowserHarness,
  type BrowserHarness,
} from './browser.ts'
import { CredentialVerdictPage, VerifyCredentialPage } from './pages/verify-credential-page.ts'

// Verification for anyone in Chromium: someone who is not signed in follows the footer link, submits nothing, pastes
// a genuine PGCert credential, then a tampered one, and uploads a file; and the same without JavaScript. axe checks
// every page state.

const journeyTimeout = { timeout: 120_000 }

for (const engine of testEngines()) {
  describe(`checking a digital credential [${engine}]`, journeyTimeout, () => {
    let harness: BrowserHarness

    beforeAll(async () => {
      harness = await startBrowserHarness({ loadCatalogue: false }, { engine })
    })

    afterAll(async () => {
      await harness?.close()
    })

    it('verifies a pasted credential, then says a tampered one is not valid', async () => {
      const page = await harness.newPage()
      const errors = collectPageErrors(page)
      await page.goto('/')
      await page.getByRole('contentinfo').getByRole('link', { name: 'Check a digital credential' }).click()
      let form = await VerifyCredentialPage.verifyOnPage(page)
      await checkAccessibility(page, 'verify form')

      await form.checkNothing()
      form = await VerifyCredentialPage.verifyOnPage(page)
      expect(await page.title()).toMatch(/^Error: /)
      expect(await form.errorSummary.innerText()).toContain(
        'Paste a credential, or choose a file that holds one',
      )
      await checkAccessibility(page, 'verify form, nothing pasted')

      await form.paste(JSON.stringify(await signDidKeyPgCert(), null, 2))
      let verdict = await CredentialVerdictPage.verifyOnPage(page, 'This credential is verified')
      expect(await verdict.main.innerText()).toContain('PGCert Clinical Research')
      expect(await verdict.main.innerText()).toContain('FHEQ level 7')
      expect(await verdict.check('signature').innerText()).toContain('Passed')
      await checkAccessibility(page, 'verdict, verified')

      await verdict.checkAnother()
      form = await VerifyCredentialPage.verifyOnPage(page)
      await form.paste(JSON.stringify(await signTamperedPgCert()))
      verdict = await CredentialVerdictPage.verifyOnPage(page, 'This credential is not valid')
      const signature = await verdict.check('signature').innerText()
      expect(signature).toContain('Failed')
      expect(signature).toContain('changed after it was signed')
      await checkAccessibility(page, 'verdict, tampered')
      expect(errors).toEqual([])
    })

    it('works without JavaScript, uploading a file', async () => {
      const page = await harness.newPage({ javaScriptEnabled: false })
      await page.goto('/verify')
      let form = await VerifyCredentialPage.verifyOnPage(page)
      await checkAccessibilityWithoutJavaScript(page, 'verify form, no JavaScript')

      await form.upload('not-a-credential.json', 'this is not JSON')
      form = await VerifyCredentialPage.verifyOnPage(page)
      expect(await form.errorSummary.innerText()).toContain('The selected file is not JSON')
      await checkAccessibilityWithoutJavaScript(page, 'verify form, file not JSON, no JavaScript')

      await form.upload('pgcert.json', JSON.stringify(await signDidKeyPgCert()))
      await CredentialVerdictPage.verifyOnPage(page, 'This credential is verified')
      await checkAccessibilityWithoutJavaScript(page, 'verdict, verified, no JavaScript')
    })
  })
}
