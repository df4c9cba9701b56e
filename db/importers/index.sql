-- Every event, curated and imported, in one table: `event_index`, which `timeline` projects
-- (db/post/60_views.sql). Built once per load, right after the rows are in.
--
-- Why a table: at a million events the live view of db/30_views.sql would rebuild each event's
-- actor, group and source lists through the link tables on every query. Curated events get their
-- lists here, once. An imported event keeps its actor fields and place as written (party1..4,
-- admin1, country) with a hash key of each: db/post/40_names.sql resolves every distinct combination
-- once, and the view joins it in by key. That keeps an import to one write of each row, which is
-- what a million-row import spends most of its time on; computing the lists per row here instead,
-- or sorting the table, would cost more than reading the file does.
--
-- Rows are stored in the order read: curated events, then each file in the order of its rows. The
-- datasets' exports come sorted by date, so DuckDB's per-row-group min/max dates still let a date
-- filter skip most of the table. That order is what a row's line is computed from (bulk.py verify),
-- so the imported rows go in by an INSERT of their own. Written in one CREATE TABLE ... AS together
-- with the curated events (`timeline UNION ALL import_rows`), a large file's rows were stored out of
-- order: a 213,000-row UCDP file had 199,912 rows away from their place, so wrong lines and no error;
-- at 250,000 rows the import was refused ("rows were not stored in file order").
CREATE TABLE event_index AS
SELECT
    id, date_start, date_end, precision, title, type, location, region, actors, groups, sources,
    source_count, summary, file, line, region_name, dataset, import_id, dataset_id, dataset_type,
    fatalities_low, fatalities_best, fatalities_high, injuries, actor_ids, group_ids, unresolved, admin1,
    latitude, longitude, geo_precision,
    NULL::VARCHAR AS country, NULL::VARCHAR AS party1, NULL::VARCHAR AS party2, NULL::VARCHAR AS party3,
    -- Keys of their own, so that party_combos and place_regions (db/post/40_names.sql) list curated
    -- events too and a name filter is one key lookup for every event (ctl.filters, "index").
    NULL::VARCHAR AS party4, hash('curated', id) AS party_key,
    CASE WHEN region IS NOT NULL THEN hash('curated', region) END AS place_key,
    NULL::VARCHAR AS bad
FROM timeline;  -- the live view: the curated events

INSERT INTO event_index
SELECT
    -- the dataset's id, or the line for files without ids (NULL for a blank id: bulk.py fills it in)
    import_id || '/' || coalesce(dataset_id, 'L' || line) AS id, date_start, date_end, precision, title, type,
    location, NULL AS region, NULL AS actors, NULL AS groups, coalesce(sources, []::VARCHAR[]) AS sources,
    coalesce(source_count, 0) AS source_count, summary, file, line::INTEGER AS line, NULL AS region_name,
    dataset, import_id, dataset_id, dataset_type, fatalities_low, fatalities_best, fatalities_high, injuries,
    NULL AS actor_ids, NULL AS group_ids, NULL AS unresolved, admin1, latitude, longitude, geo_precision,
    country, party1, party2, party3, party4,
    hash(party1, party2, party3, party4) AS party_key,
    hash(admin1, country) AS place_key,
    bad
FROM import_rows;
