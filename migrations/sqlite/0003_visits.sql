-- Home visits: the information campaigns members carry to households (rule R12), and
-- the indexes the visit pages read by.

-- A campaign of the ward (cell_id NULL: every cell of the ward) or of one cell, with the
-- days it runs. Visits store the codes of the campaigns discussed in `visits.topics`
-- (",cultured_family,crime_prevention,"), so a code never changes once used.
CREATE TABLE campaigns (
    id          INTEGER PRIMARY KEY,
    ward_id     INTEGER NOT NULL REFERENCES org_units(id),
    cell_id     INTEGER REFERENCES org_units(id),
    code        TEXT NOT NULL CHECK (length(code) BETWEEN 1 AND 40),
    name        TEXT NOT NULL,
    starts_on   TEXT NOT NULL,
    ends_on     TEXT,
    position    INTEGER NOT NULL DEFAULT 0,
    created_at  TEXT NOT NULL,
    UNIQUE (ward_id, code),
    CHECK (ends_on IS NULL OR ends_on >= starts_on)
);
CREATE INDEX campaigns_ward_cell ON campaigns(ward_id, cell_id);

-- The concerns raised at a visit, and a cell's concerns by the day they were raised.
CREATE INDEX concerns_visit ON concerns(visit_id);
CREATE INDEX concerns_ward_cell_raised ON concerns(ward_id, cell_id, raised_on);
