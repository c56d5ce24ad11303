-- The email outbox: with no SMTP server configured (the embedded default), every message Trellis sends is kept
-- here instead, for developers to read at /dev/outbox. Production sends through SMTP and never writes here.

CREATE TABLE email_outbox (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  recipient text NOT NULL,
  subject text NOT NULL,
  text_body text NOT NULL,
  html_body text,
  sent_at timestamptz NOT NULL DEFAULT now()
);

-- Newest first, for everyone or for one recipient (addresses compared without regard to case).
CREATE INDEX email_outbox_sent_at ON email_outbox (sent_at, id);
CREATE INDEX email_outbox_recipient ON email_outbox (lower(recipient), sent_at, id);
