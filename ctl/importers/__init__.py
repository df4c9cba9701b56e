"""Bulk import of event datasets: ACLED, UCDP GED and GTD exports, at million-row scale.

Plain text first: `ctl import FORMAT FILE` records the file in the manifest seeds/imports.toml (an
`[[import]]` with its path, format, sha256 and row count) and then rebuilds the database through the
ordinary load path, so `ctl load` re-imports every listed file reproducibly and `ctl check` notices a
file that changed or went missing. The data files themselves stay out of the repository (ACLED's and
GTD's terms forbid redistribution).

The modules, in the order a row meets them:

    formats.py   what each format looks like: its columns and their synonyms, how to recognise it from
                 the header (`auto`), and the file's layout (encoding, HXL row, trailing commas)
    bulk.py      defines the TEMP view `import_rows` (DuckDB's CSV reader, every column as text, mapped by
                 db/importers/<format>.sql; never row by row in Python), which
                 db/importers/index_imported.sql writes, file by file, then the curated events, into
                 the table `event_index`; then settles, per file,
                 line numbers, repeated ids and bad rows (all or nothing unless skip_bad)
    manifest.py  reads and writes seeds/imports.toml
    filehash.py  the file's sha256 (and line count), cached for large files
    progress.py  the progress bar for builds that take more than a moment
    early.py     `ctl import`'s head start: the new file's rows written while the seeds are checked
    command.py   `ctl import` itself: header sniffing, the build, the manifest, the closing summary

After that, db/post/40_names.sql resolves the distinct actor-field combinations and places of all
imports through the alias registry, and db/post/60_views.sql redefines `timeline` as a projection of
`event_index` that joins those resolutions in (ctl/load.py runs the phases in order).

Measured with bench/import_bench.py and bench/run.py at a million ACLED-shaped rows on a 2-core machine
whose speed drifts by a third from hour to hour: the import takes 1.29 to 1.35 times DuckDB's own
`CREATE TABLE AS SELECT * FROM read_csv(...)` of the same file, measured in the same run (3.4 s against
2.6 s when the machine is quick, 4.4 s against 3.3 s when it is not), with a peak RSS near 520 MB (the
build connection's memory limit). What it takes to stay there: each row is written once (no staging
table, no sort), the reader materialises only the columns a mapping reads, lines come from rowids
instead of a row_number() window (which would serialise the scan), each date meets only the parser for
its own form (a failed parse costs DuckDB far more than a successful one), codes and counts written as
plain digits are cast at once, trim() runs only on values it can change, no column is stored that every
imported row leaves empty (the dataset's id is the event id's tail), sources stay the text they were
written as and are counted by `timeline` for the rows it shows (a list column costs far more to write),
and the write starts before the seeds are checked while the file's hash gives way to it.
"""
