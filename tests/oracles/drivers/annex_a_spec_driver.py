"""Runs INSIDE ``.oracles/liia``: Ofsted's Annex A template as liiatools transcribes it.

Usage: ``python annex_a_spec_driver.py``. Prints one JSON object on stdout: for each list,
its headings in the order ``spec/annex_a/annex-a-merge.yml`` gives them and, for each of its
coded columns in ``spec/annex_a/data-map.yml``, the codes in the file's order (keyed as the
data map spells the heading); and the sheet names of the package's own sample workbook
(``spec/annex_a/samples/Annex_A.xlsx``). It reads the installed package's files and imports
nothing from Front Door.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any


def template() -> dict[str, Any]:
    """Headings, codes and sample sheet names from the installed liiatools."""
    import liiatools.spec.annex_a as spec
    import yaml
    from openpyxl import load_workbook

    folder = Path(spec.__file__).parent
    merge = yaml.safe_load((folder / "annex-a-merge.yml").read_text(encoding="utf-8"))
    data_map = yaml.safe_load((folder / "data-map.yml").read_text(encoding="utf-8"))
    lists = {name: {"headings": list(columns),
                     "codes": {heading: [str(c["code"]) for c in codes]
                               for heading, codes in (data_map["data_config"].get(name)
                                                      or {}).items()}}
             for name, columns in merge["datasources"].items()}
    sample = load_workbook(folder / "samples" / "Annex_A.xlsx", read_only=True)
    return {"lists": lists, "sample_sheets": sample.sheetnames}


def main() -> int:
    json.dump(template(), sys.stdout, indent=1)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
