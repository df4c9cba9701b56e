-- ACLED export -> import rows (the columns of import_rows_template in db/importers/staging.sql).
-- Reads `raw`: every column of ctl/importers/formats.py ACLED as text (NULL when the file lacks it),
-- with _ordinal and _nl. Each value is parsed once, in `p`; the output and the bad-row check share it.
--
-- Dates: event_date as 2024-05-10, 10 May 2024 or 10-May-24 (a two-digit year takes its century from
-- the `year` column; without one, strptime's: 69-99 are 19xx). time_precision 1 is the day; 2 is
-- "within about a week", ACLED recording the midpoint, so the event spans the 7 days around it at week
-- precision; 3 is "within a month": the calendar month. Without time_precision: the day.
-- Fatalities: ACLED's figure is the lowest reported estimate, so it is both `low` and `best`; `high` is
-- unknown. ACLED codes "no information" as 0, which stays 0; a blank field is unknown (NULL).
-- Types: battles and air/drone strikes are operations; other explosions/remote violence and violence
-- against civilians are attacks; strategic developments are truces (agreements), operations (arrests)
-- or other; protests and riots are other. Exports made before ACLED's 2019 revision use the older
-- names, which have no sub-event type: "Battle-No change of territory" (and its "Battle-Government
-- regains territory" / "Battle-Non-state actor overtakes territory" siblings) is a battle, "Remote
-- violence" an explosion/remote violence. `dataset_type` keeps ACLED's own.
-- Actors: actor1, assoc_actor_1 (a `; ` list), actor2, assoc_actor_2, resolved by db/post/40_names.sql.
WITH p AS (
    SELECT
        _ordinal,
        _nl,
        imp_text(event_id_cnty) AS dataset_id,
        imp_text(event_date) AS date_text,
        imp_date(event_date) AS day0,
        imp_text(time_precision) AS tp_text,
        imp_code(time_precision) AS tp,
        year AS year_text,
        imp_text(event_type) AS event_type,
        imp_text(sub_event_type) AS sub_event_type,
        imp_text(location) AS location,
        imp_text(notes) AS notes,
        imp_text(admin1) AS admin1,
        imp_text(country) AS country,
        imp_text(latitude) AS lat_text,
        try_cast(imp_text(latitude) AS DOUBLE) AS lat,
        imp_text(longitude) AS lon_text,
        try_cast(imp_text(longitude) AS DOUBLE) AS lon,
        imp_code(geo_precision) AS geo,
        imp_text(actor1) AS actor1,
        imp_text(assoc_actor_1) AS assoc_actor_1,
        imp_text(actor2) AS actor2,
        imp_text(assoc_actor_2) AS assoc_actor_2,
        source,
        imp_text(fatalities) AS fat_text,
        imp_count(fatalities) AS fat
    FROM raw
),
d AS (
    SELECT
        *,
        -- Only 10-May-24 (shorter than any other form) has a century to correct: the others skip
        -- reading `year` at all.
        CASE
            WHEN strlen(date_text) < 10 AND abs(year(day0) - imp_code(year_text)) = 100
                THEN (day0 + to_years(imp_code(year_text) - year(day0)))::DATE
            ELSE day0
        END AS day,
        lower(event_type) AS et,
        lower(sub_event_type) AS st
    FROM p
)
SELECT
    _ordinal AS ordinal,
    _nl AS nl,
    dataset_id,
    CASE tp WHEN 2 THEN day - 3 WHEN 3 THEN date_trunc('month', day)::DATE ELSE day END AS date_start,
    CASE tp WHEN 2 THEN day + 3 WHEN 3 THEN last_day(day) ELSE day END AS date_end,
    CASE tp WHEN 2 THEN 'week' WHEN 3 THEN 'month' ELSE 'day' END AS precision,
    CASE
        WHEN et = 'battles' OR starts_with(et, 'battle-') THEN 'operation'
        WHEN et = 'explosions/remote violence' AND st = 'air/drone strike' THEN 'operation'
        WHEN et IN ('explosions/remote violence', 'remote violence', 'violence against civilians') THEN 'attack'
        WHEN et = 'strategic developments' AND st = 'agreement' THEN 'truce'
        WHEN et = 'strategic developments' AND st = 'arrests' THEN 'operation'
        ELSE 'other'
    END AS type,
    concat_ws(': ', event_type, sub_event_type) AS dataset_type,
    coalesce(sub_event_type, event_type, 'Event') || coalesce(' in ' || location, '') AS title,
    notes AS summary,
    location,
    admin1,
    country,
    CASE WHEN abs(lat) <= 90 THEN lat END AS latitude,
    CASE WHEN abs(lon) <= 180 THEN lon END AS longitude,
    CASE geo WHEN 1 THEN 'town' WHEN 2 THEN 'near-town' WHEN 3 THEN 'region' END AS geo_precision,
    actor1 AS party1,
    assoc_actor_1 AS party2,
    actor2 AS party3,
    assoc_actor_2 AS party4,
    -- The sources as written, split and counted by the `timeline` view (imp_list, imp_list_len) for
    -- the rows it shows: a list of strings costs DuckDB far more to write than the string it comes
    -- from (a sixth of a million-row import), and counting the items of every row here costs a
    -- million-row import a tenth of a second that a reader spends only on the rows it reads.
    NULL::VARCHAR[] AS sources,
    source AS source_text,
    NULL::INTEGER AS source_count,
    fat AS fatalities_low,
    fat AS fatalities_best,
    NULL::INTEGER AS fatalities_high,
    NULL::INTEGER AS injuries,
    CASE
        WHEN date_text IS NULL THEN 'event_date is blank'
        WHEN day IS NULL THEN 'event_date ' || imp_quote(date_text) || ' is no date (2024-05-10, 10 May 2024 or 10-May-24)'
        WHEN tp_text IS NOT NULL AND (tp IS NULL OR tp NOT IN (1, 2, 3))
            THEN 'time_precision ' || imp_quote(tp_text) || ' is not 1, 2 or 3'
        WHEN fat IS NULL AND fat_text IS NOT NULL AND fat_text NOT IN ('-9', '-99')
            THEN 'fatalities ' || imp_quote(fat_text) || ' is not a count'
        WHEN lat_text IS NOT NULL AND NOT abs(lat) <= 90 IS TRUE THEN 'latitude ' || imp_quote(lat_text) || ' is not a coordinate'
        WHEN lon_text IS NOT NULL AND NOT abs(lon) <= 180 IS TRUE THEN 'longitude ' || imp_quote(lon_text) || ' is not a coordinate'
    END AS bad
FROM d
