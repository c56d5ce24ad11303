-- The audit log's row trigger does not see TRUNCATE: refuse that too, so the log stays append-only.
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_audit_change();
