-- The deadline watch asks every minute for the stages awaiting an answer whose deadline has
-- passed and that nobody has flagged yet. The (status, due_at) index holds every awaiting
-- stage, flagged or not, so the question read them all (112,000 rows at the benchmark's
-- million work orders); this partial index holds only the stages still to flag. It leads
-- with status, as that index does, or SQLite's planner keeps choosing the other.
CREATE INDEX milestones_overdue_unflagged ON milestones (status, due_at, id)
    WHERE status = 'awaiting_acceptance' AND overdue_flagged_at IS NULL;
