-- The reviewed catalogue (content/), loaded by `trellis catalogue load` in one transaction. Every entry keeps
-- its status ('verified' or 'unverified') and the ids of its sources; facts that carry their own status and
-- sources are kept whole as JSON beside the columns that queries filter on.

CREATE TABLE catalogue_versions (
  id serial PRIMARY KEY,
  content_hash text NOT NULL,
  entry_count integer NOT NULL,
  organisation_count integer NOT NULL,
  loaded_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE catalogue_sources (
  id text PRIMARY KEY,
  title text NOT NULL,
  publisher text,
  url text,
  seed_file text,
  note text,
  position integer NOT NULL,
  CHECK ((url IS NULL) <> (seed_file IS NULL))
);

CREATE TABLE regulators (
  id text PRIMARY KEY,
  name text NOT NULL,
  abbreviation text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('statutory-regulator', 'accredited-register')),
  url text,
  description text NOT NULL,
  status text NOT NULL CHECK (status IN ('verified', 'unverified')),
  source_ids text[] NOT NULL,
  position integer NOT NULL
);

CREATE TABLE profession_groups (
  id text PRIMARY KEY,
  name text NOT NULL,
  description text NOT NULL,
  position integer NOT NULL
);

CREATE TABLE professions (
  id text PRIMARY KEY,
  name text NOT NULL,
  plural text NOT NULL,
  group_id text NOT NULL REFERENCES profession_groups (id),
  description text NOT NULL,
  is_medical_or_dental boolean NOT NULL,
  registrations jsonb NOT NULL,
  status text NOT NULL CHECK (status IN ('verified', 'unverified')),
  source_ids text[] NOT NULL,
  position integer NOT NULL
);

CREATE TABLE profession_regulators (
  profession_id text NOT NULL REFERENCES professions (id) ON DELETE CASCADE,
  regulator_id text NOT NULL REFERENCES regulators (id) ON DELETE CASCADE,
  PRIMARY KEY (profession_id, regulator_id)
);

CREATE TABLE stages (
  id text PRIMARY KEY,
  name text NOT NULL,
  description text NOT NULL,
  status text NOT NULL CHECK (status IN ('verified', 'unverified')),
  source_ids text[] NOT NULL,
  position integer NOT NULL
);

CREATE TABLE pathways (
  id text PRIMARY KEY,
  name text NOT NULL,
  description text NOT NULL,
  notes jsonb NOT NULL,
  status text NOT NULL CHECK (status IN ('verified', 'unverified')),
  source_ids text[] NOT NULL,
  position integer NOT NULL
);

CREATE TABLE pathway_steps (
  pathway_id text NOT NULL REFERENCES pathways (id) ON DELETE CASCADE,
  id text NOT NULL,
  name text NOT NULL,
  stage_id text NOT NULL REFERENCES stages (id),
  description text NOT NULL,
  status text NOT NULL CHECK (status IN ('verified', 'unverified')),
  source_ids text[] NOT NULL,
  position integer NOT NULL,
  PRIMARY KEY (pathway_id, id)
);

CREATE TABLE pathway_professions (
  pathway_id text NOT NULL REFERENCES pathways (id) ON DELETE CASCADE,
  profession_id text NOT NULL REFERENCES professions (id) ON DELETE CASCADE,
  PRIMARY KEY (pathway_id, profession_id)
);
CREATE INDEX pathway_professions_profession ON pathway_professions (profession_id);

CREATE TABLE funders (
  id text PRIMARY KEY,
  name text NOT NULL,
  abbreviation text,
  url text,
  description text NOT NULL,
  status text NOT NULL CHECK (status IN ('verified', 'unverified')),
  source_ids text[] NOT NULL,
  position integer NOT NULL
);

