-- Concerns on time, the monthly meeting, and the reviews.
--
-- Portable SQL: dates are computed in Rust and stored as text (YYYY-MM-DD); every table
-- that belongs to a ward carries its `ward_id`.

-- The working-day calendar of each ward: weekdays that are days off (public holidays,
-- Tết, compensatory days) and weekend days that are worked to make up for a bridge.
-- Lunar holidays are entered as the solar dates the government announces each year.
CREATE TABLE holidays (
    id          INTEGER PRIMARY KEY,
    ward_id     INTEGER NOT NULL REFERENCES org_units(id),
    day         TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('off', 'workday')),
    name        TEXT NOT NULL,
    created_by  INTEGER REFERENCES users(id),
    created_at  TEXT NOT NULL,
    UNIQUE (ward_id, day)
);

-- Working days a concern may wait in each state, per ward (the product's defaults apply
-- to a state without a row).
CREATE TABLE concern_deadlines (
    ward_id     INTEGER NOT NULL REFERENCES org_units(id),
    state       TEXT NOT NULL CHECK (state IN ('raised', 'reported', 'referred_to_committee', 'referred_outside', 'answered_by_cell', 'answered_in_writing')),
    normal_days INTEGER NOT NULL CHECK (normal_days BETWEEN 1 AND 90),
    urgent_days INTEGER NOT NULL CHECK (urgent_days BETWEEN 1 AND 90),
    updated_by  INTEGER REFERENCES users(id),
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (ward_id, state)
);

-- A concern's clock: the day it entered its state (its deadline is `due_on`), the body it
-- was referred to outside the party, and the day the household was told the answer.
ALTER TABLE concerns ADD COLUMN state_since TEXT;
ALTER TABLE concerns ADD COLUMN outside_body TEXT NOT NULL DEFAULT '';
ALTER TABLE concerns ADD COLUMN informed_on TEXT;
CREATE INDEX concerns_ward_state_due ON concerns(ward_id, state, due_on);
CREATE INDEX concerns_member ON concerns(member_id);

-- The monthly cell meeting (sinh hoạt chi bộ), its attendance and what it decided.
CREATE TABLE meetings (
    id          INTEGER PRIMARY KEY,
    ward_id     INTEGER NOT NULL REFERENCES org_units(id),
    cell_id     INTEGER NOT NULL REFERENCES org_units(id),
    month       TEXT NOT NULL,
    held_on     TEXT NOT NULL,
    chair       TEXT NOT NULL DEFAULT '',
    recorder    TEXT NOT NULL DEFAULT '',
    notes       TEXT NOT NULL DEFAULT '',
    status      TEXT NOT NULL CHECK (status IN ('open', 'closed')),
    version     INTEGER NOT NULL DEFAULT 1,
    created_by  INTEGER REFERENCES users(id),
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    UNIQUE (cell_id, month)
);
CREATE INDEX meetings_ward_cell ON meetings(ward_id, cell_id, month);

CREATE TABLE meeting_attendance (
    meeting_id  INTEGER NOT NULL REFERENCES meetings(id),
    ward_id     INTEGER NOT NULL REFERENCES org_units(id),
    member_id   INTEGER NOT NULL REFERENCES members(id),
    present     INTEGER NOT NULL,
    note        TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (meeting_id, member_id)
);

-- A meeting's decisions: on a concern (answered, referred, deferred) or a task given to
-- someone. Unfinished tasks are carried to the next month's meeting (`carried_from`).
CREATE TABLE meeting_items (
    id           INTEGER PRIMARY KEY,
    ward_id      INTEGER NOT NULL REFERENCES org_units(id),
    cell_id      INTEGER NOT NULL REFERENCES org_units(id),
    meeting_id   INTEGER NOT NULL REFERENCES meetings(id),
    kind         TEXT NOT NULL CHECK (kind IN ('concern', 'task')),
    concern_id   INTEGER REFERENCES concerns(id),
    decision     TEXT NOT NULL CHECK (decision IN ('answer', 'refer', 'refer_outside', 'defer', 'task')),
    body         TEXT NOT NULL DEFAULT '',
    target       TEXT,
    done         INTEGER NOT NULL DEFAULT 0,
    carried_from INTEGER REFERENCES meeting_items(id),
    created_by   INTEGER REFERENCES users(id),
    created_at   TEXT NOT NULL
);
CREATE INDEX meeting_items_meeting ON meeting_items(meeting_id);
CREATE INDEX meeting_items_ward_cell ON meeting_items(ward_id, cell_id);

