-- Issued verifiable credentials: the signed Open Badges 3.0 credential Trellis issued to a learner for one
-- achievement (a module passed, a Research Practice Experience signed off, a framework level achieved). The rules
-- are in credentials/credential-issuance-service.ts; these checks mirror them.
CREATE TABLE issued_credentials (
  id uuid PRIMARY KEY,
  learner_id uuid NOT NULL REFERENCES users (id),
  issuer_id text NOT NULL REFERENCES organisations (id),
  kind text NOT NULL CHECK (kind IN ('module-pass', 'rpe-sign-off', 'framework-level')),
  -- What was achieved: the module result's id, the placement's id, or the framework level's id.
  subject_ref text NOT NULL CHECK (length(subject_ref) BETWEEN 1 AND 200),
  -- The signed credential as issued, never rewritten: its id is 'urn:uuid:' || id.
  credential jsonb NOT NULL,
  status_list_id uuid NOT NULL,
  status_list_index integer NOT NULL,
  issued_at timestamptz NOT NULL,
  -- The status entry allocated in the same transaction. Revocation is recorded there (revoked_at, reason, by whom)
  -- and read through this key, so that there is one record of it.
  FOREIGN KEY (status_list_id, status_list_index) REFERENCES credential_status_entries (list_id, status_index)
);
-- The same achievement is never issued twice to a learner.
CREATE UNIQUE INDEX issued_credentials_one_per_achievement ON issued_credentials (learner_id, kind, subject_ref);
CREATE INDEX issued_credentials_by_learner ON issued_credentials (learner_id, issued_at);
