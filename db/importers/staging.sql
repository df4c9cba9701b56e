-- The staging of imports, for one build (TEMP: nothing here is kept). Imported rows are written once:
-- ctl/importers/bulk.py defines the TEMP view `import_rows` (every file read by DuckDB's CSV reader and
-- mapped by db/importers/<format>.sql), one file at a time, and db/importers/index_imported.sql copies
-- it into `event_index`; the curated events follow. Bad rows, repeated ids and line numbers are settled on that table afterwards.

-- The columns a mapping gives each row, with the import's id and the row's line in the file;
-- `import_rows` is this table (empty) UNION ALL BY NAME every import's rows, so it has these types
-- even when nothing is imported.
CREATE TEMP TABLE import_rows_template (
    import_id VARCHAR,
    file VARCHAR,  -- the file as the manifest names it
    dataset VARCHAR,  -- the format: acled, ucdp, gtd
    ordinal BIGINT,  -- the row's place among the records DuckDB read (1-based)
    line BIGINT,  -- its line in the file (1 is the header), before the shifts bulk.py may apply
    nl INTEGER,  -- line breaks inside its quoted fields (they shift the lines that follow)
    dataset_id VARCHAR,  -- the dataset's own id of the event, where the file has one
    date_start DATE,
    date_end DATE,
    precision VARCHAR,
    type VARCHAR,  -- our event type
    dataset_type VARCHAR,  -- the dataset's own
    title VARCHAR,
    summary VARCHAR,
    location VARCHAR,
    admin1 VARCHAR,
    country VARCHAR,
    latitude DOUBLE,
    longitude DOUBLE,
    geo_precision VARCHAR,
    party1 VARCHAR,  -- the actor fields as written; party2 and party4 may hold `;`-separated lists
    party2 VARCHAR,
    party3 VARCHAR,
    party4 VARCHAR,
    sources VARCHAR[],  -- the sources, or NULL when source_text holds them
    source_text VARCHAR,  -- or: a `;` list of them as written, which imp_list(source_text) splits
    source_count INTEGER,  -- NULL: the items of source_text, counted by `timeline` (imp_list_len)
    fatalities_low INTEGER,
    fatalities_best INTEGER,
    fatalities_high INTEGER,
    injuries INTEGER,
    bad VARCHAR  -- why the row cannot be imported, or NULL
);
