-- Public views: their names and columns are ctl's API for scripts (`ctl query`), documented in
-- docs/views.md and pinned by tests/test_views.py. Add columns at the end; never rename or drop one.

-- Each region with itself and every ancestor (depth 0 = itself), for "in KP" style filters.
CREATE VIEW region_tree AS
WITH RECURSIVE up(region_id, ancestor_id, depth) AS (
    SELECT id, id, 0 FROM regions
    UNION ALL
    SELECT up.region_id, r.parent, up.depth + 1
    FROM up JOIN regions r ON r.id = up.ancestor_id
    WHERE r.parent IS NOT NULL AND up.depth < 32
)
SELECT region_id, ancestor_id, depth FROM up;

-- One row per event. This is the live definition, over the curated tables: a build that loads rows
-- (ctl/load.py) then materialises curated and imported events into the table `event_index`
-- (db/importers/index_imported.sql) and runs db/post/*.sql, which redefines `timeline` as a
-- projection of it, with the same columns. A
-- database filled without that step (a test's synthetic one) keeps this definition.
CREATE VIEW timeline AS
WITH
ea AS (
    SELECT x.event_id, list(a.name ORDER BY x.ord) AS actors, list(a.id ORDER BY x.ord) AS actor_ids
    FROM event_actors x JOIN actors a ON a.id = x.actor_id
    GROUP BY x.event_id
),
eg AS (
    SELECT x.event_id, list(g.name ORDER BY x.ord) AS groups, list(g.id ORDER BY x.ord) AS group_ids
    FROM event_groups x JOIN groups g ON g.id = x.group_id
    GROUP BY x.event_id
),
es AS (
    SELECT event_id, list(source_id ORDER BY ord) AS sources, count(*) AS source_count
    FROM event_sources
    GROUP BY event_id
)
SELECT
    e.id,
    e.date_start,
    e.date_end,
    e.precision,
    e.title,
    e.type,
    e.location,
    e.region,
    coalesce(ea.actors, []::VARCHAR[]) AS actors,
    coalesce(eg.groups, []::VARCHAR[]) AS groups,
    coalesce(es.sources, []::VARCHAR[]) AS sources,
    coalesce(es.source_count, 0) AS source_count,
    e.summary,
    e.file,
    e.line,
    r.name AS region_name,
    date_label(e.date_start, e.date_end, e.precision) AS date_label,
    'curated' AS dataset,
    NULL::VARCHAR AS import_id,
    NULL::VARCHAR AS dataset_id,
    NULL::VARCHAR AS dataset_type,
    NULL::INTEGER AS fatalities_low,
    NULL::INTEGER AS fatalities_best,
    NULL::INTEGER AS fatalities_high,
    NULL::INTEGER AS injuries,
    coalesce(ea.actor_ids, []::VARCHAR[]) AS actor_ids,
    coalesce(eg.group_ids, []::VARCHAR[]) AS group_ids,
    []::VARCHAR[] AS unresolved,
    NULL::VARCHAR AS admin1,
    NULL::DOUBLE AS latitude,
    NULL::DOUBLE AS longitude,
    NULL::VARCHAR AS geo_precision
FROM events e
LEFT JOIN ea ON ea.event_id = e.id
LEFT JOIN eg ON eg.event_id = e.id
LEFT JOIN es ON es.event_id = e.id
LEFT JOIN regions r ON r.id = e.region;

-- One row per (report, period, region, measure, subgroup). A reported count and a reported share of
-- the same key meet in one row; a share of a reported whole yields a derived count (51% of 432 gives
-- 220), and a count that is part of a reported whole yields a derived share (281 of 432 is 65.0%).
CREATE VIEW regional_aggregates AS
WITH
keys AS (
    SELECT publisher, report, period_start, period_end, region, measure, subgroup,
           max(period_precision) AS period_precision
    FROM statistics
    GROUP BY ALL
),
c AS (SELECT * FROM statistics WHERE unit = 'count'),
p AS (SELECT * FROM statistics WHERE unit = 'percent')
SELECT
    k.publisher,
    k.report,
    k.period_start,
    k.period_end,
    k.region,
    k.measure,
    k.subgroup,
    coalesce(c.value, round(p.value / 100 * pw.value)) AS value,
    CASE WHEN c.value IS NOT NULL THEN 'reported' WHEN pw.value IS NOT NULL THEN 'derived' END AS value_basis,
    coalesce(p.value, round(100 * c.value / cw.value, 1)) AS share_pct,
    CASE WHEN p.value IS NOT NULL THEN 'reported' WHEN cw.value IS NOT NULL THEN 'derived' END AS share_basis,
    coalesce(c.qualifier, p.qualifier) AS qualifier,
    r.name AS region_name,
    coalesce(pw.value, cw.value) AS total,
    coalesce(pw.qualifier, cw.qualifier) AS total_qualifier,
    list_filter([c.id, p.id], lambda x: x IS NOT NULL) AS statistic_ids,
    date_label(k.period_start, k.period_end, k.period_precision) AS period_label
FROM keys k
LEFT JOIN c USING (publisher, report, period_start, period_end, region, measure, subgroup)
LEFT JOIN p USING (publisher, report, period_start, period_end, region, measure, subgroup)
LEFT JOIN statistics pw ON pw.id = p."of"
LEFT JOIN statistics cw ON cw.id = c."of"
LEFT JOIN regions r ON r.id = k.region;

-- Every role of every actor, with the organisation's name.
CREATE VIEW actor_roles AS
SELECT
    a.id AS actor_id,
    a.name AS actor,
    r.ord,
    r.title,
    r.honorific,
    r.organisation AS organisation_id,
    o.name AS organisation,
    r.valid_from,
    r.valid_to,
    r.attested,
    r.sources
FROM actor_role_records r
JOIN actors a ON a.id = r.actor_id
LEFT JOIN actors o ON o.id = r.organisation;

-- Each actor of each event with the title they held at the event's date: among roles whose known
-- tenure covers the date, the one attested nearest to it.
CREATE VIEW event_actor_roles AS
WITH candidates AS (
    SELECT
        x.event_id,
        x.ord,
        x.actor_id,
        x.role,
        ar.title,
        ar.honorific,
        ar.organisation,
        row_number() OVER (
            PARTITION BY x.event_id, x.ord
            ORDER BY
                coalesce(list_min(list_transform(ar.attested, lambda d: CASE
                    WHEN d < e.date_start THEN date_diff('day', d, e.date_start)
                    WHEN d > e.date_end THEN date_diff('day', e.date_end, d)
                    ELSE 0 END)), 1000000),
                ar.ord
        ) AS rank
    FROM event_actors x
    JOIN events e ON e.id = x.event_id
    LEFT JOIN actor_roles ar
        ON ar.actor_id = x.actor_id
        AND (ar.valid_from IS NULL OR ar.valid_from <= e.date_end)
        AND (ar.valid_to IS NULL OR ar.valid_to >= e.date_start)
)
SELECT c.event_id, c.ord, c.actor_id, a.name AS actor, a.kind AS actor_kind, c.role, c.title, c.honorific,
       c.organisation
FROM candidates c JOIN actors a ON a.id = c.actor_id
WHERE c.rank = 1;

-- Which events mention which groups, with the group's canonical name.
CREATE VIEW group_mentions AS
SELECT g.id AS group_id, g.name AS "group", e.id AS event_id, e.date_start, e.date_end, e.type, e.title
FROM event_groups x
JOIN groups g ON g.id = x.group_id
JOIN events e ON e.id = x.event_id;

-- Each source with what it supports: the events and statistics that cite it, and what it relays.
CREATE VIEW source_support AS
WITH
ev AS (SELECT source_id, list(event_id ORDER BY event_id) AS events FROM event_sources GROUP BY source_id),
st AS (SELECT source_id, list(statistic_id ORDER BY statistic_id) AS statistics FROM statistic_sources GROUP BY source_id),
rep AS (SELECT report AS source_id, list(id ORDER BY id) AS reported FROM statistics GROUP BY report),
ci AS (SELECT source_id, list(cited_id ORDER BY ord) AS cites FROM source_cites GROUP BY source_id),
cb AS (SELECT cited_id AS source_id, list(source_id ORDER BY source_id) AS cited_by FROM source_cites GROUP BY cited_id)
SELECT
    s.id,
    s.kind,
    s.outlet,
    s.title,
    s.byline,
    s.published_start,
    s.published_end,
    s.published_precision,
    CASE WHEN s.published_start IS NOT NULL
        THEN date_label(s.published_start, s.published_end, s.published_precision) END AS published_label,
    pub.name AS publisher,
    coalesce(ev.events, []::VARCHAR[]) AS events,
    coalesce(st.statistics, []::VARCHAR[]) AS statistics,
    coalesce(rep.reported, []::VARCHAR[]) AS reported_statistics,
    coalesce(ci.cites, []::VARCHAR[]) AS cites,
    coalesce(cb.cited_by, []::VARCHAR[]) AS cited_by,
    s.file,
    s.line
FROM sources s
LEFT JOIN actors pub ON pub.id = s.publisher
LEFT JOIN ev ON ev.source_id = s.id
LEFT JOIN st ON st.source_id = s.id
LEFT JOIN rep ON rep.source_id = s.id
LEFT JOIN ci ON ci.source_id = s.id
LEFT JOIN cb ON cb.source_id = s.id;
