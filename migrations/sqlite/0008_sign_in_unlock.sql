-- Who lifted a lock on a username: an unlock is recorded as a success in their name.
ALTER TABLE sign_in_attempts ADD COLUMN unlocked_by INTEGER REFERENCES users(id);
