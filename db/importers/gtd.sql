-- GTD -> import rows (the columns of import_rows_template in db/importers/staging.sql). Reads `raw`
-- (the GTD columns ctl/importers/formats.py lists, text), with _ordinal and _nl; each value parsed
-- once, in `p`.
--
-- Dates: iyear/imonth/iday, where 0 is unknown: iday 0 gives the month (month precision), imonth 0 the
-- year (year precision); never a made-up day. An extended incident (extended = 1, longer than 24 hours)
-- runs to its resolution date, when there is one. approxdate, GTD's text for an uncertain date, is kept
-- at the end of the summary.
-- Counts: nkill (fatalities: low = best, high unknown) and nwound (injuries); a blank is unknown, as is
-- GTD's -99 (and -9), never 0.
-- Types: every GTD incident is an attack; `dataset_type` keeps the attack type and the target type.
-- Actors: gname, gname2, gname3 ("Unknown" names nobody). Places: provstate, country_txt; city is the
-- location. Sources: scite1-3, the citations.
WITH p AS (
    SELECT
        _ordinal,
        _nl,
        imp_text(eventid) AS dataset_id,
        imp_text(iyear) AS y_text,
        imp_code(iyear) AS y,
        imp_text(imonth) AS m_text,
        imp_code(imonth) AS m_code,
        coalesce(imp_code(imonth), 0) AS m,  -- blank, -9 and -99 are unknown, as 0 is
        imp_text(iday) AS d_text,
        imp_code(iday) AS d_code,
        coalesce(imp_code(iday), 0) AS d,
        imp_text(approxdate) AS approxdate,
        imp_code(extended) AS extended,
        imp_text(resolution) AS resolution_text,
        imp_date(resolution) AS resolution,
        imp_text(country_txt) AS country,
        imp_text(provstate) AS provstate,
        imp_text(city) AS city,
        imp_text(latitude) AS lat_text,
        try_cast(imp_text(latitude) AS DOUBLE) AS lat,
        imp_text(longitude) AS lon_text,
        try_cast(imp_text(longitude) AS DOUBLE) AS lon,
        imp_code(specificity) AS specificity,
        imp_text(summary) AS summary,
        imp_text(attacktype1_txt) AS attack,
        imp_text(targtype1_txt) AS target_type,
        imp_text(gname) AS gname,
        imp_text(gname2) AS gname2,
        imp_text(gname3) AS gname3,
        imp_text(nkill) AS nkill_text,
        imp_count(nkill) AS nkill,
        imp_text(nwound) AS nwound_text,
        imp_count(nwound) AS nwound,
        list_filter([imp_text(scite1), imp_text(scite2), imp_text(scite3)], lambda s: s IS NOT NULL) AS sources
    FROM raw
),
d AS (
    SELECT
        *,
        CASE WHEN y BETWEEN 1 AND 9999 AND m BETWEEN 1 AND 12 AND d BETWEEN 1 AND 31 THEN try(make_date(y, m, d)) END
            AS day,
        CASE WHEN y BETWEEN 1 AND 9999 AND m BETWEEN 1 AND 12 THEN make_date(y, m, 1) END AS month_start,
        CASE WHEN y BETWEEN 1 AND 9999 THEN make_date(y, 1, 1) END AS year_start
    FROM p
),
r AS (
    SELECT
        *,
        CASE WHEN m = 0 THEN year_start WHEN d = 0 THEN month_start ELSE day END AS start_,
        CASE WHEN m = 0 THEN make_date(y, 12, 31) WHEN d = 0 THEN last_day(month_start) ELSE day END AS end_
    FROM d
)
SELECT
    _ordinal AS ordinal,
    _nl AS nl,
    dataset_id,
    start_ AS date_start,
    CASE WHEN extended = 1 AND resolution > end_ THEN resolution ELSE end_ END AS date_end,
    CASE WHEN m = 0 THEN 'year' WHEN d = 0 THEN 'month' ELSE 'day' END AS precision,
    'attack' AS type,
    concat_ws(' on ', attack, target_type) AS dataset_type,
    coalesce(attack, 'Attack') || coalesce(' on ' || target_type, '') || coalesce(' in ' || city, '') AS title,
    CASE WHEN approxdate IS NOT NULL THEN concat_ws(' ', summary, '(approximate date: ' || approxdate || ')')
        ELSE summary END AS summary,
    city AS location,
    provstate AS admin1,
    country,
    CASE WHEN abs(lat) <= 90 THEN lat END AS latitude,
    CASE WHEN abs(lon) <= 180 THEN lon END AS longitude,
    CASE specificity WHEN 1 THEN 'town' WHEN 2 THEN 'admin2' WHEN 3 THEN 'admin2' WHEN 4 THEN 'admin1' END
        AS geo_precision,
    gname AS party1,
    gname2 AS party2,
    gname3 AS party3,
    NULL::VARCHAR AS party4,
    sources,  -- a list here: each citation is one source, `;` and all
    NULL::VARCHAR AS source_text,
    len(sources) AS source_count,
    nkill AS fatalities_low,
    nkill AS fatalities_best,
    NULL::INTEGER AS fatalities_high,
    nwound AS injuries,
    CASE
        WHEN y_text IS NULL THEN 'iyear is blank'
        WHEN y IS NULL OR y NOT BETWEEN 1 AND 9999 THEN 'iyear ' || imp_quote(y_text) || ' is no year'
        WHEN m NOT BETWEEN 0 AND 12 OR (m_code IS NULL AND NOT imp_unknown(m_text))
            THEN 'imonth ' || imp_quote(m_text) || ' is not 0 to 12'
        WHEN d NOT BETWEEN 0 AND 31 OR (d_code IS NULL AND NOT imp_unknown(d_text))
            THEN 'iday ' || imp_quote(d_text) || ' is not 0 to 31'
        WHEN m = 0 AND d <> 0 THEN 'iday ' || imp_quote(d_text) || ' without a month'
        WHEN start_ IS NULL THEN 'iyear/imonth/iday ' || y || '/' || m || '/' || d || ' is no date'
        WHEN resolution_text IS NOT NULL AND resolution IS NULL
            THEN 'resolution ' || imp_quote(resolution_text) || ' is no date'
        WHEN nkill IS NULL AND nkill_text IS NOT NULL AND nkill_text NOT IN ('-9', '-99')
            THEN 'nkill ' || imp_quote(nkill_text) || ' is not a count'
        WHEN nwound IS NULL AND nwound_text IS NOT NULL AND nwound_text NOT IN ('-9', '-99')
            THEN 'nwound ' || imp_quote(nwound_text) || ' is not a count'
        WHEN lat_text IS NOT NULL AND NOT abs(lat) <= 90 IS TRUE
            THEN 'latitude ' || imp_quote(lat_text) || ' is not a coordinate'
        WHEN lon_text IS NOT NULL AND NOT abs(lon) <= 180 IS TRUE
            THEN 'longitude ' || imp_quote(lon_text) || ' is not a coordinate'
    END AS bad
FROM r
