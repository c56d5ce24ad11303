-- The learner record: enrolments at universities (with transfers between them), module results (every attempt
-- kept, each with the university that awarded its credit), recognition of prior learning (RPL) with its evidence
-- and each university's cap, and CSV imports of results waiting for a second, confirming request.

CREATE TABLE enrolments (
  id uuid PRIMARY KEY,
  learner_id uuid NOT NULL REFERENCES users (id),
  -- An organisation of kind 'university' (checked by the learning service: a CHECK cannot look at another row).
  university_id text NOT NULL REFERENCES organisations (id),
  -- The catalogue programme, when the learner is on one Trellis lists.
  programme_id text REFERENCES programmes (id),
  started_on date NOT NULL,
  status text NOT NULL CHECK (status IN ('active', 'completed', 'withdrawn', 'transferred-out')),
  ended_on date,
  -- The enrolment at the university the learner moved from; that one is 'transferred-out'.
  transferred_from uuid REFERENCES enrolments (id),
  created_by uuid NOT NULL REFERENCES users (id),
  created_at timestamptz NOT NULL,
  CHECK ((status = 'active') = (ended_on IS NULL)),
  CHECK (ended_on IS NULL OR ended_on >= started_on),
  CHECK (transferred_from IS DISTINCT FROM id),
  -- What module_results refer to, so that a result's learner and university are always its enrolment's.
  UNIQUE (id, learner_id, university_id)
);
-- One active enrolment a learner at a time: moving university is a transfer, which ends the old one.
CREATE UNIQUE INDEX enrolments_one_active ON enrolments (learner_id) WHERE status = 'active';
-- An enrolment is transferred out of once.
CREATE UNIQUE INDEX enrolments_transferred_from ON enrolments (transferred_from) WHERE transferred_from IS NOT NULL;
CREATE INDEX enrolments_university ON enrolments (university_id, learner_id);

-- A preview of results read from a CSV file, kept until its uploader confirms it (or it expires), so that the
-- confirming request may reach any app instance.
CREATE TABLE result_import_batches (
  id uuid PRIMARY KEY,
  university_id text NOT NULL REFERENCES organisations (id),
  file_name text,
  -- The valid rows, as the learning service will record them: [{ line, learnerId, code, title, … }].
  rows jsonb NOT NULL,
  row_count integer NOT NULL CHECK (row_count > 0),
  status text NOT NULL CHECK (status IN ('preview', 'imported')),
  created_by uuid NOT NULL REFERENCES users (id),
  created_at timestamptz NOT NULL,
  imported_at timestamptz,
  CHECK ((status = 'imported') = (imported_at IS NOT NULL))
);
CREATE INDEX result_import_batches_university ON result_import_batches (university_id, created_at);

CREATE TABLE module_results (
  id uuid PRIMARY KEY,
  -- The order results were recorded in: retakes are later rows, and history is never rewritten.
  sequence bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  learner_id uuid NOT NULL,
  enrolment_id uuid NOT NULL,
  -- The awarding university: where the credit was earned, whatever the learner does later.
  university_id text NOT NULL,
  code text NOT NULL CHECK (length(code) BETWEEN 1 AND 30),
  title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  kind text NOT NULL CHECK (kind IN ('online', 'rpe', 'dissertation')),
  credits integer NOT NULL CHECK (credits > 0 AND credits <= 180),
  -- The FHEQ/RQF level: 7 for the credentials' Master's-level modules.
  level integer NOT NULL CHECK (level BETWEEN 3 AND 8),
  result text NOT NULL CHECK (result IN ('pass', 'fail', 'in-progress')),
  completed_on date,
  recorded_by uuid NOT NULL REFERENCES users (id),
  recorded_at timestamptz NOT NULL,
  import_batch_id uuid REFERENCES result_import_batches (id),
  FOREIGN KEY (enrolment_id, learner_id, university_id) REFERENCES enrolments (id, learner_id, university_id),
  CHECK ((result = 'in-progress') = (completed_on IS NULL))
);
CREATE INDEX module_results_learner ON module_results (learner_id, sequence);
CREATE INDEX module_results_university ON module_results (university_id, learner_id);

-- The most RPL credit a university recognises for one learner. Without a row, the Trellis default applies
-- (learning/learner-record.ts: defaultRplCapCredits).
CREATE TABLE university_rpl_caps (
  university_id text PRIMARY KEY REFERENCES organisations (id),
  cap_credits integer NOT NULL CHECK (cap_credits BETWEEN 0 AND 180),
  set_by uuid NOT NULL REFERENCES users (id),
  set_at timestamptz NOT NULL
);

CREATE TABLE prior_learning_claims (
  id uuid PRIMARY KEY,
  learner_id uuid NOT NULL REFERENCES users (id),
  university_id text NOT NULL REFERENCES organisations (id),
  description text NOT NULL CHECK (length(description) BETWEEN 1 AND 5000),
  credits_sought integer NOT NULL CHECK (credits_sought BETWEEN 1 AND 180),
  counts_as text NOT NULL CHECK (counts_as IN ('online', 'rpe')),
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'partly-approved', 'rejected')),
  credits_approved integer,
  -- The level the university recognises the credit at, when it recognises any.
  level integer CHECK (level BETWEEN 3 AND 8),
  reason text CHECK (length(reason) <= 2000),
  decided_by uuid REFERENCES users (id),
  decided_at timestamptz,
  created_at timestamptz NOT NULL,
  CHECK (
    (status = 'pending' AND credits_approved IS NULL AND level IS NULL AND decided_by IS NULL AND decided_at IS NULL)
    OR (status = 'approved' AND credits_approved = credits_sought AND level IS NOT NULL
        AND decided_by IS NOT NULL AND decided_at IS NOT NULL)
    OR (status = 'partly-approved' AND credits_approved > 0 AND credits_approved < credits_sought
        AND level IS NOT NULL AND reason IS NOT NULL AND decided_by IS NOT NULL AND decided_at IS NOT NULL)
    OR (status = 'rejected' AND credits_approved = 0 AND level IS NULL AND reason IS NOT NULL
        AND decided_by IS NOT NULL AND decided_at IS NOT NULL)
  )
);
CREATE INDEX prior_learning_claims_learner ON prior_learning_claims (learner_id, university_id, created_at);
CREATE INDEX prior_learning_claims_university ON prior_learning_claims (university_id, status, created_at);

-- Evidence for a claim, in the database (so that every app instance serves it): PDF, PNG or JPEG as their first
-- bytes say, never as their names do, up to 5 MB each.
CREATE TABLE prior_learning_evidence (
  id uuid PRIMARY KEY,
  claim_id uuid NOT NULL REFERENCES prior_learning_claims (id),
  position integer NOT NULL,
  file_name text NOT NULL CHECK (length(file_name) BETWEEN 1 AND 200),
  media_type text NOT NULL CHECK (media_type IN ('application/pdf', 'image/png', 'image/jpeg')),
  size_bytes integer NOT NULL CHECK (size_bytes BETWEEN 1 AND 5242880),
  sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  content bytea NOT NULL,
  uploaded_at timestamptz NOT NULL,
  CHECK (octet_length(content) = size_bytes),
  UNIQUE (claim_id, position)
);
