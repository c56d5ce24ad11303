-- A learner's enrolments by learner: the record page, the claim form, enrolling, recording a result and checking
-- who may read a record all ask for them by learner_id. Without this index each of those read every enrolment
-- (a sequential scan: 15 ms with 100,000 learners, ten times that with ten times the learners; see bench/README.md,
-- "The learner record page"). enrolments_one_active covers active enrolments only, and enrolments_university
-- leads with the university.
CREATE INDEX enrolments_learner ON enrolments (learner_id);
