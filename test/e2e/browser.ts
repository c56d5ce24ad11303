import { createServer, type AddressInfo } from 'node:net'
import { AxeBuilder } from '@axe-core/playwright'
import {
  chromium,
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  type Locator,
  type Page,
} from 'playwright-core'
import { expect } from 'vitest'
import { randomUUID } from 'node:crypto'
import { sessionCookieName } from '../support/identity.ts'
import { createTestApp, type TestApp, type TestAppOptions } from '../support/test-app.ts'
import type { EngineName } from '../support/test-database.ts'

/** The Debian package's Chromium: the browser tests never download one. */
export const chromiumPath = '/usr/bin/chromium'

const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

/** The WCAG 2.0, 2.1 and 2.2 A and AA rules: the bar every page state must meet. */
export const wcagTags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']

/** The real app, listening on a free port, and one browser to drive it. */
export interface BrowserHarness {
  readonly testApp: TestApp
  readonly browser: Browser
  readonly baseUrl: string
  /** A fresh context (its own cookies and settings) whose relative URLs resolve against the app. */
  newPage(options?: BrowserContextOptions): Promise<Page>
  close(): Promise<void>
}

export interface HarnessOptions {
  /** The database engine the app runs on: PGlite in memory unless given. */
  readonly engine?: EngineName
  /** The port to listen on, when something must know the app's address before it starts (reserveFreePort). */
  readonly port?: number
  /** Origins besides the app's that pages may load, such as an OpenID provider started by the test. */
  readonly otherOrigins?: readonly string[]
}

/**
 * Starts the app exactly as production builds it (on an in-memory database with the real catalogue) and the
 * system Chromium beside it. Call once per test file, in beforeAll, and close in afterAll.
 *
 * The app's public URL is the address it listens on, so that the links in the emails it sends (kept in the
 * outbox: no SMTP server is configured) open the app under test, as they would for a person reading them.
 */
export async function startBrowserHarness(
  appOptions: TestAppOptions = {},
  harnessOptions: HarnessOptions = {},
): Promise<BrowserHarness> {
  const port = harnessOptions.port ?? (await reserveFreePort())
  const baseUrl = `http://127.0.0.1:${port}`
  const reachable = new Set([baseUrl, ...(harnessOptions.otherOrigins ?? [])])
  const [started, launched] = await Promise.allSettled([
    createTestApp(harnessOptions.engine ?? 'pglite', {
      ...appOptions,
      settings: { publicUrl: baseUrl, ...appOptions.settings },
    }),
    chromium.launch({ executablePath: chromiumPath, args: chromiumArgs, headless: true }),
  ])
  if (started.status === 'rejected' || launched.status === 'rejected') {
    // Leave no browser process or database behind when only one of the two started.
    if (started.status === 'fulfilled') await started.value.close()
    if (launched.status === 'fulfilled') await launched.value.close()
    throw started.status === 'rejected' ? started.reason : (launched as PromiseRejectedResult).reason
  }
  const testApp = started.value
  const browser = launched.value
  await testApp.app.listen({ host: '127.0.0.1', port })
  const contexts: BrowserContext[] = []
  return {
    testApp,
    browser,
    baseUrl,
    async newPage(options = {}) {
      const context = await browser.newContext({ baseURL: baseUrl, ...options })
      contexts.push(context)
      // Only the app under test (and any site the test started beside it) answers: anything else (the NHS web
      // fonts) is refused, so that no test waits on, or depends on, the network.
      await context.route(
        (url) => !reachable.has(url.origin),
        (route) => route.abort('blockedbyclient'),
      )
      return context.newPage()
    },
    async close() {
      await Promise.all(contexts.map((context) => context.close()))
      await browser.close()
      await testApp.close()
    },
  }
}

/**
 * A port that was free a moment ago: the app's address must be known before it is built (its emails hold
 * links to it), and the operating system does not hand the same ephemeral port out again straight away.
 */
/**
 * A page signed in as a person by a session the app starts, as signing in with a password would: the sign-in
 * journeys themselves are tested in identity-journey.test.ts.
 */
