-- Placement offers: a mentor offers places for Research Practice Experience on a study at a site of their NHS
-- organisation; the organisation's employer research lead (or a framework admin) approves or rejects the offer,
-- and the mentor may withdraw it. The rules are in placements/placement-offer.ts; these checks mirror them.
-- That the site is the offer's organisation's, and that the mentor is a mentor there, is checked by the service in
-- the transaction that writes the offer (it crosses tables).

CREATE TABLE placement_offers (
  id uuid PRIMARY KEY,
  study_id uuid NOT NULL REFERENCES studies (id),
  -- Deliberately not ON DELETE CASCADE: an offer is never deleted because a study's sites were re-imported.
  study_site_id uuid NOT NULL REFERENCES study_sites (id),
  organisation_id text NOT NULL REFERENCES organisations (id),
  mentor_id uuid NOT NULL REFERENCES users (id),
  places integer NOT NULL CHECK (places BETWEEN 1 AND 50),
  specialty text NOT NULL CHECK (length(btrim(specialty)) BETWEEN 1 AND 100),
  complexity text NOT NULL CHECK (complexity IN ('less-complex', 'complex')),
  -- From the checklist in placements/placement-activities.ts; at least one.
  activities text[] NOT NULL CHECK (
    cardinality(activities) BETWEEN 1 AND 8
    AND activities <@ ARRAY['feasibility', 'study-set-up', 'screening-and-recruitment', 'consent',
      'data-collection', 'safety-reporting', 'protocol-deviations', 'site-file']::text[]
  ),
  -- Up to a full-time NHS week (37.5 hours), in half hours or tenths.
  hours_per_week numeric(3, 1) NOT NULL CHECK (hours_per_week BETWEEN 1 AND 37.5),
  -- The start window: the learner starts on or after start_from and by start_by.
  start_from date NOT NULL,
  start_by date NOT NULL,
  -- What the learner needs first (GCP training, say), in the mentor's words; empty when nothing.
  prerequisites text NOT NULL DEFAULT '' CHECK (length(prerequisites) <= 2000),
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected', 'withdrawn')),
  -- Who moved the offer on from pending, and when: the research lead who decided, or the mentor who withdrew.
  decided_by uuid REFERENCES users (id),
  decided_at timestamptz,
  -- Why it was rejected: required then, and only then.
  reason text CHECK (length(btrim(reason)) BETWEEN 1 AND 2000),
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  CHECK (start_by >= start_from),
  CHECK ((status = 'pending') = (decided_at IS NULL)),
  CHECK ((status = 'pending') = (decided_by IS NULL)),
  CHECK ((status = 'rejected') = (reason IS NOT NULL)),
  CHECK (decided_at IS NULL OR decided_at >= created_at),
  CHECK (updated_at >= created_at)
);
-- An organisation's offers by status (its offers page, approvals waiting), a mentor's own, and a site's.
CREATE INDEX placement_offers_organisation_status ON placement_offers (organisation_id, status, created_at, id);
CREATE INDEX placement_offers_mentor ON placement_offers (mentor_id, created_at, id);
CREATE INDEX placement_offers_site ON placement_offers (study_site_id);
