-- The committee keeps its ward's tree: a unit's name and code change under a version (a
-- stale form is refused), and a unit that is dissolved is retired rather than deleted, so
-- its history stays and it leaves the lists.
ALTER TABLE org_units ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE org_units ADD COLUMN retired_at TEXT;
