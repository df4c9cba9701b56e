-- Post-load, step 3: facts about all the events that readers would otherwise compute on opening the
-- database. `ctl tui` sizes its date column by the longest date label of any event (the same under
-- every filter, so the column never jitters): labelled once per distinct date range, 20 ms at a
-- million events, which the TUI's first screen no longer waits for (ctl/tui/data.py Store.date_width).
CREATE TABLE event_facts AS
SELECT coalesce(max(length(date_label(s, e, p))), 10) AS date_width
FROM (SELECT DISTINCT precision AS p, date_start AS s, date_end AS e FROM event_index);
