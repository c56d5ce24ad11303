import type { CatalogueContent } from '../../src/modules/catalogue/catalogue-content-schemas.ts'
import type { NhsTrustRecord } from '../../src/modules/organisations/index.ts'

const seed = { status: 'verified' as const, sources: ['seed-002'] }

/** A small, valid catalogue: every kind of entry once or twice, cross-referenced correctly. */
export function buildContent(): CatalogueContent {
  return structuredClone({
    sources: [
      { id: 'seed-002', title: 'Credentials Framework', seed: '002_8898c23ecf9faecc.txt' },
      { id: 'nihr-page', title: 'An NIHR page', url: 'https://www.nihr.ac.uk/example' },
    ],
    regulators: [
      {
        id: 'nmc',
        name: 'Nursing and Midwifery Council',
        abbreviation: 'NMC',
        kind: 'statutory-regulator',
        description: 'Nurses.',
        ...seed,
      },
      {
        id: 'gmc',
        name: 'General Medical Council',
        abbreviation: 'GMC',
        kind: 'statutory-regulator',
        description: 'Doctors.',
        ...seed,
      },
    ],
    professionGroups: [
      { id: 'nursing-midwifery', name: 'Nursing and midwifery', description: 'Nurses and midwives.' },
      { id: 'medicine', name: 'Medicine', description: 'Doctors.' },
      { id: 'healthcare-science', name: 'Healthcare science', description: 'Scientists.' },
    ],
    professions: [
      {
        id: 'nurse',
        name: 'Nurse',
        plural: 'nurses',
        group: 'nursing-midwifery',
        description: 'A registered nurse.',
        isMedicalOrDental: false,
        registrations: [
          {
            regulator: 'nmc',
            format: '8 characters',
            pattern: '^\\d{2}[A-Z]\\d{4}[A-Z]$',
            example: '71A2998E',
            ...seed,
          },
        ],
        ...seed,
      },
      {
        id: 'doctor',
        name: 'Doctor',
        plural: 'doctors',
        group: 'medicine',
        description: 'A registered doctor.',
        isMedicalOrDental: true,
        registrations: [
          { regulator: 'gmc', format: '7 digits', pattern: '^\\d{7}$', example: '1234567', ...seed },
        ],
        ...seed,
      },
      {
        id: 'clinical-scientist',
        name: 'Clinical scientist',
        plural: 'clinical scientists',
        group: 'healthcare-science',
        description: 'A clinical scientist.',
        isMedicalOrDental: false,
        registrations: [],
        ...seed,
      },
    ],
    stages: [
      { id: 'early-research', name: 'Early research experience', description: 'A first taste.', ...seed },
      { id: 'doctoral', name: 'Doctoral', description: 'A doctorate.', ...seed },
      {
        id: 'research-delivery',
        name: 'Research delivery leadership',
        description: 'Leading delivery.',
        ...seed,
      },
    ],
    pathways: [
      {
        id: 'non-medical',
        name: 'Non-medical clinical academic pathway',
        description: 'For nurses and others.',
        professions: ['nurse', 'clinical-scientist'],
        steps: [
          {
            id: 'internships',
            name: 'Internships',
            stage: 'early-research',
            description: 'Taster.',
            ...seed,
          },
          {
            id: 'cdrf',
            name: 'Clinical Doctoral Research Fellowships',
            stage: 'doctoral',
            description: 'PhD.',
            ...seed,
          },
        ],
        notes: [],
        ...seed,
      },
    ],
    funders: [
      {
        id: 'nihr',
        name: 'National Institute for Health and Care Research',
        abbreviation: 'NIHR',
        description: 'Funds research.',
        ...seed,
      },
    ],
    schemes: [
      {
        id: 'dcaf',
        name: 'Doctoral Clinical and Practitioner Academic Fellowship',
        abbreviation: 'DCAF',
        formerNames: [{ name: 'Clinical Doctoral Research Fellowship', ...seed }],
        funders: ['nihr'],
        stages: ['doctoral'],
        professions: { allExcept: ['doctor'] },
        isCurrent: true,
        summary: 'A funded PhD.',
        eligibility: { text: 'Registered, not doctors.', ...seed },
        duration: { text: 'Three years.', ...seed },
        funds: null,
        ...seed,
      },
      {
        id: 'old-internship',
        name: 'Old internship',
        formerNames: [],
        funders: ['nihr'],
        stages: ['early-research'],
        professions: { all: true },
        isCurrent: false,
        replacedBy: 'dcaf',
        summary: 'Closed.',
        eligibility: null,
        duration: null,
        funds: null,
        status: 'unverified',
        sources: ['nihr-page'],
      },
    ],
    framework: {
      id: 'clinician-researcher-credentials',
      name: 'Clinician Researcher Credentials Framework',
      summary: 'Part-time Master’s-level qualifications.',
      audience: { text: 'Any regulated profession.', ...seed },
      hoursPerCredit: { value: 10, ...seed },
      partTimeMonthsPerLevel: { value: 10, ...seed },
      fullMastersPartTimeYears: { value: 3, ...seed },
      moduleKinds: [
        { id: 'online', name: 'Online module', description: 'Taught.', creditOptions: [15, 20], ...seed },
        {
          id: 'rpe',
          name: 'Research Practice Experience',
          description: 'Practice.',
          creditOptions: [],
          ...seed,
        },
        { id: 'dissertation', name: 'Dissertation', description: 'Project.', creditOptions: [60], ...seed },
      ],
      roles: [
        { id: 'local-co-investigator', name: 'Local Co-Investigator', description: 'Co-I.', ...seed },
        { id: 'local-pi-most-studies', name: 'Local PI on most studies', description: 'PI.', ...seed },
      ],
      levels: [
        {
          id: 'pgcert',
          name: 'Postgraduate Certificate',
          abbreviation: 'PGCert',
          credits: 60,
          cumulativeCredits: 60,
          minimumLevel7Credits: { value: 40, ...seed },
          entryRequires: null,
          entry: { text: 'Set by each university.', ...seed },
          compositions: [
            {
              description: '1 RPE and 3 online of 15',
              parts: [
                { kind: 'rpe', count: 1, creditsEach: 15 },
                { kind: 'online', count: 3, creditsEach: 15 },
              ],
            },
          ],
          prepares: ['local-co-investigator'],
          aim: { text: 'Core learning.', ...seed },
          firstCohort: null,
          ...seed,
        },
        {
          id: 'pgdip',
          name: 'Postgraduate Diploma',
          abbreviation: 'PGDip',
          credits: 60,
          cumulativeCredits: 120,
          minimumLevel7Credits: { value: 90, ...seed },
          entryRequires: 'pgcert',
          entry: { text: 'The PGCert or equivalent.', ...seed },
          compositions: [
            {
              description: '1 RPE and 2 online',
              parts: [
                { kind: 'rpe', count: 1 },
                { kind: 'online', count: 2 },
              ],
            },
          ],
          prepares: [],
          aim: { text: 'Specialisation.', ...seed },
          firstCohort: null,
          ...seed,
        },
        {
          id: 'masters',
          name: "Master's degree",
          abbreviation: "Master's",
          credits: 60,
          cumulativeCredits: 180,
          minimumLevel7Credits: { value: 150, ...seed },
          entryRequires: 'pgdip',
          entry: { text: 'The PGDip.', ...seed },
          compositions: [
            { description: 'A dissertation', parts: [{ kind: 'dissertation', count: 1, creditsEach: 60 }] },
          ],
          prepares: ['local-pi-most-studies'],
          aim: { text: 'Lead.', ...seed },
          firstCohort: null,
          ...seed,
        },
      ],
      fees: { text: 'Set by universities.', ...seed },
      bursaries: { text: 'DHSC bursaries.', ...seed },
      entryRequirements: { text: 'Set by universities.', ...seed },
      priorLearning: { text: 'Step in and out.', ...seed },
      evaluation: { text: 'Each level is evaluated.', ...seed },
      enquiries: { text: 'Email the team.', ...seed },
      ...seed,
    },
    providers: [
      {
        id: 'university-of-exeter',
        name: 'University of Exeter',
        description: 'Exeter.',
        priorLearning: null,
        modules: [
          {
            id: 'exeter-doing-clinical-research',
            name: 'Doing Clinical Research',
            kind: 'online',
            credits: 15,
            ...seed,
          },
          { id: 'exeter-rpe', name: 'Research Practice Experience', kind: 'rpe', credits: null, ...seed },
        ],
        programmes: [
          {
            id: 'exeter-pgcert',
            name: 'PGCert Leading Clinical Research Delivery',
            award: 'pgcert',
            description: 'A PGCert.',
            launched: null,
            modules: [
              { module: 'exeter-doing-clinical-research', compulsory: true },
              { module: 'exeter-rpe', compulsory: true },
            ],
            options: [],
            notes: [],
            ...seed,
          },
        ],
        ...seed,
      },
    ],
    healthcareScience: {
      summary: { text: 'Healthcare science.', ...seed },
      divisions: [{ id: 'life-sciences', name: 'Life sciences', description: 'Labs.', ...seed }],
      levels: [
        {
          id: 'stp',
          name: 'Scientist Training Programme',
          description: 'Postgraduate.',
          stage: 'doctoral',
          ...seed,
        },
      ],
      specialismGroups: [
        {
          id: 'blood-sciences',
          name: 'Blood sciences',
          division: { id: 'life-sciences', ...seed },
          specialisms: [{ id: 'immunology', name: 'immunology' }],
          ...seed,
        },
      ],
    },
    researchCulture: {
      summary: { text: 'Everyone’s future.', ...seed },
      roles: { items: [{ id: 'pi', name: 'Principal investigator' }], ...seed },
      evidence: [{ id: 'study', title: 'A study', ...seed }],
      strategy: {
        id: 'strategy',
        title: 'Saving and Improving Lives',
        publisher: 'DHSC',
        published: 'March 2021',
        summary: 'Strategy.',
        themes: [{ id: 't', name: 'Theme' }],
        actions: [{ id: 'a', name: 'Action' }],
        ...seed,
      },
      jointStatement: {
        id: 'statement',
        title: 'Joint statement',
        year: 2017,
        actionCount: 12,
        summary: 'Twelve actions.',
        ...seed,
      },
      localPriorities: { summary: 'Priorities.', items: [{ id: 'workforce', name: 'Workforce' }], ...seed },
      caseStudyThemes: [
        {
          id: 'culture',
          name: 'Generating a research culture',
          description: 'Stories.',
          examples: [],
          ...seed,
        },
      ],
      community: { name: 'Community', description: 'A hub.', access: 'NHS email.', ...seed },
    },
    nhsTrusts: {
      file: 'etr.csv',
      snapshot: 'Q1 2025',
      licence: 'OGL',
      attribution: 'OGL v3.0',
      regions: [{ code: 'Y63', name: 'North East and Yorkshire' }],
      status: 'verified',
      sources: ['nihr-page'],
    },
  } satisfies CatalogueContent) as CatalogueContent
}

export function buildTrust(overrides: Partial<NhsTrustRecord> = {}): NhsTrustRecord {
  return {
    odsCode: 'RTD',
    name: 'The Newcastle upon Tyne Hospitals NHS Foundation Trust',
    officialName: 'THE NEWCASTLE UPON TYNE HOSPITALS NHS FOUNDATION TRUST',
    regionCode: 'Y63',
    regionName: 'North East and Yorkshire',
    icbCode: 'QHM',
    addressLines: ['Freeman Hospital'],
    postcode: 'NE7 7DN',
    openedOn: '2006-06-01',
    closedOn: null,
    ...overrides,
  }
}

/** Where each source came from, as the file reader records it. */
export function sourceOrigins(content: CatalogueContent): Map<string, { file: string; index: number }> {
  return new Map(content.sources.map((source, index) => [source.id, { file: 'sources/test.yaml', index }]))
}
