-- A number raised by every change to what the pages of a cell show, so that a page kept
-- in memory is known to be stale the moment its data changes (see server/src/page_cache.rs).
CREATE TABLE data_revision (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    n  INTEGER NOT NULL
);
INSERT INTO data_revision (id, n) VALUES (1, 0);

CREATE TRIGGER data_revision_org_units_i AFTER INSERT ON org_units BEGIN UPDATE data_revision SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER data_revision_org_units_u AFTER UPDATE ON org_units BEGIN UPDATE data_revision SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER data_revision_org_units_d AFTER DELETE ON org_units BEGIN UPDATE data_revision SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER data_revision_members_i AFTER INSERT ON members BEGIN UPDATE data_revision SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER data_revision_members_u AFTER UPDATE ON members BEGIN UPDATE data_revision SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER data_revision_members_d AFTER DELETE ON members BEGIN UPDATE data_revision SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER data_revision_users_i AFTER INSERT ON users BEGIN UPDATE data_revision SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER data_revision_users_u AFTER UPDATE ON users BEGIN UPDATE data_revision SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER data_revision_users_d AFTER DELETE ON users BEGIN UPDATE data_revision SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER data_revision_user_roles_i AFTER INSERT ON user_roles BEGIN UPDATE data_revision SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER data_revision_user_roles_u AFTER UPDATE ON user_roles BEGIN UPDATE data_revision SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER data_revision_user_roles_d AFTER DELETE ON user_roles BEGIN UPDATE data_revision SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER data_revision_household_groups_i AFTER INSERT ON household_groups BEGIN UPDATE data_revision SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER data_revision_household_groups_u AFTER UPDATE ON household_groups BEGIN UPDATE data_revision SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER data_revision_household_groups_d AFTER DELETE ON household_groups BEGIN UPDATE data_revision SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER data_revision_households_i AFTER INSERT ON households BEGIN UPDATE data_revision SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER data_revision_households_u AFTER UPDATE ON households BEGIN UPDATE data_revision SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER data_revision_households_d AFTER DELETE ON households BEGIN UPDATE data_revision SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER data_revision_assignments_i AFTER INSERT ON assignments BEGIN UPDATE data_revision SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER data_revision_assignments_u AFTER UPDATE ON assignments BEGIN UPDATE data_revision SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER data_revision_assignments_d AFTER DELETE ON assignments BEGIN UPDATE data_revision SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER data_revision_visits_i AFTER INSERT ON visits BEGIN UPDATE data_revision SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER data_revision_visits_u AFTER UPDATE ON visits BEGIN UPDATE data_revision SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER data_revision_visits_d AFTER DELETE ON visits BEGIN UPDATE data_revision SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER data_revision_registrations_i AFTER INSERT ON registrations BEGIN UPDATE data_revision SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER data_revision_registrations_u AFTER UPDATE ON registrations BEGIN UPDATE data_revision SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER data_revision_registrations_d AFTER DELETE ON registrations BEGIN UPDATE data_revision SET n = n + 1 WHERE id = 1; END;
