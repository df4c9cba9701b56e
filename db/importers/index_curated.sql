-- The curated events, as rows of `event_index` (see db/importers/index_imported.sql): inserted BY NAME
-- after the imported files' rows. Their actor and group lists and their region are not columns of
-- the table: db/post/40_names.sql files them under the keys below, as it does an imported event's.
SELECT
    id, date_start, date_end, precision, title, type, location, sources, NULL::VARCHAR AS source_text,
    source_count, summary, file, line, dataset, import_id, dataset_type,
    fatalities_low, fatalities_best, fatalities_high, injuries, admin1,
    latitude, longitude, geo_precision,
    NULL::VARCHAR AS country, NULL::VARCHAR AS party1, NULL::VARCHAR AS party2, NULL::VARCHAR AS party3,
    -- Keys of their own, so that party_combos and place_regions (db/post/40_names.sql) list curated
    -- events too and a name filter is one key lookup for every event (ctl.filters, "index").
    NULL::VARCHAR AS party4, hash('curated', id) AS party_key,
    CASE WHEN region IS NOT NULL THEN hash('curated', region) END AS place_key,
    NULL::VARCHAR AS bad
FROM timeline  -- the live view: the curated events
