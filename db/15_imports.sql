-- Imported datasets (ctl/importers): one row per [[import]] of the manifest, and the names in them that
-- the alias registry does not know. Filled by ctl/importers/bulk.py and db/post/*.sql; empty when
-- nothing is imported. The imported events themselves live in `event_index` (db/importers/index_imported.sql).

CREATE TABLE imports (
    id VARCHAR PRIMARY KEY,
    format VARCHAR NOT NULL,  -- acled, ucdp, gtd
    path VARCHAR NOT NULL,  -- as the manifest gives it: relative to the project root, or absolute
    sha256 VARCHAR NOT NULL,
    encoding VARCHAR NOT NULL,
    rows BIGINT NOT NULL,  -- data rows read (bad ones included)
    events BIGINT NOT NULL,  -- events imported
    skipped BIGINT NOT NULL,  -- bad rows left out (only with skip_bad)
    skip_bad BOOLEAN NOT NULL,
    -- a row's line in the file is its event_index rowid + line_base, unless the row stores its own
    -- (ctl/importers/bulk.py `verify`)
    line_base BIGINT NOT NULL
);

-- Names that resolved to no actor, group or region: kept verbatim on the events (timeline.unresolved,
-- timeline.admin1) and listed here, most mentioned first, for the import summary and the actor filter.
CREATE TABLE unresolved_names (
    import_id VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,  -- party (an actor or group column) or region (admin1)
    name VARCHAR NOT NULL,
    norm VARCHAR NOT NULL,  -- norm_key(name)
    mentions BIGINT NOT NULL
);
