import { beforeAll, expect, it } from 'vitest'
import { describeEachEngine } from '../../../test/support/each-engine.ts'
import { createMailer } from './create-mailer.ts'
import { createEmailOutbox, createOutboxMailer, type EmailOutbox } from './email-outbox.ts'

describeEachEngine('the email outbox', ({ database }) => {
  let outbox: EmailOutbox

  beforeAll(async () => {
    outbox = createEmailOutbox(database())
    const mailer = createOutboxMailer(database())
    expect(mailer.kind).toBe('outbox')
    await mailer.send({
      to: 'Asha.Patel@nhs.example',
      subject: 'Sign in to Trellis',
      text: 'Use this link: http://localhost:3000/sign-in/verify?token=first',
    })
    await mailer.send({
      to: 'sam.jones@nhs.example',
      subject: 'Confirm your email address',
      text: 'Confirm: http://localhost:3000/sign-up/confirm?token=second',
      html: '<p>Confirm</p>',
    })
    await mailer.send({
      to: 'asha.patel@nhs.example',
      subject: 'Reset your password',
      text: 'Reset: http://localhost:3000/password/reset?token=third',
    })
    await mailer.close()
  })

  it('lists what was sent, newest first, up to the limit', async () => {
    const all = await outbox.list({ limit: 10 })
    expect(all.map((message) => message.subject)).toEqual([
      'Reset your password',
      'Confirm your email address',
      'Sign in to Trellis',
    ])
    expect(all[1]).toMatchObject({
      to: 'sam.jones@nhs.example',
      text: 'Confirm: http://localhost:3000/sign-up/confirm?token=second',
      html: '<p>Confirm</p>',
    })
    expect(all[2]?.html).toBeNull()
    expect(all.every((message) => message.sentAt instanceof Date)).toBe(true)
    expect(all[0]!.sentAt.getTime()).toBeGreaterThanOrEqual(all[2]!.sentAt.getTime())
    expect(Math.abs(all[0]!.sentAt.getTime() - Date.now())).toBeLessThan(60_000)
    expect((await outbox.list({ limit: 2 })).map((message) => message.subject)).toEqual([
      'Reset your password',
      'Confirm your email address',
    ])
  })

  it('lists one recipient’s messages, matching the address without regard to case', async () => {
    const asha = await outbox.list({ recipient: 'ASHA.PATEL@nhs.example', limit: 10 })
    expect(asha.map((message) => [message.to, message.subject])).toEqual([
      ['asha.patel@nhs.example', 'Reset your password'],
      ['Asha.Patel@nhs.example', 'Sign in to Trellis'],
    ])
    expect(await outbox.list({ recipient: 'nobody@nhs.example', limit: 10 })).toEqual([])
  })

  it('finds one message by its id, and null for an id it does not hold', async () => {
    const [newest] = await outbox.list({ limit: 1 })
    expect(await outbox.findById(newest!.id)).toEqual(newest)
    expect(await outbox.findById(newest!.id + 1000)).toBeNull()
  })

  it('is the mailer chosen when no SMTP server is configured, and SMTP is chosen when one is', () => {
    const from = 'Trellis <no-reply@trellis.localhost>'
    expect(createMailer({ smtpUrl: undefined, from }, database()).kind).toBe('outbox')
    const smtp = createMailer({ smtpUrl: 'smtp://127.0.0.1:2525', from }, database())
    expect(smtp.kind).toBe('smtp')
    return smtp.close()
  })
})
