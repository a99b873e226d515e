"""A nota ten times the seed's, for the benchmark (tools/benchmark.py).

    python3 tools/make_big_nota.py [--copies 10] [--source fixtures/nota/...txt] > big.txt

Takes the plan tables of the seed's nota (from the first row whose second cell is
"doelstelling N", docs/seed-import.md) and repeats them, shifting every SD number by the
number of SDs per copy: copy 2 of the seed's SD1 is SD6, its "zie ook SD 4 OD 3" becomes
"zie ook SD 9 OD 3", so references link inside their own copy. The seed (5 SD, 26 OD, 79
actions) repeated 10 times is 50 SD, 260 OD, 790 actions for ``manage.py importeer_nota``,
with the same warnings as the seed ten times over. Standard library only.
"""

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED_NOTA = ROOT / "fixtures" / "nota" / "beleidsplan-2020-2025.txt"

# "SD1", "SD1 OD3", "<i>SD4 OD1</i>", "zie ook SD 4 OD 3": the SD number is shifted.
_SD = re.compile(r"\bSD(\s?)(\d+)")
# The table header cell "doelstelling 2" and the revision row "WORDT DOELSTELLING 4".
_DOELSTELLING = re.compile(r"\b(doelstelling\s+)(\d+)", re.IGNORECASE)


def _is_table_start(line: str) -> bool:
    cells = line.split("\t")
    return len(cells) > 1 and re.fullmatch(r"doelstelling\s+\d+", cells[1].strip()) is not None


def plan_tables(text: str) -> list[str]:
    """The lines of the nota from its first plan table on."""
    lines = text.splitlines()
    for index, line in enumerate(lines):
        if _is_table_start(line):
            return lines[index:]
    raise ValueError("no plan table (a row whose second cell is 'doelstelling N')")


def shift(line: str, offset: int) -> str:
    """``line`` with every SD number (and 'doelstelling N') raised by ``offset``."""
    line = _SD.sub(lambda m: f"SD{m[1]}{int(m[2]) + offset}", line)
    return _DOELSTELLING.sub(lambda m: f"{m[1]}{int(m[2]) + offset}", line)


def make_big_nota(text: str, copies: int = 10) -> str:
    tables = plan_tables(text)
    sds_per_copy = max(int(m[2]) for line in tables for m in _SD.finditer(line))
    out = []
    for copy in range(copies):
        offset = copy * sds_per_copy
        out.extend(shift(line, offset) for line in tables)
        out.append("")
    return "\n".join(out) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=10)
    parser.add_argument("--source", type=Path, default=SEED_NOTA)
    args = parser.parse_args()
    sys.stdout.write(make_big_nota(args.source.read_text(encoding="utf-8"), args.copies))


if __name__ == "__main__":
    main()
