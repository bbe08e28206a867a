"""docs/vs-prowler.md cannot rot: every iamsql control its tables name ships in queries/, every row says same,
differs or not covered (with no control exactly when not covered), and the counts it states are the tables'."""

import re
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "docs" / "vs-prowler.md"
MATCHES = {"same", "differs", "not covered"}


def rows() -> list[tuple[str, list[str], str, str]]:
    """(Prowler check, iamsql controls, match, how they differ) for each table row naming a Prowler check."""
    found = []
    for line in PAGE.read_text().splitlines():
        if not line.startswith("| `"):
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        assert len(cells) == 4, line
        check, controls, match, difference = cells
        found.append((check.strip("`"), re.findall(r"`([^`]+)`", controls), match, difference))
    return found


def test_every_named_control_ships():
    shipped = {path.stem for path in (ROOT / "queries").glob("*.sql")}
    named = {control for _, controls, _, _ in rows() for control in controls}
    assert named and sorted(named - shipped) == []


def test_every_row_says_how_it_matches():
    table = rows()
    checks = [check for check, _, _, _ in table]
    assert len(checks) == len(set(checks))
    for check, controls, match, difference in table:
        assert match in MATCHES, check
        assert (match == "not covered") == (not controls), check
        if match != "same":
            assert difference, f"{check}: a {match} row says how or why"


def test_stated_counts_are_the_tables():
    table = rows()
    counts = Counter(match for _, _, match, _ in table)
    stated = re.search(r"\*\*Counts\*\*: (\d+) Prowler checks: (\d+) same, (\d+) differs, (\d+) not covered\.",
                       PAGE.read_text())
    assert stated, "the page states its counts"
    assert [int(n) for n in stated.groups()] == [len(table), counts["same"], counts["differs"], counts["not covered"]]
    services = Counter(check.split("_", 1)[0] for check, _, _, _ in table)
    intro = re.search(r"`iam` \((\d+)\) and `cloudtrail` \((\d+)\)", PAGE.read_text())
    assert intro and [int(n) for n in intro.groups()] == [services["iam"], services["cloudtrail"]]
