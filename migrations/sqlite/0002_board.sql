-- The assignment board: members registering to look after a household, and when a
-- member's home last changed (an assignment older than that is stale, rule R10).

ALTER TABLE members ADD COLUMN home_changed_at TEXT;

-- A member asks to look after a household near them; the cell's secretary approves or
-- declines with a reason. States: pending, approved, declined, withdrawn.
CREATE TABLE registrations (
    id              INTEGER PRIMARY KEY,
    ward_id         INTEGER NOT NULL REFERENCES org_units(id),
    cell_id         INTEGER NOT NULL REFERENCES org_units(id),
    household_id    INTEGER NOT NULL REFERENCES households(id),
    member_id       INTEGER NOT NULL REFERENCES members(id),
    state           TEXT NOT NULL CHECK (state IN ('pending', 'approved', 'declined', 'withdrawn')),
    note            TEXT NOT NULL DEFAULT '',
    decided_by      INTEGER REFERENCES users(id),
    decided_at      TEXT,
    decision_reason TEXT NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL
);
-- Rule R2 for requests too: one pending request per household.
CREATE UNIQUE INDEX registrations_one_pending
    ON registrations(household_id) WHERE state = 'pending';
CREATE INDEX registrations_cell_state ON registrations(ward_id, cell_id, state);
CREATE INDEX registrations_member ON registrations(member_id, state);