export async function signedInPage(
  harness: BrowserHarness,
  person: { readonly id: string },
  options: BrowserContextOptions = {},
): Promise<Page> {
  const page = await harness.newPage(options)
  const session = await harness.testApp.db.database.transaction((tx) =>
    harness.testApp.services.accounts.startSession(tx, person.id, 'password', {
      requestId: randomUUID(),
      ip: '127.0.0.1',
      userAgent: 'playwright',
    }),
  )
  await page.context().addCookies([{ name: sessionCookieName, value: session.token, url: harness.baseUrl }])
  return page
}

export async function reserveFreePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

/**
 * With TRELLIS_E2E_SCREENSHOTS set to a directory, saves a full-page screenshot of the page as it is now there
 * (`<directory>/<name>.png`), for a person to look at the layout; otherwise does nothing.
 */
export async function saveScreenshot(page: Page, name: string): Promise<void> {
  const directory = process.env.TRELLIS_E2E_SCREENSHOTS
  if (directory === undefined || directory === '') return
  await page.screenshot({ path: `${directory}/${name}.png`, fullPage: true })
}

/** Runs axe against the page as it is now and fails, naming every violation, if there is any. */
export async function checkAccessibility(page: Page, label: string): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(wcagTags).analyze()
  const report = results.violations.map((violation) => {
    const targets = violation.nodes.map((node) => `    ${node.target.join(' ')}`).join('\n')
    return `${violation.id} (${violation.impact ?? 'unknown impact'}): ${violation.help}\n${targets}`
  })
  expect(report, `axe found violations on ${label} (${page.url()})`).toEqual([])
}

/** Per browser, one JavaScript-enabled page that serves the copies axe checks, and the copy it is serving. */
const snapshotPages = new WeakMap<Browser, Promise<{ page: Page; served: Map<string, string> }>>()

function openSnapshotPage(browser: Browser, origin: string) {
  let snapshot = snapshotPages.get(browser)
  if (!snapshot) {
    snapshot = (async () => {
      const served = new Map<string, string>()
      const context = await browser.newContext()
      await context.route('**/*', async (route) => {
        const url = route.request().url()
        const html = served.get(url)
        if (html !== undefined)
          return route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html })
        if (new URL(url).origin === origin) return route.fallback()
        return route.abort('blockedbyclient')
      })
      return { page: await context.newPage(), served }
    })()
    snapshotPages.set(browser, snapshot)
  }
  return snapshot
}

/**
 * axe is a script run in the page, and a context with JavaScript turned off runs none. So the page as the
 * visitor without JavaScript has it (its DOM as rendered, with the scripts taken out so that none can change
 * it) is served again at the same address to a page where axe can run, and checked there with the same
 * styles.
 */
export async function checkAccessibilityWithoutJavaScript(page: Page, label: string): Promise<void> {
  const url = page.url()
  const html = (await page.content()).replace(/<script\b[\s\S]*?<\/script>/gi, '')
  const browser = page.context().browser()
  if (!browser) throw new Error('The page has no browser to run axe in')
  const snapshot = await openSnapshotPage(browser, new URL(url).origin)
  snapshot.served.clear()
  snapshot.served.set(url, html)
  await snapshot.page.goto(url)
  await checkAccessibility(snapshot.page, label)
}

/** What the browser's accessibility tree (not the DOM) says about an element: what assistive technology hears. */
export interface AccessibilityNode {
  readonly role: string
  readonly name: string
  readonly description: string
}

/** Reads the computed role, accessible name and description of the first element matching `selector`. */
export async function readAccessibilityNode(page: Page, selector: string): Promise<AccessibilityNode> {
  // Chromium's DOM agent forgets every node id it gave out when the document's DOMContentLoaded fires: a page
  // object that has only waited for the heading of a page still loading would ask about a node it no longer
  // knows ("Could not find node with given id").
  await page.waitForLoadState('domcontentloaded')
  const cdp = await page.context().newCDPSession(page)
  try {
    const { root } = await cdp.send('DOM.getDocument', { depth: 0 })
    const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector })
    if (nodeId === 0) throw new Error(`No element matches ${selector} on ${page.url()}`)
    const { nodes } = await cdp.send('Accessibility.getPartialAXTree', { nodeId, fetchRelatives: false })
    const node = nodes[0]
    return {
      role: String(node?.role?.value ?? ''),
      name: String(node?.name?.value ?? ''),
      description: String(node?.description?.value ?? ''),
    }
  } finally {
    await cdp.detach()
  }
}

