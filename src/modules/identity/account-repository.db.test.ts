import { randomUUID } from 'node:crypto'
import { expect, it } from 'vitest'
import { describeEachEngine } from '../../../test/support/each-engine.ts'
import { createPerson } from '../../../test/support/identity.ts'
import { createAccountRepository } from './account-repository.ts'

// Looking people up many at a time, as a cohort of learners needs, on each engine.

describeEachEngine('accounts looked up by id, many at once', ({ database }) => {
  it('finds every account of the ids given in one query, closed ones too, ordered by id, leaving unknown ids out', async () => {
    const db = database()
    const accounts = createAccountRepository(db)
    const people = await Promise.all(
      ['Ada', 'Ben', 'Cy'].map((fullName) => createPerson(db, { fullName, professionId: null })),
    )
    await db.transaction((tx) => accounts.anonymise(tx, people[2]!.id, new Date()))
    const unknown = randomUUID()

    const found = await accounts.findUsers([people[1]!.id, unknown, people[0]!.id, people[2]!.id])
    expect(found.map((user) => user.id)).toEqual(people.map((person) => person.id).sort())
    expect(Object.fromEntries(found.map((user) => [user.id, user.fullName]))).toEqual({
      [people[0]!.id]: 'Ada',
      [people[1]!.id]: 'Ben',
      [people[2]!.id]: 'Closed account',
    })
    expect(await accounts.findUsers([])).toEqual([])
  })
})