CREATE TABLE schemes (
  id text PRIMARY KEY,
  name text NOT NULL,
  abbreviation text,
  former_names jsonb NOT NULL,
  profession_scope jsonb NOT NULL,
  is_current boolean NOT NULL,
  replaced_by text REFERENCES schemes (id) DEFERRABLE INITIALLY DEFERRED,
  summary text NOT NULL,
  eligibility jsonb,
  duration jsonb,
  funds jsonb,
  url text,
  status text NOT NULL CHECK (status IN ('verified', 'unverified')),
  source_ids text[] NOT NULL,
  position integer NOT NULL
);

CREATE TABLE scheme_funders (
  scheme_id text NOT NULL REFERENCES schemes (id) ON DELETE CASCADE,
  funder_id text NOT NULL REFERENCES funders (id) ON DELETE CASCADE,
  position integer NOT NULL,
  PRIMARY KEY (scheme_id, funder_id)
);

CREATE TABLE scheme_stages (
  scheme_id text NOT NULL REFERENCES schemes (id) ON DELETE CASCADE,
  stage_id text NOT NULL REFERENCES stages (id) ON DELETE CASCADE,
  PRIMARY KEY (scheme_id, stage_id)
);
CREATE INDEX scheme_stages_stage ON scheme_stages (stage_id);

-- A scheme's profession scope ({all}, {allExcept}, {only}) expanded to the professions it covers.
CREATE TABLE scheme_professions (
  scheme_id text NOT NULL REFERENCES schemes (id) ON DELETE CASCADE,
  profession_id text NOT NULL REFERENCES professions (id) ON DELETE CASCADE,
  PRIMARY KEY (scheme_id, profession_id)
);
CREATE INDEX scheme_professions_profession ON scheme_professions (profession_id);

-- The Clinician Researcher Credentials Framework: one row, with its levels, roles and module kinds.
CREATE TABLE frameworks (
  id text PRIMARY KEY,
  name text NOT NULL,
  summary text NOT NULL,
  hours_per_credit integer NOT NULL,
  part_time_months_per_level integer NOT NULL,
  full_masters_part_time_years integer NOT NULL,
  facts jsonb NOT NULL,
  status text NOT NULL CHECK (status IN ('verified', 'unverified')),
  source_ids text[] NOT NULL
);

CREATE TABLE framework_roles (
  id text PRIMARY KEY,
  framework_id text NOT NULL REFERENCES frameworks (id) ON DELETE CASCADE,
  name text NOT NULL,
  description text NOT NULL,
  status text NOT NULL CHECK (status IN ('verified', 'unverified')),
  source_ids text[] NOT NULL,
  position integer NOT NULL
);

CREATE TABLE module_kinds (
  id text PRIMARY KEY CHECK (id IN ('online', 'rpe', 'dissertation')),
  framework_id text NOT NULL REFERENCES frameworks (id) ON DELETE CASCADE,
  name text NOT NULL,
  description text NOT NULL,
  credit_options integer[] NOT NULL,
  status text NOT NULL CHECK (status IN ('verified', 'unverified')),
  source_ids text[] NOT NULL,
  position integer NOT NULL
);

CREATE TABLE framework_levels (
  id text PRIMARY KEY,
  framework_id text NOT NULL REFERENCES frameworks (id) ON DELETE CASCADE,
  name text NOT NULL,
  abbreviation text NOT NULL,
  credits integer NOT NULL CHECK (credits > 0),
  cumulative_credits integer NOT NULL CHECK (cumulative_credits >= credits),
  minimum_level7_credits integer NOT NULL,
  entry_requires text REFERENCES framework_levels (id) DEFERRABLE INITIALLY DEFERRED,
  compositions jsonb NOT NULL,
  prepares text[] NOT NULL,
  facts jsonb NOT NULL,
  status text NOT NULL CHECK (status IN ('verified', 'unverified')),
  source_ids text[] NOT NULL,
  position integer NOT NULL
);

CREATE TABLE providers (
  id text PRIMARY KEY,
  name text NOT NULL,
  description text NOT NULL,
  prior_learning jsonb,
  status text NOT NULL CHECK (status IN ('verified', 'unverified')),
  source_ids text[] NOT NULL,
  position integer NOT NULL
);

