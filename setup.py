"""Build step that ships the top-level ``queries/`` and ``mappings/`` folders inside the package.

The folders stay at the top of the repository, where users look for them; ``build_py`` copies them to
``iamsql/queries`` and ``iamsql/mappings`` in the wheel. An editable install needs no copy: the package finds them
beside itself (``iamsql/common/resources.py``). Everything else is in ``pyproject.toml``."""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
DATA_FOLDERS = ("queries", "mappings")


class BuildPyWithData(build_py):
    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        for name in DATA_FOLDERS:
            source = ROOT / name
            for path in sorted(source.rglob("*")):
                if path.is_file() and "__pycache__" not in path.parts:
                    target = Path(self.build_lib) / "iamsql" / name / path.relative_to(source)
                    self.mkpath(str(target.parent))
                    self.copy_file(str(path), str(target))


setup(cmdclass={"build_py": BuildPyWithData})
