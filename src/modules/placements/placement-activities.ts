/**
 * What a learner can do on a study during Research Practice Experience: the checklist a mentor ticks when
 * offering places. Modelled on the delivery tasks of the NIHR Associate PI Scheme and of Good Clinical Practice
 * (DOMAIN.md §5), in the order a study meets them.
 */
export const placementActivities = [
  {
    id: 'feasibility',
    label: 'Feasibility',
    description: 'Checking whether the site can deliver the study: patients, staff, time and facilities.',
  },
  {
    id: 'study-set-up',
    label: 'Study set-up',
    description:
      'Getting the site ready to open: approvals, training logs, delegation and the site initiation visit.',
  },
  {
    id: 'screening-and-recruitment',
    label: 'Screening and recruitment',
    description:
      'Finding people who may be eligible and checking them against the inclusion and exclusion criteria.',
  },
  {
    id: 'consent',
    label: 'Informed consent',
    description: 'Taking part in the consent conversation and recording consent as the protocol says.',
  },
  {
    id: 'data-collection',
    label: 'Data collection',
    description:
      'Collecting study data at visits and entering it in the case report forms accurately and on time.',
  },
  {
    id: 'safety-reporting',
    label: 'Safety reporting',
    description: 'Recognising, recording and reporting adverse events within the required timelines.',
  },
  {
    id: 'protocol-deviations',
    label: 'Protocol deviations',
    description:
      'Spotting departures from the protocol, recording them and helping to stop them happening again.',
  },
  {
    id: 'site-file',
    label: 'Investigator site file',
    description:
      'Keeping the site file complete and up to date: versions, logs, correspondence and sign-offs.',
  },
] as const

export type PlacementActivity = (typeof placementActivities)[number]
export type PlacementActivityId = PlacementActivity['id']

export const placementActivityIds: readonly PlacementActivityId[] = placementActivities.map(
  (activity) => activity.id,
)

export function isPlacementActivityId(value: string): value is PlacementActivityId {
  return (placementActivityIds as readonly string[]).includes(value)
}

/** An activity's label, or the id itself for one no longer on the checklist. */
export function describeActivity(id: string): string {
  return placementActivities.find((activity) => activity.id === id)?.label ?? id
}