CREATE TABLE modules (
  id text PRIMARY KEY,
  provider_id text NOT NULL REFERENCES providers (id),
  name text NOT NULL,
  kind text NOT NULL REFERENCES module_kinds (id),
  -- NULL where the source does not state the credits: unknown, never guessed.
  credits integer CHECK (credits > 0),
  description text,
  status text NOT NULL CHECK (status IN ('verified', 'unverified')),
  source_ids text[] NOT NULL,
  position integer NOT NULL
);
CREATE INDEX modules_provider ON modules (provider_id);

CREATE TABLE programmes (
  id text PRIMARY KEY,
  provider_id text NOT NULL REFERENCES providers (id),
  name text NOT NULL,
  award_level_id text NOT NULL REFERENCES framework_levels (id),
  description text NOT NULL,
  launched jsonb,
  options jsonb NOT NULL,
  notes jsonb NOT NULL,
  status text NOT NULL CHECK (status IN ('verified', 'unverified')),
  source_ids text[] NOT NULL,
  position integer NOT NULL
);
CREATE INDEX programmes_provider ON programmes (provider_id);

CREATE TABLE programme_modules (
  programme_id text NOT NULL REFERENCES programmes (id) ON DELETE CASCADE,
  module_id text NOT NULL REFERENCES modules (id) ON DELETE CASCADE,
  compulsory boolean NOT NULL,
  position integer NOT NULL,
  PRIMARY KEY (programme_id, module_id)
);
CREATE INDEX programme_modules_module ON programme_modules (module_id);

-- Healthcare science (seed 004).
CREATE TABLE healthcare_science_divisions (
  id text PRIMARY KEY,
  name text NOT NULL,
  description text NOT NULL,
  status text NOT NULL CHECK (status IN ('verified', 'unverified')),
  source_ids text[] NOT NULL,
  position integer NOT NULL
);

CREATE TABLE healthcare_science_levels (
  id text PRIMARY KEY,
  name text NOT NULL,
  description text NOT NULL,
  stage_id text NOT NULL REFERENCES stages (id),
  status text NOT NULL CHECK (status IN ('verified', 'unverified')),
  source_ids text[] NOT NULL,
  position integer NOT NULL
);

CREATE TABLE healthcare_science_specialism_groups (
  id text PRIMARY KEY,
  name text NOT NULL,
  -- The division is our placement, with its own status: seed 004 lists the specialisms without divisions.
  division jsonb,
  division_id text REFERENCES healthcare_science_divisions (id),
  specialisms jsonb NOT NULL,
  status text NOT NULL CHECK (status IN ('verified', 'unverified')),
  source_ids text[] NOT NULL,
  position integer NOT NULL
);

-- Catalogue documents kept whole: the healthcare-science summary and the research-culture content, which
-- pages show as they are and nothing else refers to.
CREATE TABLE catalogue_documents (
  id text PRIMARY KEY,
  body jsonb NOT NULL
);

-- NHS organisations from ODS (the organisations module owns this table; the catalogue load fills it).
CREATE TABLE organisations (
  id text PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('nhs-trust', 'university')),
  name text NOT NULL,
  official_name text NOT NULL,
  region_code text,
  region_name text,
  icb_code text,
  address_lines text[] NOT NULL,
  postcode text,
  opened_on date,
  closed_on date,
  source_ids text[] NOT NULL,
  position integer NOT NULL
);
CREATE INDEX organisations_name ON organisations (lower(name));
CREATE INDEX organisations_region ON organisations (region_code);

-- One row per thing people can find with search, with its text weighted: the title (A) above the summary
-- (B) above the body (C).
CREATE TABLE search_documents (
  kind text NOT NULL,
  id text NOT NULL,
  title text NOT NULL,
  summary text NOT NULL,
  body text NOT NULL,
  path text NOT NULL,
  status text NOT NULL CHECK (status IN ('verified', 'unverified')),
  document tsvector NOT NULL,
  PRIMARY KEY (kind, id)
);
CREATE INDEX search_documents_document ON search_documents USING gin (document);
