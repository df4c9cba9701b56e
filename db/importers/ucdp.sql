-- UCDP GED -> import rows (the columns of import_rows_template in db/importers/staging.sql). Reads
-- `raw` (ctl/importers/formats.py UCDP, text), with _ordinal and _nl; each value parsed once, in `p`.
-- Both schemas: the current one (best/low/high, dates as 1990-10-04 00:00:00.000, CRLF line ends, an
-- HXL row as line 2, which bulk.py leaves out) and the older one (best_est/low_est/high_est, dates as
-- 03/27/1990 00:00:00, a trailing comma on every row, which formats.py gives a column of its own).
--
-- Dates: UCDP gives the span, date_start..date_end; date_prec says how well it is known: 1 the day,
-- 2 a span of 2-6 days (kept as that span of days), 3 the week, 4 the month (8-30 days), 5 the year.
-- Fatalities: low, best and high as given (a blank is unknown, never 0).
-- Types: 1 state-based (a government against an organised group) is an operation; 2 non-state and
-- 3 one-sided (against civilians) are attacks; `dataset_type` keeps UCDP's kind and conflict name.
-- Actors: side_a, side_b. Places: adm_1 ("Khyber Pakhtunkwa province"; FATA stays FATA), country.
-- Sources: source_office (the outlets, a `;` list); where it is blank, as in most rows of the older
-- files, source_article, which there names the source ("Dawn website, Karachi, in English 27 Aug 08",
-- "SATP Pakistan datasheet").
WITH p AS (
    SELECT
        _ordinal,
        _nl,
        coalesce(imp_text(id), imp_text(relid)) AS dataset_id,
        imp_text(date_start) AS start_text,
        imp_text(date_end) AS end_text,
        imp_date(date_start) AS d0,
        imp_date(date_end) AS d1,
        imp_text(date_prec) AS prec_text,
        imp_code(date_prec) AS prec,
        imp_code(type_of_violence) AS tov,
        imp_text(conflict_name) AS conflict_name,
        imp_text(dyad_name) AS dyad_name,
        imp_text(side_a) AS side_a,
        imp_text(side_b) AS side_b,
        imp_code(number_of_sources) AS nsrc,
        CASE WHEN imp_list_len(source_office) > 0 THEN source_office ELSE source_article END AS source_text,
        imp_text(source_headline) AS headline,
        imp_text(where_description) AS where_description,
        imp_text(where_coordinates) AS place,
        imp_code(where_prec) AS wp,
        imp_text(adm_1) AS adm_1,
        imp_text(country) AS country,
        imp_text(latitude) AS lat_text,
        try_cast(imp_text(latitude) AS DOUBLE) AS lat,
        imp_text(longitude) AS lon_text,
        try_cast(imp_text(longitude) AS DOUBLE) AS lon,
        imp_text(best) AS best_text,
        imp_count(best) AS best_,
        imp_text(low) AS low_text,
        imp_count(low) AS low_,
        imp_text(high) AS high_text,
        imp_count(high) AS high_
    FROM raw
)
SELECT
    _ordinal AS ordinal,
    _nl AS nl,
    dataset_id,
    d0 AS date_start,
    coalesce(d1, d0) AS date_end,
    CASE prec WHEN 3 THEN 'week' WHEN 4 THEN 'month' WHEN 5 THEN 'year' ELSE 'day' END AS precision,
    CASE tov WHEN 1 THEN 'operation' ELSE 'attack' END AS type,
    concat_ws(': ', CASE tov WHEN 1 THEN 'state-based' WHEN 2 THEN 'non-state' WHEN 3 THEN 'one-sided' END,
              conflict_name) AS dataset_type,
    coalesce(dyad_name, concat_ws(' - ', side_a, side_b), 'Event') || coalesce(' in ' || place, '') AS title,
    coalesce(headline, where_description) AS summary,
    place AS location,
    adm_1 AS admin1,
    country,
    CASE WHEN abs(lat) <= 90 THEN lat END AS latitude,
    CASE WHEN abs(lon) <= 180 THEN lon END AS longitude,
    CASE wp
        WHEN 1 THEN 'town' WHEN 2 THEN 'near-town' WHEN 3 THEN 'admin2' WHEN 4 THEN 'admin1'
        WHEN 5 THEN 'region' WHEN 6 THEN 'country' WHEN 7 THEN 'international'
    END AS geo_precision,
    side_a AS party1,
    side_b AS party2,
    NULL::VARCHAR AS party3,
    NULL::VARCHAR AS party4,
    NULL::VARCHAR[] AS sources,  -- split by the `timeline` view, as ACLED's (db/importers/acled.sql)
    source_text,
    CASE WHEN nsrc >= 0 THEN nsrc END AS source_count,  -- -1: not recorded, so counted by `timeline`
    low_ AS fatalities_low,
    best_ AS fatalities_best,
    high_ AS fatalities_high,
    NULL::INTEGER AS injuries,
    CASE
        WHEN start_text IS NULL THEN 'date_start is blank'
        WHEN d0 IS NULL THEN 'date_start ' || imp_quote(start_text) || ' is no date'
        WHEN end_text IS NOT NULL AND d1 IS NULL THEN 'date_end ' || imp_quote(end_text) || ' is no date'
        WHEN d1 < d0 THEN 'date_end ' || imp_quote(end_text) || ' is before date_start ' || imp_quote(start_text)
        WHEN prec_text IS NOT NULL AND (prec IS NULL OR prec NOT BETWEEN 1 AND 5)
            THEN 'date_prec ' || imp_quote(prec_text) || ' is not 1 to 5'
        WHEN best_ IS NULL AND best_text IS NOT NULL AND best_text NOT IN ('-9', '-99')
            THEN 'best ' || imp_quote(best_text) || ' is not a count'
        WHEN low_ IS NULL AND low_text IS NOT NULL AND low_text NOT IN ('-9', '-99')
            THEN 'low ' || imp_quote(low_text) || ' is not a count'
        WHEN high_ IS NULL AND high_text IS NOT NULL AND high_text NOT IN ('-9', '-99')
            THEN 'high ' || imp_quote(high_text) || ' is not a count'
        WHEN lat_text IS NOT NULL AND NOT abs(lat) <= 90 IS TRUE
            THEN 'latitude ' || imp_quote(lat_text) || ' is not a coordinate'
        WHEN lon_text IS NOT NULL AND NOT abs(lon) <= 180 IS TRUE
            THEN 'longitude ' || imp_quote(lon_text) || ' is not a coordinate'
    END AS bad
FROM p
