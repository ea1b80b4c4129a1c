"""``frontdoor export``: Ofsted's Annex A and the DfE CIN census, written from the records.

Why a command as well as the page: returns are made on deadlines, often from a scheduled
job, and a command can refuse loudly. The census is checked before it is written
(schema and the rules the workflow's data can break); any problem is printed per child
and the command exits 1 without writing, unless ``--force``.

``web.cli`` attaches the group to ``frontdoor``; this module imports nothing from it
(``ctx.obj``, web.cli's Context, gives the rules and the database), so there is no
import cycle.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click

from reporting.annex_a import (
    AnnexList,
    Period,
    build_annex_a,
    to_csv_zip,
    to_xlsx,
    write_csv_files,
)
from reporting.cin_census import CollectionYear, build_census, load_la_number
from workflow.config_errors import ConfigError

_DAY = click.DateTime(["%Y-%m-%d"])


@click.group("export")
def export() -> None:
    """Write the statutory returns: Ofsted Annex A and the DfE CIN census."""


def _write_annex(lists: list[AnnexList], fmt: str, output: Path) -> str:
    if fmt == "xlsx":
        output.write_bytes(to_xlsx(lists))
        return str(output)
    if output.suffix == ".zip":
        output.write_bytes(to_csv_zip(lists))
        return str(output)
    return ", ".join(str(p) for p in write_csv_files(lists, output))


@export.command("annex-a")
@click.option("--from", "start", required=True, type=_DAY, help="First day (YYYY-MM-DD).")
@click.option("--to", "end", required=True, type=_DAY, help="Last day, included.")
@click.option("--format", "fmt", type=click.Choice(["xlsx", "csv"]), default="xlsx",
              show_default=True, help="A workbook with a sheet per list, or CSV files.")
@click.option("--output", required=True, type=click.Path(path_type=Path),
              help="The .xlsx file; for csv a folder for the files, or a .zip file.")
@click.pass_obj
def annex_a(obj: Any, start: datetime, end: datetime, fmt: str, output: Path) -> None:
    """Ofsted Annex A lists 1, 3, 4 and 5 for the period FROM to TO (Europe/London)."""
    try:
        period = Period(start.date(), end.date())
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--to") from None
    with obj.sessions() as session:
        lists = build_annex_a(session, period)
    written = _write_annex(lists, fmt, output)
    for annex in lists:
        click.echo(f"List {annex.number} {annex.title}: {len(annex.rows)} row(s)")
    click.echo(f"Wrote {written}")


def _report(problems: list[Any]) -> None:
    for problem in problems:
        click.echo(f"problem: {problem}", err=True)


@export.command("cin-census")
@click.option("--year", required=True, help="Collection year, e.g. 2025-26 (1 April-31 March).")
@click.option("--output", required=True, type=click.Path(path_type=Path, dir_okay=False))
@click.option("--force", is_flag=True, help="Write the file even when problems are found.")
@click.pass_obj
def cin_census(obj: Any, year: str, output: Path, force: bool) -> None:
    """The CIN census XML for YEAR, checked before it is written."""
    try:
        collection = CollectionYear.parse(year)
        la_number = load_la_number(obj.config_dir)
    except (ValueError, ConfigError) as error:
        raise click.ClickException(str(error)) from None
    with obj.sessions() as session:
        result = build_census(session, collection, obj.rules.calendar, la_number,
                              datetime.now(UTC))
    _report(result.problems)
    summary = (f"{result.children} child(ren), {result.episodes} referral episode(s), "
               f"{len(result.problems)} problem(s)")
    if result.problems and not force:
        raise click.ClickException(f"{summary}; nothing written. Fix the records, or use "
                                   f"--force to write the file anyway.")
    output.write_bytes(result.xml)
    click.echo(f"Wrote {output}: {summary}.")
