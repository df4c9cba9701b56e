-- Post-load, step 1: the names of imported events -> actors, groups and regions, through the alias
-- registry (`aliases`, compared by norm_key, the SQL twin of ctl/aliases.py). Runs once every row is in
-- `event_index` (ctl/load.py). It works on the distinct combinations of actor fields and of places, so
-- its cost follows the number of different names, not of rows; the `timeline` view joins the results
-- back by the rows' hash keys (party_key, place_key).

-- Each distinct combination of actor fields, with how often each import has it. Grouping by the
-- fields themselves as well as their key proves the key unique (a second row per key would be a hash
-- collision: the build stops with an error rather than merge them).
CREATE TEMP TABLE combo_counts AS
SELECT import_id, party_key, party1, party2, party3, party4, count(*) AS n
FROM event_index
WHERE party_key IS NOT NULL AND dataset <> 'curated'
GROUP BY ALL;

CREATE TEMP TABLE combos AS
SELECT DISTINCT party_key, party1, party2, party3, party4 FROM combo_counts;

SELECT CASE WHEN count(*) > count(DISTINCT party_key) THEN error('two actor combinations share a hash key') END
FROM combos;

-- Each combination split into names, in order: the four fields, and within a field ACLED's `; `
-- lists. "Unknown" (GTD's gname for an unattributed attack) names nobody.
CREATE TEMP TABLE combo_names AS
WITH fields AS (
    SELECT party_key, 1 AS f, party1 AS field FROM combos WHERE party1 IS NOT NULL
    UNION ALL SELECT party_key, 2, party2 FROM combos WHERE party2 IS NOT NULL
    UNION ALL SELECT party_key, 3, party3 FROM combos WHERE party3 IS NOT NULL
    UNION ALL SELECT party_key, 4, party4 FROM combos WHERE party4 IS NOT NULL
)
SELECT party_key, f, ord, trim(part) AS name
FROM fields, unnest(string_split(field, ';')) WITH ORDINALITY AS u(part, ord)
WHERE trim(part) <> '' AND lower(trim(part)) <> 'unknown';

-- Each name's actor or group. Candidates, best first: the whole name; in `ABBR: Name` (ACLED's groups)
-- the abbreviation, then the name; the name without a trailing `(...)` (`Military Forces of Pakistan
-- (2018-)`); and the parenthesised part (`Tehrik-i-Taliban Pakistan (TTP)`), for groups only, since
-- `Civilians (Pakistan)` is no state. At equal rank a group wins over an actor.
CREATE TEMP TABLE party_names AS
WITH
names AS (SELECT DISTINCT name FROM combo_names),
candidates AS (
    SELECT name, 1 AS pri, name AS candidate, false AS groups_only FROM names
    UNION ALL
    SELECT name, 2, split_part(name, ':', 1), false FROM names WHERE contains(name, ':')
    UNION ALL
    SELECT name, 3, substr(name, strpos(name, ':') + 1), false FROM names WHERE contains(name, ':')
    UNION ALL
    SELECT name, 4, regexp_replace(name, '\s*\([^()]*\)\s*$', ''), false
    FROM names WHERE regexp_matches(name, '\([^()]*\)\s*$')
    UNION ALL
    SELECT name, 5, regexp_extract(name, '\(([^()]*)\)\s*$', 1), true
    FROM names WHERE regexp_matches(name, '\([^()]*\)\s*$')
),
hits AS (
    SELECT
        c.name,
        a.entity_kind AS kind,
        a.entity_id,
        row_number() OVER (
            PARTITION BY c.name ORDER BY c.pri, a.entity_kind = 'group' DESC, a.entity_id
        ) AS rank
    FROM candidates c
    JOIN aliases a ON a.norm = norm_key(c.candidate) AND a.entity_kind IN ('actor', 'group')
    WHERE norm_key(c.candidate) <> '' AND (NOT c.groups_only OR a.entity_kind = 'group')
)
SELECT n.name, h.kind, h.entity_id, coalesce(g.name, ac.name) AS canonical
FROM names n
LEFT JOIN hits h ON h.name = n.name AND h.rank = 1
LEFT JOIN groups g ON h.kind = 'group' AND g.id = h.entity_id
LEFT JOIN actors ac ON h.kind = 'actor' AND ac.id = h.entity_id;

-- Per combination, what its events get: actor names (canonical, or verbatim when unresolved) and ids,
-- group names and ids, and the unresolved names: each once, in first-seen order.
CREATE TABLE party_combos AS
WITH lists AS (
    SELECT
        c.party_key,
        list(coalesce(n.canonical, c.name) ORDER BY c.f, c.ord) FILTER (WHERE n.kind IS DISTINCT FROM 'group')
            AS actors,
        list(n.entity_id ORDER BY c.f, c.ord) FILTER (WHERE n.kind = 'actor') AS actor_ids,
        list(n.canonical ORDER BY c.f, c.ord) FILTER (WHERE n.kind = 'group') AS all_groups,
        list(n.entity_id ORDER BY c.f, c.ord) FILTER (WHERE n.kind = 'group') AS all_group_ids,
        list(c.name ORDER BY c.f, c.ord) FILTER (WHERE n.kind IS NULL) AS unresolved
    FROM combo_names c
    JOIN party_names n ON n.name = c.name
    GROUP BY c.party_key
)
SELECT
    k.party_key,
    coalesce(list_first_seen(l.actors), []::VARCHAR[]) AS actors,
    coalesce(list_first_seen(l.actor_ids), []::VARCHAR[]) AS actor_ids,
    coalesce(list_first_seen(l.all_groups), []::VARCHAR[]) AS groups,
    coalesce(list_first_seen(l.all_group_ids), []::VARCHAR[]) AS group_ids,
    coalesce(list_first_seen(l.unresolved), []::VARCHAR[]) AS unresolved
