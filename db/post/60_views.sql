-- Post-load, step 2: `timeline` and `group_mentions` over `event_index` (db/importers/index_imported.sql),
-- replacing the live definitions of db/30_views.sql. Same columns, same order (tests pin them).
--
-- Every event, curated or imported, gets its actor and group lists and its region here, from its
-- actor-field combination and place (db/post/40_names.sql), joined by key. Conditions on the
-- table's own columns (dates, dataset, type, id ...) are applied before these joins, so a filtered
-- timeline joins only the events it keeps.

CREATE OR REPLACE VIEW timeline AS
SELECT
    e.id,
    e.date_start,
    e.date_end,
    e.precision,
    e.title,
    e.type,
    e.location,
    p.region,
    coalesce(c.actors, []::VARCHAR[]) AS actors,
    coalesce(c.groups, []::VARCHAR[]) AS groups,
    coalesce(e.sources, imp_list(e.source_text)) AS sources,  -- see db/importers/acled.sql
    coalesce(e.source_count, imp_list_len(e.source_text)) AS source_count,  -- idem
    e.summary,
    e.file,
    coalesce(e.line, (e.rowid + i.line_base)::INTEGER) AS line,
    r.name AS region_name,
    date_label(e.date_start, e.date_end, e.precision) AS date_label,
    e.dataset,
    e.import_id,
    -- an imported event's id is import_id/dataset id, unless made from its line (bulk.py)
    CASE WHEN e.import_id IS NOT NULL AND e.id_from_line IS NULL THEN substr(e.id, length(e.import_id) + 2) END
        AS dataset_id,
    e.dataset_type,
    e.fatalities_low,
    e.fatalities_best,
    e.fatalities_high,
    e.injuries,
    coalesce(c.actor_ids, []::VARCHAR[]) AS actor_ids,
    coalesce(c.group_ids, []::VARCHAR[]) AS group_ids,
    coalesce(c.unresolved, []::VARCHAR[]) AS unresolved,
    e.admin1,
    e.latitude,
    e.longitude,
    e.geo_precision
FROM event_index e
LEFT JOIN imports i ON i.id = e.import_id
LEFT JOIN party_combos c ON c.party_key = e.party_key
LEFT JOIN place_regions p ON p.place_key = e.place_key
LEFT JOIN regions r ON r.id = p.region;

-- Which events mention which groups, curated and imported.
CREATE OR REPLACE VIEW group_mentions AS
SELECT g.id AS group_id, g.name AS "group", t.id AS event_id, t.date_start, t.date_end, t.type, t.title
FROM timeline t, unnest(t.group_ids) AS u(gid)
JOIN groups g ON g.id = u.gid;