/** Collects uncaught script errors: progressive enhancement must never break the page it enhances. */
export function collectPageErrors(page: Page): string[] {
  const errors: string[] = []
  page.on('pageerror', (error) => errors.push(error.message))
  return errors
}

/** The element that has focus, and whether a sighted keyboard user can see where focus is. */
export interface FocusState {
  /** e.g. `a "Skip to main content"`, for messages. */
  readonly description: string
  readonly tagName: string
  readonly text: string
  readonly accessibleLabel: string
  /** It draws the NHS.UK focus indicator: yellow (#ffeb3b) as outline, shadow or background, or a visible outline. */
  readonly hasFocusStyle: boolean
  /** Wholly inside the viewport: not scrolled away or hidden off screen (WCAG 2.4.11). */
  readonly isInViewport: boolean
}

/**
 * The few browser globals readFocus uses. The project compiles without the DOM library (it is a Node.js
 * service), so the function evaluated in the page names what it needs here.
 */
interface BrowserGlobals {
  readonly document: { readonly activeElement: BrowserElement | null; readonly body: BrowserElement }
  readonly innerHeight: number
  readonly innerWidth: number
  getComputedStyle(element: BrowserElement): {
    readonly outlineStyle: string
    readonly outlineWidth: string
    readonly outlineColor: string
    readonly boxShadow: string
    readonly backgroundColor: string
  }
}

interface BrowserElement {
  readonly tagName: string
  readonly innerText?: string
  getAttribute(name: string): string | null
  getBoundingClientRect(): {
    top: number
    left: number
    bottom: number
    right: number
    width: number
    height: number
  }
}

export async function readFocus(page: Page): Promise<FocusState | null> {
  return page.evaluate(() => {
    const browser = globalThis as unknown as BrowserGlobals
    const element = browser.document.activeElement
    if (!element || element === browser.document.body) return null
    const style = browser.getComputedStyle(element)
    const focusYellow = 'rgb(255, 235, 59)'
    const outlineVisible =
      style.outlineStyle !== 'none' &&
      parseFloat(style.outlineWidth) > 0 &&
      !/rgba\(.*, 0\)$|transparent/.test(style.outlineColor)
    const hasFocusStyle =
      outlineVisible ||
      style.boxShadow.includes(focusYellow) ||
      style.backgroundColor === focusYellow ||
      style.outlineColor === focusYellow
    const rect = element.getBoundingClientRect()
    const isInViewport =
      rect.width > 0 &&
      rect.height > 0 &&
      rect.top >= 0 &&
      rect.left >= 0 &&
      rect.bottom <= browser.innerHeight &&
      rect.right <= browser.innerWidth
    const text = element.innerText?.replace(/\s+/g, ' ').trim() ?? ''
    const accessibleLabel = element.getAttribute('aria-label') ?? ''
    return {
      description: `${element.tagName.toLowerCase()} "${text || accessibleLabel}"`,
      tagName: element.tagName.toLowerCase(),
      text,
      accessibleLabel,
      hasFocusStyle,
      isInViewport,
    }
  })
}

/** Far more Tab presses than any target on these pages needs: a bound, so that a missing target fails fast. */
const maximumTabs = 120

/**
 * Presses Tab until `target` has focus, asserting on the way that every element reached shows the NHS.UK focus
 * indicator and is scrolled into view: a keyboard user can always see where they are. Returns how many
 * presses it took.
 */
export async function tabTo(page: Page, target: Locator): Promise<number> {
  const passed: string[] = []
  for (let presses = 1; presses <= maximumTabs; presses++) {
    await page.keyboard.press('Tab')
    const focus = await readFocus(page)
    if (!focus) continue
    expect(focus.hasFocusStyle, `visible focus on ${focus.description} (${page.url()})`).toBe(true)
    expect(focus.isInViewport, `${focus.description} scrolled into view (${page.url()})`).toBe(true)
    if ((await target.and(page.locator(':focus')).count()) === 1) return presses
    passed.push(focus.description)
  }
  throw new Error(`Tab never reached ${target} on ${page.url()}; focus went through: ${passed.join(', ')}`)
}
