-- People, their sign-in methods and sessions, organisations' memberships and invitations, one-time links, rate
-- limits and the audit log. Secrets are never stored: passwords as scrypt hashes, tokens as SHA-256 digests.

-- The framework team is an organisation too: framework admins are its members.
ALTER TABLE organisations DROP CONSTRAINT organisations_kind_check;
ALTER TABLE organisations ADD CONSTRAINT organisations_kind_check CHECK (kind IN ('nhs-trust', 'university', 'framework'));
INSERT INTO organisations (id, kind, name, official_name, address_lines, source_ids, position)
VALUES ('framework-team', 'framework', 'Clinician Researcher Credentials Framework team',
        'NIHR–AoMRC Clinician Researcher Credentials Framework team', '{}', '{seed-002}', 0)
ON CONFLICT (id) DO NOTHING;

CREATE TABLE users (
  id uuid PRIMARY KEY,
  full_name text NOT NULL,
  -- Lower-case; NULL once the account is closed.
  email text,
  email_verified_at timestamptz,
  -- An email address on an NHS or NIHR domain, verified: features for NHS staff depend on it.
  is_nhs_email boolean NOT NULL DEFAULT false,
  profession_id text REFERENCES professions (id),
  registration_number text,
  -- scrypt, with its parameters in the string; NULL for accounts that only sign in by link or OpenID Connect.
  password_hash text,
  created_at timestamptz NOT NULL DEFAULT now(),
  closed_at timestamptz,
  CHECK (closed_at IS NOT NULL OR email IS NOT NULL)
);
CREATE UNIQUE INDEX users_email ON users (email) WHERE email IS NOT NULL;

-- Accounts at OpenID Connect providers that sign in as a Trellis user.
CREATE TABLE user_identities (
  issuer text NOT NULL,
  subject text NOT NULL,
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  provider_id text NOT NULL,
  linked_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (issuer, subject)
);
CREATE INDEX user_identities_user ON user_identities (user_id);

CREATE TABLE sessions (
  -- SHA-256 of the cookie's token: the token itself is only ever in the browser.
  id text PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  auth_method text NOT NULL CHECK (auth_method IN ('password', 'email-link', 'oidc')),
  created_at timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  user_agent text,
  ip text
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Single-use links sent by email: verify an address, sign in, reset a password, change an email address.
CREATE TABLE one_time_tokens (
  id text PRIMARY KEY,
  purpose text NOT NULL CHECK (purpose IN ('verify-email', 'sign-in', 'reset-password', 'change-email')),
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  email text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  used_at timestamptz
);
CREATE INDEX one_time_tokens_user ON one_time_tokens (user_id, purpose);

CREATE TABLE memberships (
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  organisation_id text NOT NULL REFERENCES organisations (id),
  roles text[] NOT NULL CHECK (cardinality(roles) > 0),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, organisation_id)
);
CREATE INDEX memberships_organisation ON memberships (organisation_id);

CREATE TABLE invitations (
  id uuid PRIMARY KEY,
  organisation_id text NOT NULL REFERENCES organisations (id),
  email text NOT NULL,
  roles text[] NOT NULL CHECK (cardinality(roles) > 0),
  token_hash text NOT NULL UNIQUE,
  invited_by uuid REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  accepted_at timestamptz,
  accepted_by uuid REFERENCES users (id),
  revoked_at timestamptz
);
CREATE INDEX invitations_organisation ON invitations (organisation_id, created_at);

-- Fixed-window counters shared by every app instance.
CREATE TABLE rate_limit_hits (
  bucket text NOT NULL,
  window_start timestamptz NOT NULL,
  hits integer NOT NULL,
  PRIMARY KEY (bucket, window_start)
);

-- Significant actions: who did what to what, when, from which request. Append-only: rows are never changed or
-- removed (a closed account's entries keep its id, and the account itself is anonymised).
CREATE TABLE audit_events (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  occurred_at timestamptz NOT NULL DEFAULT now(),
  actor_user_id uuid REFERENCES users (id),
  -- Who acted when it was not a signed-in person: 'anonymous', 'system', 'command line'.
  actor_label text NOT NULL,
  action text NOT NULL,
  subject_type text NOT NULL,
  subject_id text,
  request_id text,
  ip text,
  details jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_events_occurred ON audit_events (occurred_at DESC, id DESC);
CREATE INDEX audit_events_actor ON audit_events (actor_user_id, occurred_at DESC);
CREATE INDEX audit_events_action ON audit_events (action, occurred_at DESC);

CREATE FUNCTION refuse_audit_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_events is append-only';
END;
$$;
CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
  FOR EACH ROW EXECUTE FUNCTION refuse_audit_change();
