-- Sign-ins through an OpenID Connect provider that have started and not yet come back. Kept in the database,
-- not in the app's memory, so that the instance the provider sends the person back to can finish a flow that
-- another instance started.

CREATE TABLE oidc_sign_in_attempts (
  -- SHA-256 of the `state` sent to the provider: the state itself is only in the browser and the provider.
  id text PRIMARY KEY,
  provider_id text NOT NULL,
  -- 'sign-in' from the sign-in page; 'link' when a signed-in person adds their organisation's sign-in.
  purpose text NOT NULL CHECK (purpose IN ('sign-in', 'link')),
  -- Who started a linking flow; NULL for a sign-in.
  user_id uuid REFERENCES users (id) ON DELETE CASCADE,
  CHECK ((purpose = 'link') = (user_id IS NOT NULL)),
  -- The PKCE code verifier, encrypted with a key derived from the state (AES-256-GCM): a copy of this table
  -- alone does not give it.
  code_verifier_sealed text NOT NULL,
  nonce text NOT NULL,
  -- SHA-256 of a random value in a cookie of the browser that started the flow: only that browser finishes it.
  browser_digest text NOT NULL,
  -- Where to go afterwards: a path on this site.
  next text,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  used_at timestamptz
);
CREATE INDEX oidc_sign_in_attempts_expires ON oidc_sign_in_attempts (expires_at);
