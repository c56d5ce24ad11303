-- Studies for Research Practice Experience, from real registries (ClinicalTrials.gov API v2 JSON) or entered by
-- hand (a study registered only with ISRCTN, say), their UK sites
-- with the NHS organisation each is matched to (or none yet), and the site names people matched by hand, so that
-- later imports match them too.

CREATE TABLE studies (
  id uuid PRIMARY KEY,
  -- The registry identifiers. A study imported again is found by its NCT id and updated, never duplicated.
  nct_id text UNIQUE CHECK (nct_id ~ '^NCT[0-9]{8}$'),
  isrctn text CHECK (isrctn ~ '^ISRCTN[0-9]{8}$'),
  iras_id text CHECK (iras_id ~ '^[0-9]{4,7}$'),
  -- The sponsor's own identifier (ClinicalTrials.gov orgStudyIdInfo).
  org_study_id text CHECK (length(org_study_id) BETWEEN 1 AND 200),
  brief_title text NOT NULL CHECK (length(brief_title) BETWEEN 1 AND 500),
  official_title text CHECK (length(official_title) BETWEEN 1 AND 1000),
  acronym text CHECK (length(acronym) BETWEEN 1 AND 100),
  -- ClinicalTrials.gov's overall status (RECRUITING, COMPLETED, …) as the registry spells it.
  overall_status text NOT NULL CHECK (overall_status ~ '^[A-Z_]{2,40}$'),
  phases text[] NOT NULL DEFAULT '{}',
  conditions text[] NOT NULL DEFAULT '{}',
  lead_sponsor text CHECK (length(lead_sponsor) BETWEEN 1 AND 500),
  -- Registry dates are partial as often as not ("2015-08"): kept as the registry gives them, with their type.
  start_date text CHECK (start_date ~ '^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$'),
  start_date_type text CHECK (start_date_type IN ('ACTUAL', 'ESTIMATED')),
  primary_completion_date text CHECK (primary_completion_date ~ '^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$'),
  primary_completion_date_type text CHECK (primary_completion_date_type IN ('ACTUAL', 'ESTIMATED')),
  completion_date text CHECK (completion_date ~ '^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$'),
  completion_date_type text CHECK (completion_date_type IN ('ACTUAL', 'ESTIMATED')),
  -- Every location the registry lists, in any country; only the UK ones are kept as sites.
  location_count integer NOT NULL CHECK (location_count >= 0),
  source text NOT NULL CHECK (source IN ('clinicaltrials.gov', 'entered')),
  -- Who imported or entered it last: a person, or nobody for the command line.
  recorded_by uuid REFERENCES users (id),
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  CHECK (start_date_type IS NULL OR start_date IS NOT NULL),
  CHECK (primary_completion_date_type IS NULL OR primary_completion_date IS NOT NULL),
  CHECK (completion_date_type IS NULL OR completion_date IS NOT NULL),
  -- An imported record always has its NCT id; one entered by hand has at least one registry's identifier or none.
  CHECK (source <> 'clinicaltrials.gov' OR nct_id IS NOT NULL),
  CHECK (updated_at >= created_at)
);
CREATE INDEX studies_title ON studies (lower(brief_title), id);
CREATE INDEX studies_isrctn ON studies (isrctn) WHERE isrctn IS NOT NULL;

-- A study's sites in the United Kingdom, in the registry's order. Imported again, a study keeps the id of each
-- site it still lists (by name and city), so that what refers to a site (placement offers) stays with it; a site
-- the registry no longer lists is kept, marked not listed, rather than deleted.
CREATE TABLE study_sites (
  id uuid PRIMARY KEY,
  study_id uuid NOT NULL REFERENCES studies (id) ON DELETE CASCADE,
  position integer NOT NULL CHECK (position >= 0),
  facility text NOT NULL CHECK (length(facility) BETWEEN 1 AND 500),
  -- The facility's name normalised (placements/study-site-names.ts): what matching and aliases compare.
  normalised_name text NOT NULL CHECK (length(normalised_name) BETWEEN 1 AND 500),
  city text CHECK (length(city) <= 200),
  postcode text CHECK (length(postcode) <= 40),
  recruitment_status text CHECK (recruitment_status ~ '^[A-Z_]{2,40}$'),
  -- The NHS organisation the site is part of; null until someone matches it. An organisation that leaves the
  -- ODS file leaves its sites unmatched rather than blocking the catalogue load.
  organisation_id text REFERENCES organisations (id) ON DELETE SET NULL,
  -- How it was matched: by its name, or by a name someone matched by hand before.
  matched_by text CHECK (matched_by IN ('name', 'alias')),
  listed boolean NOT NULL DEFAULT true,
  CHECK ((organisation_id IS NULL) = (matched_by IS NULL))
);
-- One listed site at each place in a study's list (a site no longer listed keeps whatever position it had).
CREATE UNIQUE INDEX study_sites_listed_position ON study_sites (study_id, position) WHERE listed;
-- The sites still to match, across studies, and the sites an alias applies to.
CREATE INDEX study_sites_unmatched ON study_sites (normalised_name) WHERE organisation_id IS NULL AND listed;
CREATE INDEX study_sites_name ON study_sites (normalised_name);
CREATE INDEX study_sites_organisation ON study_sites (organisation_id) WHERE organisation_id IS NOT NULL;

-- Site names matched to an NHS organisation by hand, remembered by normalised name for every later import.
CREATE TABLE study_site_aliases (
  normalised_name text PRIMARY KEY CHECK (length(normalised_name) BETWEEN 1 AND 500),
  -- The name as the registry spelled it when it was matched.
  site_name text NOT NULL CHECK (length(site_name) BETWEEN 1 AND 500),
  organisation_id text NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
  matched_by uuid NOT NULL REFERENCES users (id),
  matched_at timestamptz NOT NULL
);
CREATE INDEX study_site_aliases_organisation ON study_site_aliases (organisation_id);
