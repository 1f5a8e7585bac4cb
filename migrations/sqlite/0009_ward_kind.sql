-- What kind of commune-level unit a ward is (xã, phường, thị trấn or đặc khu): the words
-- the app and its printed documents use for it follow this. Set on communes only.
ALTER TABLE org_units ADD COLUMN commune_kind TEXT
    CHECK (commune_kind IS NULL OR commune_kind IN ('xa', 'phuong', 'thi_tran', 'dac_khu'));
UPDATE org_units SET commune_kind = 'phuong' WHERE kind = 'commune';