FROM combos k
LEFT JOIN lists l ON l.party_key = k.party_key;

-- A curated event is a combination of its own (its key is its id's hash, as db/importers/
-- index_curated.sql gives it), with its lists from the live `timeline` view (db/30_views.sql, not yet
-- replaced: db/post/60_views.sql comes next), so the table answers "which events name X" for every
-- event, curated or imported, and the `timeline` view gets every event's lists from it.
INSERT INTO party_combos
SELECT hash('curated', id), actors, actor_ids, groups, group_ids, coalesce(unresolved, []::VARCHAR[])
FROM timeline;

-- Places: admin1 (province) to a region, within the country. The country resolves by alias; admin1
-- by alias (whole, without a trailing ` province`, without a trailing `(...)`) among that country's
-- sub-regions, so Punjab in India never lands in Pakistan's Punjab. FATA stays FATA: it is a region of
-- its own (seeds/regions.toml), never folded into Khyber Pakhtunkhwa. An admin1 that does not resolve
-- leaves the event in its country; a country that does not resolve leaves it without a region.
CREATE TEMP TABLE place_counts AS
SELECT import_id, place_key, admin1, country, count(*) AS n
FROM event_index
WHERE place_key IS NOT NULL AND dataset <> 'curated'
GROUP BY ALL;

CREATE TEMP TABLE places AS SELECT DISTINCT place_key, admin1, country FROM place_counts;

SELECT CASE WHEN count(*) > count(DISTINCT place_key) THEN error('two places share a hash key') END FROM places;

CREATE TABLE place_regions AS
WITH
countries AS (
    SELECT DISTINCT ON (p.country) p.country, a.entity_id AS region
    FROM places p JOIN aliases a ON a.entity_kind = 'region' AND a.norm = norm_key(p.country)
    ORDER BY p.country, a.entity_id
),
candidates AS (
    SELECT place_key, country, 1 AS pri, admin1 AS candidate FROM places WHERE admin1 IS NOT NULL
    UNION ALL
    SELECT place_key, country, 2, regexp_replace(admin1, '\s+province$', '', 'i') FROM places
    WHERE regexp_matches(admin1, '\s+province$', 'i')
    UNION ALL
    SELECT place_key, country, 3, regexp_replace(admin1, '\s*\([^()]*\)\s*$', '') FROM places
    WHERE regexp_matches(admin1, '\([^()]*\)\s*$')
),
admin_hits AS (
    SELECT
        c.place_key,
        a.entity_id AS region,
        row_number() OVER (PARTITION BY c.place_key ORDER BY c.pri, a.entity_id) AS rank
    FROM candidates c
    JOIN aliases a ON a.entity_kind = 'region' AND a.norm = norm_key(c.candidate)
    LEFT JOIN countries k ON k.country = c.country
    WHERE c.country IS NULL
        OR EXISTS (SELECT 1 FROM region_tree rt WHERE rt.region_id = a.entity_id AND rt.ancestor_id = k.region)
)
SELECT
    p.place_key,
    coalesce(h.region, k.region) AS region,
    CASE
        WHEN p.country IS NOT NULL AND k.region IS NULL THEN p.country
        WHEN p.admin1 IS NOT NULL AND h.region IS NULL THEN p.admin1
    END AS unresolved
FROM places p
LEFT JOIN countries k ON k.country = p.country
LEFT JOIN admin_hits h ON h.place_key = p.place_key AND h.rank = 1;

-- A curated event's region is a place of its own (the region id's hash), as for party_combos above.
INSERT INTO place_regions
SELECT DISTINCT hash('curated', region), region, NULL FROM timeline WHERE region IS NOT NULL;

-- The unresolved names, with how often each import mentions them (the import summary lists the most
-- frequent; the actor filter matches them by norm).
INSERT INTO unresolved_names
SELECT c.import_id, 'party', n.name, norm_key(n.name), sum(c.n)
FROM combo_counts c
JOIN combo_names n ON n.party_key = c.party_key
JOIN party_names p ON p.name = n.name AND p.kind IS NULL
GROUP BY ALL;

INSERT INTO unresolved_names
SELECT c.import_id, 'region', r.unresolved, norm_key(r.unresolved), sum(c.n)
FROM place_counts c
JOIN place_regions r ON r.place_key = c.place_key
WHERE r.unresolved IS NOT NULL
GROUP BY ALL;
