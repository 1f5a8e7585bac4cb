-- Gắn Bó: the foundation schema.
--
-- Portable SQL (SQLite and PostgreSQL): no engine-specific date arithmetic, partial
-- unique indexes for "one active row", and every table that belongs to a commune/ward
-- carries its `ward_id` so that every query of a cell or ward can filter by it first.

-- The organisation tree: province > (district) > commune/ward > cell > party group.
-- `path` is the materialised path of ids ("/1/4/9/") so that a subtree is one
-- prefix match; `ward_id` is the commune/ward this unit lies in (NULL above it).
CREATE TABLE org_units (
    id          INTEGER PRIMARY KEY,
    parent_id   INTEGER REFERENCES org_units(id),
    ward_id     INTEGER REFERENCES org_units(id),
    kind        TEXT NOT NULL CHECK (kind IN ('province', 'district', 'commune', 'cell', 'party_group')),
    name        TEXT NOT NULL,
    code        TEXT NOT NULL UNIQUE,
    path        TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE INDEX org_units_parent ON org_units(parent_id);
CREATE INDEX org_units_path ON org_units(path);
CREATE INDEX org_units_ward_kind ON org_units(ward_id, kind);

-- Party members.
CREATE TABLE members (
    id                  INTEGER PRIMARY KEY,
    ward_id             INTEGER NOT NULL REFERENCES org_units(id),
    cell_id             INTEGER NOT NULL REFERENCES org_units(id),
    party_group_id      INTEGER REFERENCES org_units(id),
    full_name           TEXT NOT NULL,
    search_key          TEXT NOT NULL,
    gender              TEXT NOT NULL CHECK (gender IN ('male', 'female', 'other')),
    birth_year          INTEGER,
    phone               TEXT NOT NULL DEFAULT '',
    home_area           TEXT NOT NULL DEFAULT '',
    home_alley          TEXT NOT NULL DEFAULT '',
    home_lane           TEXT NOT NULL DEFAULT '',
    home_house_no       TEXT NOT NULL DEFAULT '',
    status              TEXT NOT NULL CHECK (status IN ('active', 'exempt', 'elderly_ill', 'working_away', 'outside_commune', 'transferred')),
    kind                TEXT NOT NULL CHECK (kind IN ('resident', 'dv213')),
    workplace           TEXT NOT NULL DEFAULT '',
    workplace_committee TEXT NOT NULL DEFAULT '',
    capacity            INTEGER NOT NULL DEFAULT 2 CHECK (capacity >= 0 AND capacity <= 50),
    notes               TEXT NOT NULL DEFAULT '',
    is_group_leader     INTEGER NOT NULL DEFAULT 0,
    version             INTEGER NOT NULL DEFAULT 1,
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL
);
CREATE INDEX members_ward_cell ON members(ward_id, cell_id);
CREATE INDEX members_cell_name ON members(cell_id, search_key);

-- Accounts. A user may be linked to a member; roles are held at an org unit and cover its subtree.
CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    display_name  TEXT NOT NULL,
    member_id     INTEGER REFERENCES members(id),
    active        INTEGER NOT NULL DEFAULT 1,
    created_at    TEXT NOT NULL
);

CREATE TABLE user_roles (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users(id),
    role        TEXT NOT NULL CHECK (role IN ('committee', 'secretary', 'member', 'viewer')),
    org_unit_id INTEGER NOT NULL REFERENCES org_units(id),
    UNIQUE (user_id, role, org_unit_id)
);
CREATE INDEX user_roles_user ON user_roles(user_id);

