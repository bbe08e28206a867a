"""Where the shipped data folders are: ``queries/`` (controls and ``queries/views``) and ``mappings/`` (framework
mappings and ``mappings/catalogs``).

They live at the top level of the repository; the build copies them into the package (see ``setup.py``), so an
installed wheel has them at ``iamsql/queries`` and ``iamsql/mappings``, while a source tree or an editable install
finds them beside the package."""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1]
SAMPLE_DIR = PACKAGE / "sample"  # the bundled sample data set, see sample/PROVENANCE.md


def data_folder(name: str) -> Path:
    """The shipped folder ``name`` (``"queries"`` or ``"mappings"``): inside the package when installed from a
    wheel, else at the top of the source tree the package was imported from."""
    for candidate in (PACKAGE / name, PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"iamsql's {name}/ folder is missing: looked in {PACKAGE} and {PACKAGE.parent}")
