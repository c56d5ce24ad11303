-- After the match: learners accept or decline what a published round matched them to, by its date; places left
-- unfilled go to clearing, where a learner without a placement takes one directly; a draft round may be discarded.
-- An accepted place is a placement: the learner's Research Practice Experience on the study, with its mentor (the
-- offer's), an academic supervisor and the RPE module it counts for (both set by the programme lead of the learner's
-- university), a logbook of activity with evidence, comments, and sign-off by mentor and supervisor. When both have
-- signed off, the placement becomes the RPE module result in the learner's record. The rules are in
-- placements/placement-service.ts and placements/supervision-service.ts; these checks mirror them.

-- A draft round that will not be published is discarded (kept, for the audit trail, never shown as current).
ALTER TABLE placement_match_rounds DROP CONSTRAINT placement_match_rounds_status_check;
ALTER TABLE placement_match_rounds
  ADD CONSTRAINT placement_match_rounds_status_check CHECK (status IN ('draft', 'published', 'discarded')),
  ADD COLUMN discarded_by uuid REFERENCES users (id),
  ADD COLUMN discarded_at timestamptz,
  ADD CONSTRAINT placement_match_rounds_discarded CHECK (
    (status = 'discarded') = (discarded_at IS NOT NULL) AND (status = 'discarded') = (discarded_by IS NOT NULL)
  );

-- The learner's answer to a published match: accepted or declined, and when. No answer by accept_by: lapsed.
ALTER TABLE placement_match_results
  ADD COLUMN response text CHECK (response IN ('accepted', 'declined')),
  ADD COLUMN responded_at timestamptz,
  ADD CONSTRAINT placement_match_results_response CHECK ((response IS NULL) = (responded_at IS NULL)),
  ADD CONSTRAINT placement_match_results_response_matched CHECK (response IS NULL OR offer_id IS NOT NULL);

CREATE TABLE placements (
  id uuid PRIMARY KEY,
  offer_id uuid NOT NULL REFERENCES placement_offers (id),
  learner_id uuid NOT NULL REFERENCES users (id),
  -- The round whose match the learner accepted; null when the place was taken from clearing.
  round_id uuid REFERENCES placement_match_rounds (id),
  -- The learner's university when they accepted (their active enrolment's): its programme lead sets up supervision.
  university_id text NOT NULL REFERENCES organisations (id),
  mentor_id uuid NOT NULL REFERENCES users (id),
  -- Set by the programme lead: who supervises for the university, and the RPE module the placement counts for.
  academic_supervisor_id uuid REFERENCES users (id),
  module_code text CHECK (length(btrim(module_code)) BETWEEN 1 AND 30),
  module_title text CHECK (length(btrim(module_title)) BETWEEN 1 AND 200),
  credits integer CHECK (credits BETWEEN 1 AND 180),
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'signed-off', 'withdrawn')),
  accepted_at timestamptz NOT NULL,
  signed_off_at timestamptz,
  -- The module result the sign-off recorded in the learner's record.
  module_result_id uuid UNIQUE REFERENCES module_results (id),
  CHECK ((module_code IS NULL) = (module_title IS NULL) AND (module_code IS NULL) = (credits IS NULL)),
  CHECK ((status = 'signed-off') = (signed_off_at IS NOT NULL)),
  CHECK ((status = 'signed-off') = (module_result_id IS NOT NULL)),
  CHECK (status <> 'signed-off' OR (academic_supervisor_id IS NOT NULL AND module_code IS NOT NULL))
);
-- One placement at a time for a learner.
CREATE UNIQUE INDEX placements_one_active ON placements (learner_id) WHERE status = 'active';
-- A learner accepts a round's match once.
CREATE UNIQUE INDEX placements_round_learner ON placements (round_id, learner_id) WHERE round_id IS NOT NULL;
CREATE INDEX placements_offer ON placements (offer_id, status);
CREATE INDEX placements_learner ON placements (learner_id, accepted_at);
CREATE INDEX placements_mentor ON placements (mentor_id, status);
CREATE INDEX placements_supervisor ON placements (academic_supervisor_id, status);
CREATE INDEX placements_university ON placements (university_id, status);

-- The learner's logbook: what they did on the study, on which day, for how long, and what they learned.
CREATE TABLE placement_logbook_entries (
  id uuid PRIMARY KEY,
  placement_id uuid NOT NULL REFERENCES placements (id),
  entry_date date NOT NULL,
  -- Up to a long day, in tenths of an hour.
  hours numeric(3, 1) NOT NULL CHECK (hours > 0 AND hours <= 24),
  activity text NOT NULL CHECK (activity IN ('feasibility', 'study-set-up', 'screening-and-recruitment', 'consent',
    'data-collection', 'safety-reporting', 'protocol-deviations', 'site-file')),
  reflection text NOT NULL CHECK (length(btrim(reflection)) BETWEEN 1 AND 5000),
  created_at timestamptz NOT NULL
);
CREATE INDEX placement_logbook_entries_placement ON placement_logbook_entries (placement_id, entry_date, created_at);

-- Evidence for an entry (never patient data: the page says so), kept as prior-learning evidence is.
CREATE TABLE placement_logbook_evidence (
  id uuid PRIMARY KEY,
  entry_id uuid NOT NULL REFERENCES placement_logbook_entries (id),
  position integer NOT NULL,
  file_name text NOT NULL CHECK (length(file_name) BETWEEN 1 AND 200),
  media_type text NOT NULL CHECK (media_type IN ('application/pdf', 'image/png', 'image/jpeg')),
  size_bytes integer NOT NULL CHECK (size_bytes BETWEEN 1 AND 5242880),
  sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  content bytea NOT NULL,
  uploaded_at timestamptz NOT NULL,
  CHECK (octet_length(content) = size_bytes),
  UNIQUE (entry_id, position)
);

-- Review: the mentor's and the supervisor's comments, on the placement or on one entry.
CREATE TABLE placement_comments (
  id uuid PRIMARY KEY,
  placement_id uuid NOT NULL REFERENCES placements (id),
  entry_id uuid REFERENCES placement_logbook_entries (id),
  author_id uuid NOT NULL REFERENCES users (id),
  author_role text NOT NULL CHECK (author_role IN ('mentor', 'academic-supervisor')),
  body text NOT NULL CHECK (length(btrim(body)) BETWEEN 1 AND 5000),
  created_at timestamptz NOT NULL
);
CREATE INDEX placement_comments_placement ON placement_comments (placement_id, created_at);

-- Sign-off, once by each: the mentor for the NHS site, the academic supervisor for the university.
CREATE TABLE placement_sign_offs (
  placement_id uuid NOT NULL REFERENCES placements (id),
  signer_role text NOT NULL CHECK (signer_role IN ('mentor', 'academic-supervisor')),
  signed_by uuid NOT NULL REFERENCES users (id),
  signed_at timestamptz NOT NULL,
  comment text CHECK (length(comment) <= 2000),
  PRIMARY KEY (placement_id, signer_role)
);
