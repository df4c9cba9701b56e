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
