"""ctl: a plain-text-first timeline database of counterterrorism events.

This package must stay cheap to import: `ctl query` is measured against bare DuckDB, so modules import
their heavy dependencies (pydantic, typer, textual) only where they are used.
"""

__version__ = "0.1.0"