-- Every status a member has held, newest last. The current one is also on `members`.
CREATE TABLE member_status_history (
    id          INTEGER PRIMARY KEY,
    ward_id     INTEGER NOT NULL REFERENCES org_units(id),
    member_id   INTEGER NOT NULL REFERENCES members(id),
    status      TEXT NOT NULL,
    since       TEXT NOT NULL,
    changed_by  INTEGER REFERENCES users(id),
    reason      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX member_status_history_member ON member_status_history(member_id, since);

-- Self-managed people's groups (tổ nhân dân tự quản): a unit a member can follow.
CREATE TABLE household_groups (
    id          INTEGER PRIMARY KEY,
    ward_id     INTEGER NOT NULL REFERENCES org_units(id),
    cell_id     INTEGER NOT NULL REFERENCES org_units(id),
    name        TEXT NOT NULL,
    search_key  TEXT NOT NULL,
    area        TEXT NOT NULL DEFAULT '',
    alley       TEXT NOT NULL DEFAULT '',
    leader_name TEXT NOT NULL DEFAULT '',
    notes       TEXT NOT NULL DEFAULT '',
    version     INTEGER NOT NULL DEFAULT 1,
    created_at  TEXT NOT NULL
);
CREATE INDEX household_groups_ward_cell ON household_groups(ward_id, cell_id);

-- Households. `tags` is a comma-separated list of known tag codes (",poor,elderly_alone,").
CREATE TABLE households (
    id          INTEGER PRIMARY KEY,
    ward_id     INTEGER NOT NULL REFERENCES org_units(id),
    cell_id     INTEGER NOT NULL REFERENCES org_units(id),
    group_id    INTEGER REFERENCES household_groups(id),
    area        TEXT NOT NULL,
    alley       TEXT NOT NULL DEFAULT '',
    lane        TEXT NOT NULL DEFAULT '',
    house_no    TEXT NOT NULL DEFAULT '',
    head_name   TEXT NOT NULL,
    search_key  TEXT NOT NULL,
    size        INTEGER NOT NULL DEFAULT 1 CHECK (size >= 1 AND size <= 100),
    phone       TEXT NOT NULL DEFAULT '',
    tags        TEXT NOT NULL DEFAULT '',
    latitude    REAL,
    longitude   REAL,
    hot_spot    INTEGER NOT NULL DEFAULT 0 CHECK (hot_spot BETWEEN 0 AND 3),
    notes       TEXT NOT NULL DEFAULT '',
    version     INTEGER NOT NULL DEFAULT 1,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX households_ward_cell ON households(ward_id, cell_id);
CREATE INDEX households_cell_search ON households(cell_id, search_key);
CREATE INDEX households_group ON households(group_id);

-- Who looks after what, and since when. Exactly one of household_id and group_id is set.
-- Rows are ended, never deleted: the table is the registration book's history.
CREATE TABLE assignments (
    id            INTEGER PRIMARY KEY,
    ward_id       INTEGER NOT NULL REFERENCES org_units(id),
    cell_id       INTEGER NOT NULL REFERENCES org_units(id),
    member_id     INTEGER NOT NULL REFERENCES members(id),
    household_id  INTEGER REFERENCES households(id),
    group_id      INTEGER REFERENCES household_groups(id),
    mode          TEXT NOT NULL CHECK (mode IN ('regular', 'non_regular')),
    started_at    TEXT NOT NULL,
    ended_at      TEXT,
    assigned_by   INTEGER REFERENCES users(id),
    ended_by      INTEGER REFERENCES users(id),
    reason        TEXT NOT NULL DEFAULT '',
    end_reason    TEXT NOT NULL DEFAULT '',
    CHECK ((household_id IS NULL) <> (group_id IS NULL)),
    CHECK (ended_at IS NULL OR ended_at >= started_at)
);
-- Rule R2, enforced by the database: one active assignment per household or group.
CREATE UNIQUE INDEX assignments_one_active_household
    ON assignments(household_id) WHERE ended_at IS NULL AND household_id IS NOT NULL;
CREATE UNIQUE INDEX assignments_one_active_group
    ON assignments(group_id) WHERE ended_at IS NULL AND group_id IS NOT NULL;
CREATE INDEX assignments_member ON assignments(member_id, ended_at);
CREATE INDEX assignments_ward_cell ON assignments(ward_id, cell_id, ended_at);
CREATE INDEX assignments_household_history ON assignments(household_id, started_at);

-- Visits to a household. `client_id` is made on the phone so that a resend stores nothing twice.
CREATE TABLE visits (
    id              INTEGER PRIMARY KEY,
    ward_id         INTEGER NOT NULL REFERENCES org_units(id),
    cell_id         INTEGER NOT NULL REFERENCES org_units(id),
    household_id    INTEGER NOT NULL REFERENCES households(id),
    member_id       INTEGER NOT NULL REFERENCES members(id),
    client_id       TEXT NOT NULL UNIQUE,
    visited_on      TEXT NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('home', 'phone', 'elsewhere')),
    topics          TEXT NOT NULL DEFAULT '',
    note            TEXT NOT NULL DEFAULT '',
    mediation       INTEGER NOT NULL DEFAULT 0,
    hot_spot        INTEGER NOT NULL DEFAULT 0 CHECK (hot_spot BETWEEN 0 AND 3),
    feedback        TEXT NOT NULL DEFAULT '',
    feedback_rating INTEGER CHECK (feedback_rating BETWEEN 1 AND 5),
    created_by      INTEGER REFERENCES users(id),
    created_at      TEXT NOT NULL
);
CREATE INDEX visits_household ON visits(household_id, visited_on);
CREATE INDEX visits_member ON visits(member_id, visited_on);
CREATE INDEX visits_ward_cell ON visits(ward_id, cell_id, visited_on);

-- Concerns (thoughts, grievances, petitions) and every step they take.
CREATE TABLE concerns (
    id              INTEGER PRIMARY KEY,
    ward_id         INTEGER NOT NULL REFERENCES org_units(id),
    cell_id         INTEGER NOT NULL REFERENCES org_units(id),
    household_id    INTEGER REFERENCES households(id),
    visit_id        INTEGER REFERENCES visits(id),
    member_id       INTEGER REFERENCES members(id),
    client_id       TEXT UNIQUE,
    category        TEXT NOT NULL,
    body            TEXT NOT NULL,
    urgency         TEXT NOT NULL CHECK (urgency IN ('normal', 'urgent')),
    state           TEXT NOT NULL CHECK (state IN ('raised', 'reported', 'answered_by_cell', 'referred_to_committee', 'answered_in_writing', 'referred_outside', 'household_informed', 'closed')),
    raised_on       TEXT NOT NULL,
    due_on          TEXT,
    version         INTEGER NOT NULL DEFAULT 1,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE INDEX concerns_ward_cell_state ON concerns(ward_id, cell_id, state);
CREATE INDEX concerns_household ON concerns(household_id);

CREATE TABLE concern_events (
    id          INTEGER PRIMARY KEY,
    ward_id     INTEGER NOT NULL REFERENCES org_units(id),
    concern_id  INTEGER NOT NULL REFERENCES concerns(id),
    step        TEXT NOT NULL,
    from_state  TEXT,
    to_state    TEXT NOT NULL,
    actor_id    INTEGER REFERENCES users(id),
    body        TEXT NOT NULL DEFAULT '',
    at          TEXT NOT NULL
);
CREATE INDEX concern_events_concern ON concern_events(concern_id, at);

-- Every sign-in attempt, kept for throttling and for the security record.
CREATE TABLE sign_in_attempts (
    id          INTEGER PRIMARY KEY,
    username    TEXT NOT NULL,
    remote_addr TEXT NOT NULL DEFAULT '',
    succeeded   INTEGER NOT NULL,
    at          TEXT NOT NULL
);
CREATE INDEX sign_in_attempts_username ON sign_in_attempts(username, at);
CREATE INDEX sign_in_attempts_addr ON sign_in_attempts(remote_addr, at);

-- Who changed what, when: the before and after of every write, as JSON.
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    ward_id     INTEGER REFERENCES org_units(id),
    user_id     INTEGER REFERENCES users(id),
    action      TEXT NOT NULL,
    entity      TEXT NOT NULL,
    entity_id   INTEGER,
    before_json TEXT,
    after_json  TEXT,
    at          TEXT NOT NULL
);
CREATE INDEX audit_log_ward_at ON audit_log(ward_id, at);
CREATE INDEX audit_log_entity ON audit_log(entity, entity_id);

-- Small settings of this installation (for example whether it holds the demo ward).
CREATE TABLE app_settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
