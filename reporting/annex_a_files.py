"""Annex A as files: one workbook with a sheet per list, or one CSV file per list.

Why apart from the lists: what a row holds is decided once (``reporting.annex_a``); how it
is written (Excel dates shown dd/mm/yyyy, text dd/mm/yyyy in CSV, the template's sheet
names, every cell through ``reporting.cells.safe_cell``) is the same for every list.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font

from reporting.annex_a_spec import ListSpec
from reporting.cells import csv_text, safe_cell

Cell = str | int | date | None


@dataclass(frozen=True)
class AnnexList:
    """One list as written: its spec (sheet, headings) and its rows of cells."""

    spec: ListSpec
    rows: list[list[Cell]]
    date_format: str = "%d/%m/%Y"
    excel_date_format: str = "dd/mm/yyyy"

    @property
    def number(self) -> int:
        return self.spec.number

    @property
    def title(self) -> str:
        return self.spec.name

    @property
    def sheet_name(self) -> str:
        return self.spec.sheet

    @property
    def headings(self) -> tuple[str, ...]:
        return self.spec.headings

    @property
    def filename(self) -> str:
        return self.spec.filename


# -- files -------------------------------------------------------------------------------------

def to_xlsx(lists: Sequence[AnnexList]) -> bytes:
    """One workbook, one sheet per list named as the template names it, headings in bold on
    the first row, dates as Excel dates shown dd/mm/yyyy, every cell formula-safe."""
    book = Workbook()
    book.remove(book.active)
    for annex in lists:
        sheet = book.create_sheet(annex.sheet_name)
        sheet.append([safe_cell(h) for h in annex.headings])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        dated = [i for i, c in enumerate(annex.spec.columns, start=1) if c.type == "date"]
        for row in annex.rows:
            sheet.append([safe_cell(v) for v in row])
            for i in dated:
                sheet.cell(sheet.max_row, i).number_format = annex.excel_date_format
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _text(value: Cell, date_format: str) -> Cell:
    return value.strftime(date_format) if isinstance(value, date) else value


def to_csv(annex: AnnexList) -> str:
    """One list as CSV text (headings first, dates dd/mm/yyyy, every cell formula-safe)."""
    return csv_text(annex.headings, ([_text(v, annex.date_format) for v in row]
                                     for row in annex.rows))


def to_csv_zip(lists: Sequence[AnnexList]) -> bytes:
    """A zip holding one CSV file per list."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for annex in lists:
            archive.writestr(annex.filename, to_csv(annex))
    return buffer.getvalue()


def write_csv_files(lists: Sequence[AnnexList], folder: Path) -> list[Path]:
    """One CSV file per list in ``folder`` (created if needed)."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for annex in lists:
        path = folder / annex.filename
        path.write_text(to_csv(annex), encoding="utf-8", newline="")
        written.append(path)
    return written