-- The steps of a concern: the deadline of the state it left, the day it took effect, the
-- outside body it was referred to, and the meeting that decided it.
ALTER TABLE concern_events ADD COLUMN due_on TEXT;
ALTER TABLE concern_events ADD COLUMN on_day TEXT;
ALTER TABLE concern_events ADD COLUMN target TEXT;
ALTER TABLE concern_events ADD COLUMN meeting_id INTEGER REFERENCES meetings(id);
CREATE INDEX concern_events_ward_day ON concern_events(ward_id, on_day);

-- Files attached to a step (the committee's written answer): PDF, PNG or JPEG, checked by
-- their bytes, stored in the database and served only through a scope-checked handler.
CREATE TABLE concern_files (
    id           INTEGER PRIMARY KEY,
    ward_id      INTEGER NOT NULL REFERENCES org_units(id),
    cell_id      INTEGER NOT NULL REFERENCES org_units(id),
    concern_id   INTEGER NOT NULL REFERENCES concerns(id),
    event_id     INTEGER REFERENCES concern_events(id),
    file_name    TEXT NOT NULL,
    content_type TEXT NOT NULL CHECK (content_type IN ('application/pdf', 'image/png', 'image/jpeg')),
    size         INTEGER NOT NULL CHECK (size > 0 AND size <= 10485760),
    content      BLOB NOT NULL,
    uploaded_by  INTEGER REFERENCES users(id),
    created_at   TEXT NOT NULL
);
CREATE INDEX concern_files_concern ON concern_files(ward_id, concern_id);

-- The twice-yearly meetings of a residence cell with its ĐV213 members (rule R14).
CREATE TABLE dv213_meetings (
    id          INTEGER PRIMARY KEY,
    ward_id     INTEGER NOT NULL REFERENCES org_units(id),
    cell_id     INTEGER NOT NULL REFERENCES org_units(id),
    year        INTEGER NOT NULL,
    half        INTEGER NOT NULL CHECK (half IN (1, 2)),
    held_on     TEXT NOT NULL,
    topic       TEXT NOT NULL DEFAULT '',
    version     INTEGER NOT NULL DEFAULT 1,
    created_by  INTEGER REFERENCES users(id),
    created_at  TEXT NOT NULL,
    UNIQUE (cell_id, year, half)
);

CREATE TABLE dv213_attendance (
    meeting_id  INTEGER NOT NULL REFERENCES dv213_meetings(id),
    ward_id     INTEGER NOT NULL REFERENCES org_units(id),
    member_id   INTEGER NOT NULL REFERENCES members(id),
    present     INTEGER NOT NULL,
    PRIMARY KEY (meeting_id, member_id)
);

-- The year-end comment the residence cell sends to a ĐV213 member's workplace committee.
CREATE TABLE dv213_comments (
    id          INTEGER PRIMARY KEY,
    ward_id     INTEGER NOT NULL REFERENCES org_units(id),
    cell_id     INTEGER NOT NULL REFERENCES org_units(id),
    member_id   INTEGER NOT NULL REFERENCES members(id),
    year        INTEGER NOT NULL,
    contact     TEXT NOT NULL DEFAULT '',
    civic       TEXT NOT NULL DEFAULT '',
    comment     TEXT NOT NULL DEFAULT '',
    version     INTEGER NOT NULL DEFAULT 1,
    updated_by  INTEGER REFERENCES users(id),
    updated_at  TEXT NOT NULL,
    UNIQUE (member_id, year)
);
CREATE INDEX dv213_comments_ward_cell ON dv213_comments(ward_id, cell_id, year);
