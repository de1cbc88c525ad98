-- The deadline watch asks every minute for the stages awaiting an answer whose deadline has
-- passed and that nobody has flagged yet. The (status, due_at) index holds every awaiting
-- stage, flagged or not, so the question read them all (112,000 rows at the benchmark's
-- million work orders); this partial index holds only the stages still to flag.
CREATE INDEX milestones_overdue_unflagged ON milestones (due_at, id)
    WHERE status = 'awaiting_acceptance' AND overdue_flagged_at IS NULL;
