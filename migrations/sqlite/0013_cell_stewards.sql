-- Each member of the commune committee answers for some cells (cấp ủy viên phụ trách chi
-- bộ): a cell names the committee account that answers for it, changed under the cell's
-- version like its name.
ALTER TABLE org_units ADD COLUMN steward_user_id INTEGER REFERENCES users(id);
CREATE INDEX org_units_steward ON org_units(steward_user_id);
