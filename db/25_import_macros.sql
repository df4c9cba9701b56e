-- Macros for reading imported files (db/importers/*.sql), where every field arrives as text. A field
-- that is blank, or holds one of the datasets' unknown codes (-9, -99), is NULL: unknown, never 0.
-- The bad-row reasons are written in each importer, on the values it has already parsed, so that no
-- field is parsed twice per row.

-- A field's text: NULL when blank, else without the spaces around it. That is nullif(trim(x), ''),
-- with trim() run only where it can change something: trim() strips the Unicode spaces (category Zs)
-- and walks the whole string to find its end, 0.5 s of CPU for a million 200-character notes and a
-- third of the mapping's time over all fields. In a string that is all ASCII (as many bytes as
-- characters) the only such space is ' ', so a look at both ends does; any other string takes trim()
-- (tests/test_import_macros.py checks the two agree).
CREATE MACRO imp_text(x) AS CASE
    WHEN prefix(x, ' ') OR suffix(x, ' ') OR strlen(x) <> length(x) THEN nullif(trim(x), '')
    ELSE nullif(x, '')
END;

-- A value quoted for a bad-row message, cut to a readable length.
CREATE MACRO imp_quote(x) AS '''' || left(trim(x), 40) || CASE WHEN length(trim(x)) > 40 THEN '...' ELSE '' END || '''';

CREATE MACRO imp_unknown(x) AS imp_text(x) IS NULL OR imp_text(x) IN ('-9', '-99');

-- Plain digits, one to nine of them: the way nearly every code and count is written, cast as is
-- (an INTEGER holds nine digits). Anything else (blank, -9, '3.0', ' 3', '1e3') takes the slower
-- paths below, whose three casts per value cost a million-row import a tenth of a second each time.
-- A single digit is told apart without the regular expression, which costs as much again.
CREATE MACRO imp_digits(x) AS (strlen(x) = 1 AND x BETWEEN '0' AND '9') OR regexp_full_match(x, '[0-9]{1,9}');

-- A count (fatalities, wounded): a whole number >= 0 ('3' or '3.0'), NULL when unknown or unreadable.
CREATE MACRO imp_count(x) AS CASE
    WHEN imp_digits(x) THEN x::INTEGER
    WHEN imp_unknown(x) THEN NULL
    WHEN try_cast(imp_text(x) AS DOUBLE) BETWEEN 0 AND 2147483647
        AND try_cast(imp_text(x) AS DOUBLE) = floor(try_cast(imp_text(x) AS DOUBLE))
        THEN try_cast(imp_text(x) AS DOUBLE)::INTEGER
END;

-- A small code (precision, flags): an integer, NULL when unknown or unreadable.
CREATE MACRO imp_code(x) AS CASE
    WHEN imp_digits(x) THEN x::INTEGER
    WHEN NOT imp_unknown(x) AND try_cast(imp_text(x) AS DOUBLE) = floor(try_cast(imp_text(x) AS DOUBLE))
        THEN try_cast(try_cast(imp_text(x) AS DOUBLE) AS INTEGER)
END;

-- A `;`-separated list (ACLED's sources and associated actors), trimmed, blanks dropped. Most fields
-- hold one item: those skip the list functions.
CREATE MACRO imp_list(x) AS CASE
    WHEN imp_text(x) IS NULL THEN []::VARCHAR[]
    WHEN NOT contains(x, ';') THEN [imp_text(x)]
    ELSE list_filter(list_transform(string_split(x, ';'), lambda s: trim(s)), lambda s: s <> '')
END;

-- How many items imp_list(x) has, without building the list where there is at most one.
CREATE MACRO imp_list_len(x) AS CASE
    WHEN imp_text(x) IS NULL THEN 0
    WHEN NOT contains(x, ';') THEN 1
    ELSE len(imp_list(x))
END;

-- A date in any form the datasets write: ISO (2024-05-10, also with a time after it, as UCDP writes
-- 1990-10-04 00:00:00.000), US (03/27/1990 with or without a time: UCDP's older files, GTD's
-- resolution), 10-May-24 and 10 May 2024 (ACLED). The form is told by cheap character tests so that each
-- value meets only its own parser: a failed parse costs DuckDB far more than a successful one, and at a
-- million rows trying every format in turn would cost more than reading the file.
CREATE MACRO imp_date(x) AS CASE
    WHEN imp_text(x) IS NULL THEN NULL
    WHEN substr(imp_text(x), 5, 1) = '-' THEN try_cast(left(imp_text(x), 10) AS DATE)
    WHEN contains(x, '/') THEN try_strptime(imp_text(x), ['%m/%d/%Y %H:%M:%S', '%m/%d/%Y'])::DATE
    WHEN contains(x, '-') THEN try_strptime(imp_text(x), '%d-%b-%y')::DATE
    ELSE try_strptime(imp_text(x), ['%d %B %Y', '%d %b %Y'])::DATE
END;
