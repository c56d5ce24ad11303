-- Verifiable credentials, foundations: issuers' signing keys and Bitstring Status Lists. An issuer is an awarding
-- organisation (a university, or the framework team for framework levels and role readiness); its DID is
-- did:web:<host>:issuers:<organisation id>. The rules are in credentials/issuer-service.ts and
-- credentials/status-list-service.ts; these checks mirror them.

-- An issuer's Ed25519 keys. The private key (its 32-byte seed) is stored only encrypted with AES-256-GCM under
-- CREDENTIALS_KEY (credentials/key-store.ts). A rotated key is retired, never deleted: credentials it signed must
-- still verify through the issuer's DID document.
CREATE TABLE credential_issuer_keys (
  issuer_id text NOT NULL REFERENCES organisations (id),
  -- The fragment of the verification method: did:web:…:issuers:<issuer>#<key_id>.
  key_id text NOT NULL CHECK (key_id ~ '^key-[a-z0-9]{8,40}$'),
  public_key_multibase text NOT NULL UNIQUE CHECK (public_key_multibase ~ '^z6Mk[1-9A-HJ-NP-Za-km-z]+$'),
  encrypted_private_key text NOT NULL,
  created_at timestamptz NOT NULL,
  retired_at timestamptz,
  PRIMARY KEY (issuer_id, key_id),
  CHECK (retired_at IS NULL OR retired_at >= created_at)
);
-- One active key per issuer: two first uses at once, or two rotations, cannot both leave an active key.
CREATE UNIQUE INDEX credential_issuer_keys_one_active ON credential_issuer_keys (issuer_id) WHERE retired_at IS NULL;
CREATE INDEX credential_issuer_keys_by_issuer ON credential_issuer_keys (issuer_id, created_at);

-- An issuer's revocation lists (W3C Bitstring Status List): each credential gets the next index of its issuer's
-- open list; a full list is closed (next_index = bit_length) and the next credential starts a new one.
CREATE TABLE credential_status_lists (
  id uuid PRIMARY KEY,
  issuer_id text NOT NULL REFERENCES organisations (id),
  status_purpose text NOT NULL CHECK (status_purpose IN ('revocation')),
  -- At least 131,072 bits (16 KB), the minimum the specification sets for group privacy.
  bit_length integer NOT NULL CHECK (bit_length >= 131072 AND bit_length % 8 = 0),
  next_index integer NOT NULL DEFAULT 0 CHECK (next_index BETWEEN 0 AND bit_length),
  created_at timestamptz NOT NULL
);
-- One open list per issuer and purpose, so that concurrent allocations share it rather than each start one.
CREATE UNIQUE INDEX credential_status_lists_one_open ON credential_status_lists (issuer_id, status_purpose)
  WHERE next_index < bit_length;
CREATE INDEX credential_status_lists_by_issuer ON credential_status_lists (issuer_id, created_at);

-- The indexes allocated: which credential holds each, and whether it is revoked (the bit is 1).
CREATE TABLE credential_status_entries (
  list_id uuid NOT NULL REFERENCES credential_status_lists (id),
  status_index integer NOT NULL CHECK (status_index >= 0),
  credential_id text NOT NULL UNIQUE CHECK (length(credential_id) BETWEEN 1 AND 500),
  allocated_at timestamptz NOT NULL,
  revoked_at timestamptz,
  revoked_by uuid REFERENCES users (id),
  revocation_reason text CHECK (length(btrim(revocation_reason)) BETWEEN 1 AND 1000),
  PRIMARY KEY (list_id, status_index),
  CHECK ((revoked_at IS NULL) = (revocation_reason IS NULL))
);
-- Revoked entries are what the list's bitstring is drawn from.
CREATE INDEX credential_status_entries_revoked ON credential_status_entries (list_id, status_index)
  WHERE revoked_at IS NOT NULL;
