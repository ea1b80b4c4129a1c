"""Statutory returns for team managers: Ofsted's Annex A and the DfE CIN census.

Why team managers only: the files hold every child's identifiers and history for a
period; they are made for Ofsted and the DfE by the people who answer to them. Each
download is written to the access log (DOMAIN.md §6). The census is checked before it is
offered, by the year's DfE rules and schema: what they find is listed per child with the
rule's code and message and a link to the field that puts it right, and the file is only
downloaded with errors when the manager says so ("download anyway"). A year with no child
in it says so and offers no file.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import IO, Any
from urllib.parse import urlencode

from dateutil.relativedelta import relativedelta
from flask import Blueprint, Response, abort, current_app, g, render_template, request, send_file

from reporting.annex_a import Period, build_annex_a, is_empty, write_csv_zip, write_xlsx
from reporting.annex_a_spec import load_annex_config
from reporting.cin_census import CollectionYear, UnknownYear, build_census, load_la_number
from web.access import allow, log_access
from web.views import LONDON
from workflow.config_errors import ConfigError
from workflow.roles import Role

bp = Blueprint("returns", __name__)
FORMATS = {"xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    "xlsx"),
           "csv": ("application/zip", "zip")}


def _today() -> date:
    return datetime.now(UTC).astimezone(LONDON).date()


def _current_year(today: date) -> str:
    first = today.year if today.month >= 4 else today.year - 1
    return f"{first}-{(first + 1) % 100:02d}"


def _form(errors: dict[str, str] | None = None, status: int = 200,
          empty: str | None = None) -> tuple[str, int]:
    today = _today()
    values = {"from": (today - relativedelta(months=6)).isoformat(), "to": today.isoformat(),
              "format": "xlsx", "year": _current_year(today)} | request.args.to_dict()
    anyway = request.path + "?" + urlencode(request.args.to_dict() | {"empty": "ok"})
    return render_template("returns/index.html", title="Statutory returns", values=values,
                           errors=errors or {}, empty=empty, anyway=anyway), status


@bp.get("/returns")
@allow(Role.TEAM_MANAGER)
def index() -> tuple[str, int]:
    """Choose a period for Annex A or a year for the CIN census."""
    return _form()


def _period() -> Period | dict[str, str]:
    try:
        start = date.fromisoformat(request.args.get("from", ""))
        end = date.fromisoformat(request.args.get("to", ""))
    except ValueError:
        return {"from": "Enter the first and last day of the period as dates"}
    try:
        return Period(start, end)
    except ValueError as error:
        return {"to": str(error).capitalize()}


def _download(data: bytes, mimetype: str, filename: str) -> Response:
    log_access(None, None, "exported")
    return Response(data, mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


#: Bytes of a download kept in memory before it goes to a temporary file instead.
SPOOLED_IN_MEMORY = 8 * 1024 * 1024


def _download_written(write: Callable[[IO[bytes]], None], mimetype: str,
                      filename: str) -> Response:
    """A file written row by row onto a temporary file (in memory while small), then sent
    from it: a year's workbook is never held whole as bytes beside the rows it came from."""
    log_access(None, None, "exported")
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOLED_IN_MEMORY)  # noqa: SIM115 - send_file closes it
    write(spool)
    spool.seek(0)
    return send_file(spool, mimetype=mimetype, as_attachment=True, download_name=filename)


@bp.get("/returns/annex-a")
@allow(Role.TEAM_MANAGER)
def annex_a() -> Any:
    """Annex A lists 1 to 7 as one workbook, or a zip of CSV files. A period with nothing
    in it is said so first; its headings-only file is a click further."""
    period = _period()
    fmt = request.args.get("format", "xlsx")
    if fmt not in FORMATS:
        period = {"format": "Choose Excel workbook or CSV files"}
    if isinstance(period, dict):
        return _form(period, 400)
    try:
        config = load_annex_config(current_app.config["CONFIG_DIR"], period.end)
    except ConfigError as error:
        abort(500, str(error))
    lists = build_annex_a(g.db, period, config)
    if is_empty(lists) and request.args.get("empty") != "ok":
        return _form(empty=f"Nothing was recorded from {period.start:%d/%m/%Y} to "
                           f"{period.end:%d/%m/%Y}: every list would hold its headings only.")
    mimetype, suffix = FORMATS[fmt]
    write = write_xlsx if fmt == "xlsx" else write_csv_zip
    return _download_written(lambda out: write(lists, out), mimetype,
                             f"annex_a_{period.start}_{period.end}.{suffix}")


@bp.get("/returns/cin-census")
@allow(Role.TEAM_MANAGER)
def cin_census() -> Any:
    """The census XML for a year, or what the year's rules found first (unless forced)."""
    try:
        year = CollectionYear.parse(request.args.get("year", ""))
    except ValueError as error:
        return _form({"year": str(error)}, 400)
    try:
        la_number = load_la_number(current_app.config["CONFIG_DIR"])
    except ConfigError as error:
        abort(500, str(error))
    try:
        result = build_census(g.db, year, current_app.extensions["rules"].people, la_number,
                              datetime.now(UTC))
    except UnknownYear as error:
        text = str(error)
        return _form({"year": text[:1].upper() + text[1:]}, 400)
    forced = request.args.get("force") == "1" and not result.empty
    if (result.findings or result.schema_problems or result.empty) and not forced:
        return render_template("returns/census_problems.html", title="CIN census check",
                               result=result, year=year, errors={})
    return _download(result.xml, "application/xml", f"cin_census_{year.label}.xml")
