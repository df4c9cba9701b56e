# ctl tasks. `just setup` once, then `just test`.
venv := ".venv"
py := venv / "bin/python"

# create the virtualenv and install ctl with its test tools
setup:
    python3 -m venv {{venv}}
    {{py}} -m pip install --quiet -e '.[test]'

# run the whole test suite
test *args:
    {{py}} -m pytest {{args}}

# open the TUI on the bundled seeds
tui:
    {{venv}}/bin/ctl tui

# validate the seeds
check:
    {{venv}}/bin/ctl check

# rebuild the database from the seeds
load:
    {{venv}}/bin/ctl load

# ruff lint and format check
lint:
    {{venv}}/bin/ruff check ctl tests bench
    {{venv}}/bin/ruff format --check ctl tests bench

# speed and memory benchmarks, printed as ratios measured side by side
bench:
    {{py}} bench/run.py
