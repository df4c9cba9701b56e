-- Macros shared by the views and by ctl's own queries.

-- The shortest label of [s, e] at a precision: 2024-05-10, 2024-W20, 2022-11, 2024-Q1, 2024, or two
-- of these joined by '..' for a range. Mirrors ctl.dates.period_label.
CREATE MACRO date_label_one(d, p) AS CASE p
    WHEN 'day' THEN strftime(d, '%Y-%m-%d')
    WHEN 'week' THEN strftime(d, '%G-W%V')
    WHEN 'month' THEN strftime(d, '%Y-%m')
    WHEN 'quarter' THEN strftime(d, '%Y') || '-Q' || quarter(d)::VARCHAR
    ELSE strftime(d, '%Y')
END;

CREATE MACRO date_label(s, e, p) AS CASE
    WHEN date_label_one(s, p) = date_label_one(e, p) THEN date_label_one(s, p)
    ELSE date_label_one(s, p) || '..' || date_label_one(e, p)
END;

-- The alias key of a name, exactly as ctl/aliases.py `normalise` computes it, so names read in bulk
-- from imported files resolve in SQL without a round trip through Python: accents stripped,
-- white space (Python's \s, listed by code point because RE2's \s is ASCII only), quotes of every
-- style, hyphens and dashes, dots and underscores removed, then lower case ('ß' folded to 'ss' as
-- casefold does). tests/test_import_aliases.py checks that both agree on a realistic alphabet.
CREATE MACRO norm_key(s) AS replace(lower(regexp_replace(strip_accents(s),
    '[\x{9}-\x{d}\x{1c}-\x{20}\x{85}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}''"`´‘’‚‛“”„‟′″ʹʺʻʼʽʾʿˈ\-‐‑‒–—―−_.·\x{ad}\x{200b}-\x{200d}\x{2060}\x{feff}]+',
    '', 'g')), 'ß', 'ss');

-- A list with each value once, where it first appears (list_distinct does not keep the order); NULL
-- stays NULL. An event names an actor once even when two of its fields do (ACLED's actor1 and actor2
-- are the same force in a mutiny).
CREATE MACRO list_first_seen(l) AS list_filter(l, lambda x, i: list_position(l, x) = i);
