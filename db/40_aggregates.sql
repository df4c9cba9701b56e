-- Event-based figures, and reported figures set beside them. Public views (docs/views.md); they read
-- `timeline`, so they follow it wherever it comes from (the live view, or event_index after a load).

-- Each region with every region that covers it: itself, its ancestors, and the composites any of those
-- is a member of (Khyber Pakhtunkhwa is covered by Pakistan and by "KP and Balochistan"). A
-- `remainder` region ("Pakistan outside KP and Balochistan") covers no event: which events it holds
-- is not written down anywhere, so it has no event-based figure.
CREATE VIEW region_cover AS
SELECT region_id, ancestor_id AS covering_id FROM region_tree
UNION
SELECT rt.region_id, m.region_id AS covering_id
FROM region_tree rt JOIN region_members m ON m.member_id = rt.ancestor_id;

-- Events and their figures per dataset, region (sub-regions included) and period, at three grains.
-- An event counts in a period only when its whole date range lies inside it: a month-precision event
-- counts for its quarter and year but not for any one month, a year-precision event only for its year.
-- Where a dataset gives one figure (ACLED, GTD), it stands for low, best and high alike. Events whose
-- fatalities are unknown count in `events` but add nothing to the sums: `events_with_fatalities` says
-- how many sums rest on.
CREATE VIEW event_aggregates AS
WITH
grains AS (SELECT unnest(['month', 'quarter', 'year']) AS grain),
placed AS (
    SELECT t.*, g.grain, date_trunc(g.grain, t.date_start)::DATE AS period_start
    FROM timeline t, grains g
    WHERE t.region IS NOT NULL AND date_trunc(g.grain, t.date_start) = date_trunc(g.grain, t.date_end)
)
SELECT
    p.dataset,
    rc.covering_id AS region,
    p.grain,
    p.period_start,
    (CASE p.grain
        WHEN 'month' THEN p.period_start + INTERVAL 1 MONTH
        WHEN 'quarter' THEN p.period_start + INTERVAL 3 MONTH
        ELSE p.period_start + INTERVAL 1 YEAR
    END - INTERVAL 1 DAY)::DATE AS period_end,
    count(*) AS events,
    count(*) FILTER (WHERE p.type = 'attack') AS attacks,
    sum(coalesce(p.fatalities_low, p.fatalities_best))::BIGINT AS fatalities_low,
    sum(p.fatalities_best)::BIGINT AS fatalities_best,
    sum(coalesce(p.fatalities_high, p.fatalities_best))::BIGINT AS fatalities_high,
    count(p.fatalities_best) AS events_with_fatalities,
    sum(p.injuries)::BIGINT AS injuries,
    any_value(r.name) AS region_name,
    date_label(p.period_start, p.period_start, p.grain) AS period_label
FROM placed p
JOIN region_cover rc ON rc.region_id = p.region
LEFT JOIN regions r ON r.id = rc.covering_id
GROUP BY p.dataset, rc.covering_id, p.grain, p.period_start;

-- Each reported count (regional_aggregates, subgroup `all`) beside what each imported dataset's events
-- add up to for the same region (sub-regions and composite members included), period (events lying
-- inside it) and measure: fatalities and injuries are summed, incidents are events, attacks are events
-- of type attack. `ratio` is reported / event-based (NULL when the events give 0 or nothing).
CREATE VIEW statistic_vs_events AS
WITH
stats AS (
    SELECT * FROM regional_aggregates
    WHERE subgroup = 'all' AND value IS NOT NULL AND measure IN ('fatalities', 'injuries', 'incidents', 'attacks')
),
datasets AS (SELECT DISTINCT dataset FROM timeline WHERE dataset <> 'curated'),
events AS (
    SELECT t.*, rc.covering_id
    FROM timeline t JOIN region_cover rc ON rc.region_id = t.region
    WHERE t.dataset <> 'curated'
),
matched AS (
    SELECT
        s.publisher, s.report, s.period_start, s.period_end, s.region, s.measure, s.subgroup,
        d.dataset,
        count(e.id) AS events,
        count(e.id) FILTER (WHERE e.type = 'attack') AS attacks,
        -- no event at all sums to 0; events whose figures are all unknown sum to NULL (unknown)
        CASE WHEN count(e.id) = 0 THEN 0 ELSE sum(coalesce(e.fatalities_low, e.fatalities_best))::BIGINT END AS fat_low,
        CASE WHEN count(e.id) = 0 THEN 0 ELSE sum(e.fatalities_best)::BIGINT END AS fat_best,
        CASE WHEN count(e.id) = 0 THEN 0 ELSE sum(coalesce(e.fatalities_high, e.fatalities_best))::BIGINT END AS fat_high,
        count(e.id) FILTER (WHERE e.fatalities_best IS NULL) AS fat_unknown,
        CASE WHEN count(e.id) = 0 THEN 0 ELSE sum(e.injuries)::BIGINT END AS injuries,
        count(e.id) FILTER (WHERE e.injuries IS NULL) AS injuries_unknown
    FROM stats s
    CROSS JOIN datasets d
    LEFT JOIN events e
        ON e.dataset = d.dataset AND e.covering_id = s.region
        AND e.date_start >= s.period_start AND e.date_end <= s.period_end
    GROUP BY ALL
),
figures AS (
    SELECT
        m.*,
        CASE m.measure WHEN 'fatalities' THEN m.fat_low WHEN 'injuries' THEN m.injuries
            WHEN 'incidents' THEN m.events ELSE m.attacks END AS event_low,
        CASE m.measure WHEN 'fatalities' THEN m.fat_best WHEN 'injuries' THEN m.injuries
            WHEN 'incidents' THEN m.events ELSE m.attacks END AS event_value,
        CASE m.measure WHEN 'fatalities' THEN m.fat_high WHEN 'injuries' THEN m.injuries
            WHEN 'incidents' THEN m.events ELSE m.attacks END AS event_high,
        CASE m.measure WHEN 'fatalities' THEN m.fat_unknown WHEN 'injuries' THEN m.injuries_unknown ELSE 0 END
            AS events_unknown
    FROM matched m
)
SELECT
    s.publisher,
    s.report,
    s.period_start,
    s.period_end,
    s.region,
    s.measure,
    s.subgroup,
    s.value AS reported,
    s.value_basis,
    s.qualifier,
    f.dataset,
    f.events,
    f.event_low,
    f.event_value,
    f.event_high,
    f.events_unknown,
    round(s.value / nullif(f.event_value, 0), 2) AS ratio,
    s.region_name,
    s.period_label,
    s.statistic_ids
FROM stats s
JOIN figures f USING (publisher, report, period_start, period_end, region, measure, subgroup);
