-- One-time sign-in codes: what a cell's secretary hands a member (on a printed card) to
-- sign in the first time, or again after a reset. A code signs in once, before it
-- expires, and the person then chooses their own password. It is kept as issued until
-- then, so that the secretary can print its card again; it goes when used or replaced.
CREATE TABLE sign_in_codes (
    user_id    INTEGER PRIMARY KEY REFERENCES users(id),
    code       TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    issued_by  INTEGER NOT NULL REFERENCES users(id),
    issued_at  TEXT NOT NULL
);

-- Signed in with a one-time code and not yet chosen a password: every page leads to the
-- screen that asks for one.
ALTER TABLE users ADD COLUMN must_choose_password INTEGER NOT NULL DEFAULT 0;
