-- Bringing a cell in from its spreadsheets.
--
-- An import job is one uploaded file, checked and then written in one transaction. The
-- file itself lives in a temporary folder only while the job needs it; the job row keeps
-- what the person saw: its state, progress, counts and every row error (as JSON).
CREATE TABLE import_jobs (
    id                INTEGER PRIMARY KEY,
    ward_id           INTEGER NOT NULL REFERENCES org_units(id),
    cell_id           INTEGER NOT NULL REFERENCES org_units(id),
    user_id           INTEGER NOT NULL REFERENCES users(id),
    file_name         TEXT NOT NULL,
    file_path         TEXT NOT NULL DEFAULT '',
    file_size         INTEGER NOT NULL DEFAULT 0,
    format            TEXT NOT NULL CHECK (format IN ('xlsx', 'xls', 'ods', 'csv')),
    encoding          TEXT NOT NULL DEFAULT '',
    sheet             TEXT NOT NULL DEFAULT '',
    kind              TEXT NOT NULL DEFAULT '' CHECK (kind IN ('', 'members', 'households', 'assignments')),
    mapping_json      TEXT NOT NULL DEFAULT '[]',
    state             TEXT NOT NULL CHECK (state IN ('uploaded', 'checking', 'invalid', 'ready', 'committing', 'done', 'failed', 'cancelled')),
    rows_total        INTEGER NOT NULL DEFAULT 0,
    errors_total      INTEGER NOT NULL DEFAULT 0,
    counts_json       TEXT NOT NULL DEFAULT '{}',
    errors_json       TEXT NOT NULL DEFAULT '[]',
    preview_json      TEXT NOT NULL DEFAULT '[]',
    failure           TEXT NOT NULL DEFAULT '',
    cancel_requested  INTEGER NOT NULL DEFAULT 0,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    finished_at       TEXT
);
CREATE INDEX import_jobs_ward_cell ON import_jobs(ward_id, cell_id, created_at);
CREATE INDEX import_jobs_state ON import_jobs(state, updated_at);

-- How a cell's columns were mapped last time, by the folded header text, so that the next
-- file with the same headers is mapped without asking.
CREATE TABLE import_mappings (
    id          INTEGER PRIMARY KEY,
    ward_id     INTEGER NOT NULL REFERENCES org_units(id),
    cell_id     INTEGER NOT NULL REFERENCES org_units(id),
    kind        TEXT NOT NULL CHECK (kind IN ('members', 'households', 'assignments')),
    header_key  TEXT NOT NULL,
    field       TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    UNIQUE (cell_id, kind, header_key)
);
CREATE INDEX import_mappings_ward_cell ON import_mappings(ward_id, cell_id, kind);
