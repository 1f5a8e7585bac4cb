-- The committee keeps its ward's accounts: each change is made from the version of the
-- account it was shown, so two people editing one account at once do not overwrite
-- each other.
ALTER TABLE users ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
