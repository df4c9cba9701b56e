-- Every event, curated and imported, in one table: `event_index`, which `timeline` projects
-- (db/post/60_views.sql). Built once per load, right after the rows are in, by
-- ctl/importers/bulk.py `load_events`: CREATE TABLE event_index AS this query over the first file's
-- rows, INSERT of it for each further file, then the curated events (db/importers/index_curated.sql).
--
-- Why a table: at a million events the live view of db/30_views.sql would rebuild each event's
-- actor, group and source lists through the link tables on every query. An imported event keeps its
-- actor fields and place as written (party1..4, admin1, country) with a hash key of each:
-- db/post/40_names.sql resolves every distinct combination once, and the view joins it in by key. A
-- curated event's lists and region are reached by key in the same way, so the table has no column
-- for them. That keeps an import to one write of each row, which is what a million-row import spends
-- most of its time on; computing the lists per row here instead, or sorting the table, would cost more
-- than reading the file does. For the same reason the table has no column that every imported row
-- would leave empty: writing a column costs DuckDB about 30 ms per million rows even when it holds
-- nothing but NULL (bench/import_bench.py times the import against a bare CREATE TABLE AS).
--
-- Each file's rows are stored in the order read, one statement per file: a row's line is computed
-- from that order (bulk.py verify). In one statement with anything else (`timeline UNION ALL
-- import_rows`, as this once was), a large file's rows were stored out of order: a 213,000-row UCDP
-- file had 199,912 rows away from their place. The datasets' exports come sorted by date, so
-- DuckDB's per-row-group min/max dates still let a date filter skip most of the table.
SELECT
    -- the dataset's id, or the line for files without ids (NULL for a blank id: bulk.py fills it in)
    import_id || '/' || coalesce(dataset_id, 'L' || line) AS id, date_start, date_end, precision, title, type,
    location, CASE WHEN source_text IS NULL THEN coalesce(sources, []::VARCHAR[]) END AS sources, source_text,
    -- NULL where the sources are source_text's items, which `timeline` counts
    CASE WHEN source_text IS NULL THEN coalesce(source_count, 0) ELSE source_count END::BIGINT AS source_count, summary, file, line::INTEGER AS line,
    dataset, import_id,
    -- The dataset's id is the id's tail (`timeline` cuts it off): a second column of a million
    -- distinct strings cost a tenth of the write. Only an id made from the line is marked.
    CASE WHEN dataset_id IS NULL THEN true END AS id_from_line,
    dataset_type, fatalities_low, fatalities_best, fatalities_high, injuries,
    admin1, latitude, longitude, geo_precision,
    country, party1, party2, party3, party4,
    hash(party1, party2, party3, party4) AS party_key,
    hash(admin1, country) AS place_key,
    bad
FROM import_rows
