-- Preferences and the match: learners rank approved placement offers (applying to each offer they rank), the
-- mentor of an offer ranks the learners who applied to it or marks them unacceptable, and a framework admin runs
-- a match round over them (placements/matching.ts), checks its figures, and publishes it. The rules are in
-- placements/placement-preferences-service.ts; these checks mirror them.

-- A learner's ranked list of offers: rank 1 is their first choice. At most 20 (checked by the service).
-- applied_at is when the learner first ranked the offer, kept when they reorder their list: the order in which a
-- mentor who has not ranked them yet is taken to rank them.
CREATE TABLE placement_preferences (
  learner_id uuid NOT NULL REFERENCES users (id),
  offer_id uuid NOT NULL REFERENCES placement_offers (id),
  rank integer NOT NULL CHECK (rank BETWEEN 1 AND 20),
  applied_at timestamptz NOT NULL,
  PRIMARY KEY (learner_id, offer_id),
  UNIQUE (learner_id, rank)
);
-- An offer's applicants.
CREATE INDEX placement_preferences_offer ON placement_preferences (offer_id, applied_at, learner_id);

-- The mentor's ranking of an offer's applicants: a rank (1 the most wanted), or unacceptable (never matched).
CREATE TABLE placement_applicant_rankings (
  offer_id uuid NOT NULL REFERENCES placement_offers (id),
  learner_id uuid NOT NULL REFERENCES users (id),
  rank integer CHECK (rank >= 1),
  unacceptable boolean NOT NULL DEFAULT false,
  ranked_by uuid NOT NULL REFERENCES users (id),
  ranked_at timestamptz NOT NULL,
  PRIMARY KEY (offer_id, learner_id),
  CHECK ((rank IS NULL) = unacceptable)
);
CREATE UNIQUE INDEX placement_applicant_rankings_rank ON placement_applicant_rankings (offer_id, rank)
  WHERE rank IS NOT NULL;

-- A match round: run as a draft (its matches and figures stored), then published with a date to accept by.
CREATE TABLE placement_match_rounds (
  id uuid PRIMARY KEY,
  name text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
  status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published')),
  created_by uuid NOT NULL REFERENCES users (id),
  created_at timestamptz NOT NULL,
  run_at timestamptz NOT NULL,
  published_by uuid REFERENCES users (id),
  published_at timestamptz,
  accept_by date,
  -- matched, unmatched, byChoice, the shares matched to a 1st/2nd/3rd choice, places and places left.
  figures jsonb NOT NULL,
  CHECK ((status = 'published') = (published_at IS NOT NULL)),
  CHECK ((status = 'published') = (published_by IS NOT NULL)),
  CHECK ((status = 'published') = (accept_by IS NOT NULL)),
  CHECK (run_at >= created_at),
  CHECK (published_at IS NULL OR published_at >= run_at)
);
-- Only one round open (a draft) at a time.
CREATE UNIQUE INDEX placement_match_rounds_one_open ON placement_match_rounds ((true)) WHERE status = 'draft';

-- A round's outcome for each learner in it: the offer they were matched to, or none (offer_id null, choice null).
-- Written when the round runs; learners see it once the round is published.
CREATE TABLE placement_match_results (
  round_id uuid NOT NULL REFERENCES placement_match_rounds (id),
  learner_id uuid NOT NULL REFERENCES users (id),
  offer_id uuid REFERENCES placement_offers (id),
  -- Which of the learner's choices it was: 1 for their first.
  choice integer CHECK (choice >= 1),
  PRIMARY KEY (round_id, learner_id),
  CHECK ((offer_id IS NULL) = (choice IS NULL))
);
CREATE INDEX placement_match_results_offer ON placement_match_results (offer_id, round_id);
