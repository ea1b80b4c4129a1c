"""``frontdoor export``: Ofsted's Annex A and the DfE CIN census, written from the records.

Why a command as well as the page: returns are made on deadlines, often from a scheduled
job, and a command can refuse loudly. The census is checked before it is written: the
year's DfE validation rules (each finding printed with its rule code, the child and where
it is put right) and the year's schema. An error or a schema problem makes the command
exit 1 without writing, unless ``--force``; queries are printed (COLLECT asks a reason for
each) and do not stop it. A year with no child in it is never a success: the command says
so and exits 1 whatever ``--force`` says.

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
    is_empty,
    write_csv_files,
    write_csv_zip,
    write_xlsx,
)
from reporting.annex_a_spec import load_annex_config
from reporting.cin_census import (
    CensusResult,
    CollectionYear,
    UnknownYear,
    build_census,
    load_la_number,
)
from web.words import plural
from workflow.config_errors import ConfigError

_DAY = click.DateTime(["%Y-%m-%d"])


@click.group("export")
def export() -> None:
    """Write the statutory returns: Ofsted Annex A and the DfE CIN census."""


def _write_annex(lists: list[AnnexList], fmt: str, output: Path) -> str:
    if fmt == "xlsx":
        write_xlsx(lists, output)
        return str(output)
    if output.suffix == ".zip":
        write_csv_zip(lists, output)
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
    """Ofsted Annex A lists 1 to 7 for the period FROM to TO (Europe/London), in the
    template version in force on TO."""
    try:
        period = Period(start.date(), end.date())
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--to") from None
    try:
        config = load_annex_config(obj.config_dir, period.end)
    except ConfigError as error:
        raise click.ClickException(str(error)) from None
    with obj.sessions() as session:
        lists = build_annex_a(session, period, config)
    written = _write_annex(lists, fmt, output)
    for annex in lists:
        click.echo(f"{annex.sheet_name} {annex.title}: {plural(len(annex.rows), 'row')}")
    if is_empty(lists):
        click.echo(f"Nothing was recorded from {period.start:%d/%m/%Y} to "
                   f"{period.end:%d/%m/%Y}: every list holds its headings only.")
    click.echo(f"Wrote {written} (Annex A {config.spec.version})")


def _report(result: CensusResult) -> None:
    for finding in result.findings:
        where = f" (put right at {finding.fix.label})" if finding.fix.label else ""
        click.echo(f"{finding.kind.value}: {finding}{where}", err=True)
    for problem in result.schema_problems:
        click.echo(f"schema: {problem}", err=True)


@export.command("cin-census")
@click.option("--year", required=True, help="Collection year, e.g. 2025-26 (1 April-31 March).")
@click.option("--output", required=True, type=click.Path(path_type=Path, dir_okay=False))
@click.option("--force", is_flag=True, help="Write the file even when errors are found.")
@click.option("--serial", type=click.IntRange(1, 999_999), default=1, show_default=True,
              help="The file's serial number (<SerialNo>): 1 for the first file of the "
                   "year, one more for each file sent again.")
@click.pass_obj
def cin_census(obj: Any, year: str, output: Path, force: bool, serial: int) -> None:
    """The CIN census XML for YEAR in that year's layout, checked by the year's DfE rules."""
    try:
        collection = CollectionYear.parse(year)
        la_number = load_la_number(obj.config_dir)
        with obj.sessions() as session:
            result = build_census(session, collection, obj.rules.people, la_number,
                                  datetime.now(UTC), serial=serial)
    except (ValueError, ConfigError, UnknownYear) as error:
        raise click.ClickException(str(error)) from None
    _report(result)
    if result.empty:
        raise click.ClickException(f"{result.summary()}; nothing written.")
    if not result.ok and not force:
        raise click.ClickException(f"{result.summary()}; nothing written. Fix the records, "
                                   f"or use --force to write the file anyway.")
    output.write_bytes(result.xml)
    click.echo(f"Wrote {output}: {result.summary()}.")
