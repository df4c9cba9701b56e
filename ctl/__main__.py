"""Entry point of the `ctl` console script and of `python -m ctl`."""

from __future__ import annotations


def main() -> None:
    from ctl.cli import app

    app()


if __name__ == "__main__":
    main()
