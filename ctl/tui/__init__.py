"""`ctl tui`: a Textual browser of the timeline. Only this package imports Textual, and of its modules
`data` and `filtertext` do not: they hold the queries and the filter edits, testable without a screen."""
