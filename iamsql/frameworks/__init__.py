"""Frameworks: read the framework catalogs (``mappings/catalogs/<framework>.yaml``) and the mappings of
controls to their requirements (``mappings/<framework>.yaml``), and roll control results up per requirement.

A catalog holds every requirement of a framework in official order, with its hierarchy and source citation;
withdrawn ids (CSF 1.1) and other aliases are search aliases that say where to look, never mapping targets.
A mapping lists, in catalog order, the requirements that automated controls serve. Requirements that no
control serves are still reported, as ``manual``.

Each mapping line names a control and says in one sentence why it evidences the requirement::

    - id: PR.AA-01
      controls:
        iam_access_key_rotated: Access keys rotated within the limit show user credentials are managed.
      note: optional text about the requirement as a whole

Roll-up (see docs/frameworks.md, "Requirement status"). A control's outcome for a requirement:
- ``failed``: an ``error`` row, or an ``alarm`` row that no exception in force covers;
- ``excepted``: ``alarm`` rows, every one covered by an exception in force;
- ``passed``: ``ok`` rows and no ``alarm``/``error``;
- ``not_assessed``: no ``ok``, ``alarm`` or ``error`` row (not run, no rows, only ``skip`` or ``info``).
A requirement's status from all of its controls:
- no mapped control -> ``manual``, or ``attested`` with an attestation in force (``iamsql.history.waivers``);
- any control ``failed`` -> ``failed``;
- every control ``not_assessed`` -> ``not_assessed``;
- some controls ``not_assessed`` (none failed) -> ``partial``;
- every control assessed, some ``excepted`` -> ``excepted``; every control ``passed`` -> ``passed``.

Figures, per framework and per account (``FORMULA``)::

    assessed     = passed + failed + partial + excepted + attested
    compliant %  = (passed + excepted + attested) / assessed        (none for informative frameworks)
    coverage %   = assessed / all requirements
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from operator import itemgetter
from pathlib import Path
from typing import Any

from iamsql.common import model, yamltext
from iamsql.common.lazy import lazy_import
from iamsql.common.model import Where, rule, validate
from iamsql.common.resources import data_folder
from iamsql.errors import MappingError
from iamsql.sql import cache as sqlcache

yaml = lazy_import("yaml")  # imported by the first mapping read (they are kept parsed: ``sql.cache.kept``)

DATA_DIR = data_folder("mappings")  # the shipped mappings and catalogs
# the code that reads and validates mappings and catalogs: a change to it is a miss of the parsed frameworks kept on disk
READERS = (Path(__file__), Path(model.__file__), Path(yamltext.__file__))
_chosen: Path | None = None  # the folder ``--mappings`` chose, read instead of DATA_DIR
RESULT_STATUSES = ("ok", "alarm", "info", "skip", "error")
CONTROL_OUTCOMES = ("passed", "failed", "partial", "excepted", "not_assessed")
REQUIREMENT_STATUSES = ("passed", "failed", "partial", "excepted", "not_assessed", "manual", "attested")
ASSESSED = ("passed", "failed", "partial", "excepted", "attested")  # requirements with evidence of their state
COMPLIANT = ("passed", "excepted", "attested")  # met: by all controls, under exceptions in force, or attested
FORMULA = (
    "compliant % = (passed + excepted + attested) / assessed; coverage % = assessed / all requirements; "
    "assessed = passed + failed + partial + excepted + attested. A control is assessed when it produced an "
    "ok, alarm or error row (skip and info are not); passed needs every mapped control assessed and none "
    "failing; partial: some assessed, none failing, some not assessed (counted as assessed, not compliant); "
    "over several accounts a requirement passes only when it passes in every account. Informative frameworks "
    "(SP 800-207) show coverage and findings, no compliant %."
)
CONTROL_ID = re.compile(r"[a-z][a-z0-9_]*")

WHY_MAX = 300  # characters of a mapping line's justification (one sentence)
_CATALOG_META = ("framework", "title", "version", "source")


# ------------------------------------------------------------------------------------------- file models


@dataclass(frozen=True, kw_only=True)
class CatalogFields:
    """A catalog file, ``mappings/catalogs/<framework>.yaml``: the framework's requirements and the levels above."""

    framework: str = rule("text", help="the framework id, the file name")
    title: str = rule("text")
    version: str = rule("label")
    publisher: str = rule("text")
    source: str = rule("text", help="citation of the official text")
    source_files: list | None = rule("entries", required=False, help="the files the catalog was read from")
    notes: str | None = rule("text", required=False)
    informative: bool = rule("bool", required=False, default=False, help="gives coverage, not a compliant %")
    levels: tuple[str, ...] = rule("names", help="the hierarchy, outermost first")
    requirement_level: str = rule("text", help="the level that mappings point at")
    entries: list = rule("entries", help="every group and requirement in official order")
    withdrawn: list | None = rule("entries", required=False, help="withdrawn ids: aliases saying where they moved")
    aliases: list | None = rule("entries", required=False)

    def problem(self) -> tuple[str, str] | None:
        if self.requirement_level not in self.levels:
            return "requirement_level", f"'requirement_level' must be one of the levels: {', '.join(self.levels)}"
        return None


@dataclass(frozen=True, kw_only=True)
class CatalogEntry:
    """One group or requirement of a catalog."""

    id: str = rule("label")
    level: str = rule("text")
    title: str | None = rule("text", required=False)
    text: str | None = rule("text", required=False)
    parent: str | None = rule("label", required=False)
    profile: str | None = rule("text", required=False, help="CIS profile")
    assessment: str | None = rule("text", required=False, help="CIS: Automated or Manual")
    other_versions: dict | None = rule("mapping", required=False, help="CIS: the id in other versions")
    ratings: dict | None = rule("mapping", required=False, help="OWASP: the risk's rating table")


@dataclass(frozen=True, kw_only=True)
class WithdrawnEntry:
    """An id the framework withdrew, kept so that looking it up says where it moved."""

    id: str = rule("label")
    level: str = rule("text")
    parent: str | None = rule("label", required=False)
    title: str | None = rule("text", required=False)
    text: str | None = rule("text", required=False)
    csf11_id: str | None = rule("label", required=False, help="its CSF 1.1 form")
    note: str = rule("text")
    successors: tuple[str, ...] = rule("names", required=False, default=())


@dataclass(frozen=True, kw_only=True)
class AliasEntry:
    """A short or other form of an id and the ids it names."""

    alias: str = rule("label")
    see: tuple[str, ...] = rule("names", required=False, default=())
    note: str = rule("text")


def _control_sentences(controls: Any) -> str | None:
    if not isinstance(controls, dict) or not controls:
        return "must map each control id to one sentence saying why it evidences the requirement (control_id: why)"
    for control, why in controls.items():
        if not isinstance(control, str) or not CONTROL_ID.fullmatch(control):
            return f"names {control!r}, which is not a control id (a queries/*.sql file stem)"
        if not isinstance(why, str) or not why.strip():
            return f"entry {control}: say in one sentence why the control evidences the requirement (control_id: why)"
        if "\n" in why.strip() or len(why) > WHY_MAX:
            return f"entry {control}: the justification must be one sentence of at most {WHY_MAX} characters"
    return None


@dataclass(frozen=True, kw_only=True)
class MappingFields:
    """A mapping file, ``mappings/<framework>.yaml``: its catalog's identity and the requirements controls serve."""

    framework: str = rule("text", help="the file name")
    title: str = rule("text", help="as its catalog says")
    version: str = rule("label", help="as its catalog says")
    source: str = rule("text", help="as its catalog says")
    informative: bool = rule("bool", required=False, default=False, help="as its catalog says")
    requirements: list = rule("entries", help="in catalog order")


@dataclass(frozen=True, kw_only=True)
class MappedRequirement:
    """One requirement of a mapping file and the controls that serve it."""

    id: str = rule("label", help="a current requirement id of the catalog")
    controls: dict = rule(
        "any", check=_control_sentences, help="control_id: one sentence saying why it evidences the requirement"
    )
    note: str | None = rule("text", required=False)


@dataclass(frozen=True)
class Group:
    """A level of a framework's hierarchy above its requirements (CSF function or category, a section)."""

    id: str
    level: str
    title: str
    text: str
    parent: str | None


@dataclass(frozen=True)
class Requirement:
    """One requirement (the mapping target): its catalog entry and the controls mapped to it."""

    framework: str
    id: str
    title: str  # official title; for CSF subcategories, which have none, the outcome text
    text: str
    parent: str | None
    controls: tuple[str, ...]
    note: str | None
    why: tuple[tuple[str, str], ...] = ()  # (control id, one sentence: why it evidences this requirement)

    def justification(self, control_id: str) -> str:
        """Why ``control_id`` evidences this requirement, as its mapping line says ("" when not mapped)."""
        return dict(self.why).get(control_id, "")

    @property
    def ref(self) -> str:
        """The ``framework:id`` string that results and reports carry, e.g. ``nist-csf-2.0:PR.AA-01``."""
        return f"{self.framework}:{self.id}"


@dataclass(frozen=True)
class Alias:
    """An id that is not a current requirement but names one or more: a withdrawn CSF 1.1 id, a short form."""

    alias: str
    see: tuple[str, ...]
    note: str


@dataclass(frozen=True)
class Framework:
    id: str
    title: str
    version: str
    publisher: str
    source: str
    informative: bool
    groups: tuple[Group, ...]
    requirements: tuple[Requirement, ...]
    aliases: tuple[Alias, ...]

    def requirement(self, requirement_id: str) -> Requirement:
        """The requirement with this id; an alias or unknown id raises MappingError saying where to look."""
        for requirement in self.requirements:
            if requirement.id == requirement_id:
                return requirement
        message = _alias_message(self, requirement_id)
        raise MappingError(message or f"{requirement_id!r} is not a requirement of {self.id}")

    def group_path(self, requirement: Requirement) -> tuple[Group, ...]:
        """The groups above a requirement, outermost first (e.g. PROTECT, then PR.AA)."""
        by_id = {g.id: g for g in self.groups}
        path, parent = [], requirement.parent
        while parent is not None:
            group = by_id[parent]
            path.append(group)
            parent = group.parent
        return tuple(reversed(path))


@dataclass(frozen=True)
class RequirementStatus:
    requirement: Requirement
    status: str  # one of REQUIREMENT_STATUSES
    control_outcomes: tuple[tuple[str, str], ...]  # (control id, one of CONTROL_OUTCOMES)


@dataclass(frozen=True)
class FrameworkSummary:
    """Requirement counts of one framework (over all accounts, or one ``account_id``) and its two figures."""

    framework: str
    title: str
    informative: bool
    total: int
    passed: int = 0
    failed: int = 0
    partial: int = 0
    excepted: int = 0
    not_assessed: int = 0
    manual: int = 0
    attested: int = 0
    account_id: str | None = None

    @property
    def assessed(self) -> int:
        return sum(getattr(self, status) for status in ASSESSED)

    @property
    def compliant(self) -> int:
        return sum(getattr(self, status) for status in COMPLIANT)

    @property
    def compliant_pct(self) -> float | None:
        """(passed + excepted + attested) / assessed in percent, one decimal; None when nothing was assessed or
        the framework is informative (it gives coverage and findings, not compliance)."""
        if self.informative or not self.assessed:
            return None
        return round(100 * self.compliant / self.assessed, 1)

    @property
    def coverage_pct(self) -> float | None:
        """assessed / all requirements in percent, one decimal (None for a framework with no requirement)."""
        return round(100 * self.assessed / self.total, 1) if self.total else None

    def figures(self) -> dict:
        """The counts and both figures as plain values (the JSON report's shape)."""
        return {
            "total": self.total,
            **{s: getattr(self, s) for s in REQUIREMENT_STATUSES},
            "assessed": self.assessed,
            "compliant_pct": self.compliant_pct,
            "coverage_pct": self.coverage_pct,
        }


# ------------------------------------------------------------------------------------------------- loading


def use_mappings(directory: Path | None) -> None:
    """Read the mappings from ``directory`` (``--mappings DIR``) from now on, or the shipped ones for ``None``.
    A mapping there without its ``catalogs/<framework>.yaml`` beside it uses the shipped catalog."""
    global _chosen
    if directory is not None and not Path(directory).is_dir():
        raise MappingError(f"--mappings {directory} is not a folder")
    if directory is not None and not any(Path(directory).glob("*.yaml")):
        raise MappingError(f"--mappings {directory} holds no mapping file (<framework>.yaml)")
    _chosen = Path(directory) if directory is not None else None


def chosen_mappings() -> str | None:
    """The mappings folder ``use_mappings`` chose (absolute), None for the shipped ones: what a run stores."""
    return str(_chosen.resolve()) if _chosen is not None else None


def _folder(data_dir: Path | None) -> str:
    """The mappings folder to read: ``data_dir`` when given, else the one ``use_mappings`` chose, else the shipped."""
    return str(Path(data_dir or _chosen or DATA_DIR).resolve())


def load_frameworks(data_dir: Path | None = None) -> dict[str, Framework]:
    """Every framework that has a mapping file, by id (sorted), with its full catalog."""
    return _load(_folder(data_dir))


def get_framework(framework_id: str, data_dir: Path | None = None) -> Framework:
    """One framework by id; an unknown id raises MappingError listing the valid ones."""
    frameworks = load_frameworks(data_dir)
    if framework_id not in frameworks:
        raise MappingError(f"unknown framework {framework_id!r}; choose one of {', '.join(frameworks)}")
    return frameworks[framework_id]


@lru_cache(maxsize=8)
def _load(data_dir: str) -> dict[str, Framework]:
    """The folder's frameworks, once per process: kept parsed beside the translation cache, keyed by every mapping
    file, the catalog each reads (names and contents) and the code that reads them, else read now and kept."""
    root = Path(data_dir)
    files = [(path, _catalog_file(root, path)) for path in sorted(root.glob("*.yaml"))]
    parts = [_named(path) for pair in files for path in pair] + [path.read_bytes() for path in READERS]
    return sqlcache.kept(
        "frameworks",
        parts,
        lambda: {framework.id: framework for framework in (_load_one(*pair) for pair in files)},
        lambda frameworks: [dataclasses.asdict(framework) for framework in frameworks.values()],
        lambda data: {item["id"]: _framework(item) for item in data},
    )


def _catalog_file(root: Path, mapping: Path) -> Path:
    """The catalog a mapping reads: the one beside it, else the shipped one."""
    catalog = root / "catalogs" / mapping.name
    shipped = DATA_DIR / "catalogs" / mapping.name
    return catalog if catalog.is_file() or not shipped.is_file() else shipped


def _named(path: Path) -> bytes:
    """A file's name and contents, or its name alone when it cannot be read (reading it then says why)."""
    try:
        return path.name.encode() + b"\0+" + path.read_bytes()
    except OSError:
        return path.name.encode() + b"\0-"


def _framework(item: dict) -> Framework:
    """A framework as ``_load`` keeps it (JSON) back in its own types."""
    return Framework(
        **{
            **item,
            "groups": tuple(Group(**group) for group in item["groups"]),
            "requirements": tuple(
                Requirement(
                    **{**requirement, "controls": tuple(requirement["controls"]), "why": tuple(map(tuple, requirement["why"]))}
                )
                for requirement in item["requirements"]
            ),
            "aliases": tuple(Alias(**{**alias, "see": tuple(alias["see"])}) for alias in item["aliases"]),
        }
    )


@cache
def _unique_key_loader() -> type:
    """Safe YAML whose mappings may not repeat a key (a control listed twice would silently keep one line)."""

    class UniqueKeyLoader(yamltext.safe_loader()):  # type: ignore[misc]
        def construct_mapping(self, node, deep=False):
            seen = set()
            for key_node, _ in node.value:
                key = self.construct_object(key_node, deep=deep)
                if key in seen:
                    raise yaml.constructor.ConstructorError(None, None, f"{key!r} is listed twice",
                                                            key_node.start_mark)
                seen.add(key)
            return super().construct_mapping(node, deep=deep)

    return UniqueKeyLoader


def _read_yaml(path: Path) -> dict:
    name = f"{path.parent.name}/{path.name}"
    try:
        with path.open(encoding="utf-8") as handle:
            data = yaml.load(handle, Loader=_unique_key_loader())
    except OSError as exc:
        raise MappingError(f"{name}: cannot read: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        first = next((line for line in str(exc).splitlines() if line.strip()), "")
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        problem = getattr(exc, "problem", None) or first
        raise MappingError(f"{name}: not valid YAML: {problem}{where}") from None
    if not isinstance(data, dict):
        raise MappingError(f"{name}: must be a YAML mapping of keys to values")
    return data


def _load_one(mapping_path: Path, catalog_path: Path) -> Framework:
    name = f"mappings/{mapping_path.name}"
    data = _read_yaml(mapping_path)
    if not catalog_path.is_file():
        raise MappingError(f"{name}: no catalog file catalogs/{catalog_path.name} beside it")
    mapping = validate(MappingFields, data, Where(name, "the mapping", MappingError))
    catalog = _catalog(catalog_path)
    if mapping.framework != mapping_path.stem:
        raise MappingError(f"{name}: 'framework' must be {mapping_path.stem!r}, the file name")
    for key in _CATALOG_META:
        if getattr(mapping, key) != getattr(catalog, key):
            raise MappingError(f"{name}: {key!r} is {data.get(key)!r} but its catalog says {getattr(catalog, key)!r}")
    if mapping.informative is not catalog.informative:
        raise MappingError(f"{name}: 'informative' must be {str(catalog.informative).lower()}, as its catalog says")

    catalog_name = f"catalogs/{catalog_path.name}"
    groups, entries = [], []
    for n, item in enumerate(catalog.entries, 1):
        entry = validate(CatalogEntry, item, Where(catalog_name, f"entry {n}", MappingError, context=f"entry {n}: "))
        if entry.level not in catalog.levels:
            raise MappingError(f"{catalog_name}: entry {n}: 'level' must be one of {', '.join(catalog.levels)}")
        if entry.level == catalog.requirement_level:
            entries.append(entry)
        else:
            groups.append(Group(entry.id, entry.level, entry.title or "", entry.text or "", entry.parent))
    aliases = _aliases(catalog, catalog_name)
    bare = Framework(
        catalog.framework,
        catalog.title,
        catalog.version,
        catalog.publisher,
        catalog.source,
        catalog.informative,
        tuple(groups),
        (),
        aliases,
    )
    mapped = _mapped(name, mapping.requirements, [e.id for e in entries], bare)
    requirements = tuple(
        Requirement(
            catalog.framework, e.id, e.title or e.text or "", e.text or "", e.parent, *mapped.get(e.id, ((), None, ()))
        )
        for e in entries
    )
    return Framework(
        catalog.framework,
        bare.title,
        bare.version,
        bare.publisher,
        bare.source,
        catalog.informative,
        bare.groups,
        requirements,
        aliases,
    )


def _catalog(path: Path) -> CatalogFields:
    """A catalog file validated against ``CatalogFields`` (its entries are validated where they are read)."""
    return validate(CatalogFields, _read_yaml(path), Where(f"catalogs/{path.name}", "the catalog", MappingError))


def _aliases(catalog: CatalogFields, name: str) -> tuple[Alias, ...]:
    """Catalog aliases plus withdrawn entries (under their own id and their old CSF 1.1 form)."""
    aliases = []
    for n, item in enumerate(catalog.aliases or [], 1):
        alias = validate(AliasEntry, item, Where(name, f"alias {n}", MappingError, context=f"alias {n}: "))
        aliases.append(Alias(alias.alias, alias.see, alias.note))
    for n, item in enumerate(catalog.withdrawn or [], 1):
        entry = validate(WithdrawnEntry, item, Where(name, f"withdrawn {n}", MappingError, context=f"withdrawn {n}: "))
        old = entry.title or entry.text or ""
        moved = entry.note.removeprefix("Withdrawn: ")
        note = f"withdrawn from {catalog.title}: {moved[:1].lower()}{moved[1:]}"
        if old:
            note = f"{note} (its old text: {old})"
        for alias in dict.fromkeys((entry.id, entry.csf11_id or entry.id)):
            aliases.append(Alias(alias, entry.successors, note))
    return tuple(aliases)


def _mapped(name: str, items: list, catalog_ids: list[str], framework: Framework) -> dict[str, tuple]:
    """Validate a mapping's requirement list against ``MappedRequirement`` and the catalog's order; returns
    id -> (controls, note, why)."""
    position = {rid: n for n, rid in enumerate(catalog_ids)}
    mapped: dict[str, tuple] = {}
    last = -1
    for item in items:
        if not isinstance(item, dict) or "id" not in item:
            raise MappingError(f"{name}: every requirement needs an 'id'")
        rid = str(item["id"])
        entry = validate(MappedRequirement, item, Where(name, rid, MappingError, context=f"{rid}: "))
        if rid not in position:
            hint = _alias_message(framework, rid)
            raise MappingError(
                f"{name}: {rid} is not a current requirement of {framework.id}" + (f": {hint}" if hint else "")
            )
        if rid in mapped:
            raise MappingError(f"{name}: {rid} is listed twice")
        if position[rid] < last:
            raise MappingError(f"{name}: {rid} is out of catalog order (list requirements in the order of the catalog)")
        last = position[rid]
        why = tuple((c, " ".join(w.split())) for c, w in entry.controls.items())
        mapped[rid] = (tuple(entry.controls), entry.note, why)
    return mapped


# ---------------------------------------------------------------------------------------------- look-ups


def requirements_for_control(control_id: str, data_dir: Path | None = None) -> list[str]:
    """The ``framework:id`` requirements a control serves, by framework id, then in catalog order."""
    return list(_by_control(_folder(data_dir)).get(control_id, ()))


@lru_cache(maxsize=8)
def _by_control(data_dir: str) -> dict[str, tuple[str, ...]]:
    index: dict[str, list[str]] = {}
    for framework in _load(data_dir).values():
        for requirement in framework.requirements:
            for control in requirement.controls:
                index.setdefault(control, []).append(requirement.ref)
    return {control: tuple(refs) for control, refs in index.items()}


def mapped_controls(data_dir: Path | None = None) -> set[str]:
    """Every control id that some mapping names."""
    return set(_by_control(_folder(data_dir)))


def _split_ref(text: str) -> tuple[str | None, str]:
    """``framework:id`` -> (framework, id) when the prefix is a known framework id; else (None, text)."""
    text = text.strip()
    prefix, sep, rest = text.partition(":")
    if sep and prefix in load_frameworks():
        return prefix, rest.strip()
    return None, text


def _alias_message(framework: Framework, text: str) -> str | None:
    key = text.strip().casefold()
    for alias in framework.aliases:
        if alias.alias.casefold() == key:
            see = ", ".join(
                f"{rid} ({framework.requirement(rid).title})" if _is_current(framework, rid) else rid
                for rid in alias.see
            )
            return f"{text.strip()} is {alias.note}" + (f"; see {see}" if see else "")
    padded = re.sub(r"-(\d)$", r"-0\1", text.strip().upper())
    if padded != text.strip().upper() and _is_current(framework, padded):
        return (
            f"{text.strip()} is written with a one-digit number as in CSF 1.1; {framework.title} writes it "
            f"{padded} ({framework.requirement(padded).title})"
        )
    return None


def _is_current(framework: Framework, requirement_id: str) -> bool:
    return any(r.id == requirement_id for r in framework.requirements)


def resolve_alias(text: str) -> str | None:
    """A one-line message when ``text`` is an alias rather than a current requirement id (a withdrawn CSF 1.1
    id such as ``PR.AC-4``, a short form such as ``NHI7``), saying where it moved; None otherwise."""
    prefix, rid = _split_ref(text)
    for framework in load_frameworks().values():
        if prefix in (None, framework.id) and not _is_current(framework, rid):
            message = _alias_message(framework, rid)
            if message:
                return message
    return None


def search(text: str) -> tuple[list[Requirement], str | None]:
    """Requirements whose id is ``text`` (any case, optionally ``framework:id``) or whose title or text contains
    it (``_contains``); an alias yields the requirements it points to and the alias message."""
    prefix, query = _split_ref(text)
    needle = query.casefold()
    found: list[Requirement] = []
    message = None
    for framework in load_frameworks().values():
        if prefix not in (None, framework.id):
            continue
        exact = [r for r in framework.requirements if r.id.casefold() == needle]
        if exact:
            found.extend(exact)
            continue
        alias = next((a for a in framework.aliases if a.alias.casefold() == needle), None)
        if alias is not None:
            message = message or _alias_message(framework, query)
            found.extend(
                r
                for r in framework.requirements
                if r.id in alias.see or any(g.id in alias.see for g in framework.group_path(r))
            )
            continue
        padded_message = _alias_message(framework, query)
        if padded_message:
            message = message or padded_message
            padded = re.sub(r"-(\d)$", r"-0\1", query.upper())
            found.extend(r for r in framework.requirements if r.id == padded)
            continue
        found.extend(r for r in framework.requirements if needle and _contains(f"{r.title} {r.text}", query))
    return found, message


def _contains(text: str, query: str) -> bool:
    """``text`` holds ``query`` (any case), or, for a query of several words, each word, punctuation ignored
    ("multi factor" is in "multi-factor", "root mfa" in "MFA ... for the 'root' user"); one word, such as an id,
    is matched as it is."""
    if query.casefold() in text.casefold():
        return True
    words = _words(query).split()
    return len(query.split()) > 1 and all(word in _words(text) for word in words)


def _words(text: str) -> str:
    """``text`` in lower case with every run of punctuation a space: "multi factor" is in "Multi-Factor"."""
    return re.sub(r"[\W_]+", " ", text.casefold())


# ------------------------------------------------------------------------------------------------ roll-up


def _counts(value: Mapping[str, int] | Iterable[str]) -> dict[str, int]:
    """A control's result counts: ``{status: n}`` plus ``excepted`` (alarms an exception covers) from either such a
    mapping or an iterable of result statuses."""
    if isinstance(value, Mapping):
        counts = {key: int(n or 0) for key, n in value.items()}
    else:
        counts = {}
        for status in value:
            counts[status] = counts.get(status, 0) + 1
    unknown = set(counts) - set(RESULT_STATUSES) - {"excepted"}
    if unknown:
        raise MappingError(
            f"unknown result status {sorted(unknown)[0]!r}; expected one of {', '.join(RESULT_STATUSES)}"
        )
    return {**dict.fromkeys((*RESULT_STATUSES, "excepted"), 0), **counts}


def statuses_by_control(rows: Iterable[Mapping]) -> dict[str, dict[str, int]]:
    """Result counts per control (``{control_id: {status: n, "excepted": n}}``) from result rows: mappings with
    ``control_id`` and ``status`` (e.g. ``iamsql_result`` rows) and, optionally, ``excepted`` (true when an
    exception in force covers the alarm)."""
    rows = list(rows)
    grouped = _grouped(Counter(map(itemgetter("control_id", "status"), rows)))
    for row in rows:
        if row["status"] == "alarm" and row.get("excepted"):
            grouped[row["control_id"]]["excepted"] += 1
    return grouped


def _grouped(pairs: Counter) -> dict[str, dict[str, int]]:
    """``{control_id: {status: n, "excepted": 0}}`` from the counts of (control id, status) pairs, controls in
    the order of their first pair."""
    grouped: dict[str, dict[str, int]] = {}
    for (control_id, status), count in pairs.items():
        if status not in RESULT_STATUSES:
            raise MappingError(f"unknown result status {status!r}; expected one of {', '.join(RESULT_STATUSES)}")
        counts = grouped.get(control_id)
        if counts is None:
            counts = grouped[control_id] = dict.fromkeys((*RESULT_STATUSES, "excepted"), 0)
        counts[status] += count
    return grouped


def statuses_by_account(rows: Iterable[Mapping], accounts: Iterable[str] = ()) -> dict[str, dict[str, dict[str, int]]]:
    """``{account_id: {control_id: counts}}`` from result rows with ``account_id``. Rows of no account (a control
    that failed for every account, or a run with no data) count for every account; ``accounts`` names accounts
    that must appear even without rows."""
    owned: dict[Any, list[Mapping]] = {}  # account id -> its rows, in one pass
    unowned = []
    for row in rows:
        account_id = row.get("account_id")
        if account_id:
            owned.setdefault(account_id, []).append(row)
        else:
            unowned.append(row)
    names = list(dict.fromkeys([*accounts, *owned]))
    return {account: statuses_by_control([*owned.get(account, ()), *unowned]) for account in names}


def counted_by_account(counts: Iterable[tuple[Any, str, str, int]]) -> dict[str, dict[str, dict[str, int]]]:
    """``statuses_by_account`` of result rows given as (account id, control id, status, number of rows), as a
    database counts them (no exceptions)."""
    owned: dict[Any, Counter] = {}
    unowned: Counter = Counter()
    for account_id, control_id, status, number in counts:
        (owned.setdefault(account_id, Counter()) if account_id else unowned)[control_id, status] += number
    return {account: _grouped(pairs + unowned) for account, pairs in owned.items()}


def control_outcome(statuses: Mapping[str, int] | Iterable[str]) -> str:
    """One control's outcome for one requirement (see module doc): ``failed`` (an ``error``, or an ``alarm`` no
    exception covers), ``excepted`` (alarms, all covered by exceptions in force), ``passed`` (``ok`` rows only
    besides ``info``/``skip``) or ``not_assessed`` (no ``ok``/``alarm``/``error`` row: not run, no rows, only
    ``skip`` or ``info``)."""
    counts = _counts(statuses)
    if counts["error"] or counts["alarm"] > counts["excepted"]:
        return "failed"
    if counts["alarm"]:
        return "excepted"
    if counts["ok"]:
        return "passed"
    return "not_assessed"


def requirement_status(
    results_by_control: Mapping[str, Mapping[str, int] | Iterable[str]],
    frameworks: Iterable[str] | None = None,
    attested: Iterable[str] = (),
    by_account: Mapping[str, Mapping[str, Mapping[str, int] | Iterable[str]]] | None = None,
) -> list[RequirementStatus]:
    """Status of every requirement of the given frameworks (all by default), in framework then catalog order.
    ``results_by_control`` maps control ids to their result counts (``statuses_by_control``) or to the list of
    their result statuses; a control absent from it was not run. ``attested`` holds the ``framework:id`` refs of
    manual requirements with an attestation in force. With ``by_account`` (``statuses_by_account``), each control's
    outcome is judged per account and combined (``combined_outcome``): over several accounts a requirement passes
    only when it passes in every one; ``results_by_control`` is then ignored."""
    attested = set(attested)
    if by_account is not None:
        controls = {c for per in by_account.values() for c in per}
        outcomes = {
            c: combined_outcome(control_outcome(per.get(c, ())) for per in by_account.values()) for c in controls
        }
    else:
        outcomes = {control: control_outcome(value) for control, value in results_by_control.items()}
    selected = [get_framework(f) for f in frameworks] if frameworks else list(load_frameworks().values())
    statuses = []
    for framework in selected:
        for requirement in framework.requirements:
            per_control = tuple((c, outcomes.get(c, "not_assessed")) for c in requirement.controls)
            statuses.append(
                RequirementStatus(requirement, _requirement_status(requirement, per_control, attested), per_control)
            )
    return statuses


def _requirement_status(requirement: Requirement, per_control: tuple[tuple[str, str], ...], attested: set[str]) -> str:
    found = {outcome for _, outcome in per_control}
    if not per_control:
        return "attested" if requirement.ref in attested else "manual"
    if "failed" in found:
        return "failed"
    if found == {"not_assessed"}:
        return "not_assessed"
    if found & {"not_assessed", "partial"}:
        return "partial"
    if "excepted" in found:
        return "excepted"
    return "passed"


def combined_outcome(outcomes: Iterable[str]) -> str:
    """One control's outcome over several accounts from its outcome in each: ``failed`` in any -> ``failed``;
    ``not_assessed`` in all -> ``not_assessed``; ``passed`` (or ``excepted``) in all -> ``passed`` (``excepted``);
    otherwise (assessed in some accounts, not in others) -> ``partial``."""
    found = set(outcomes) or {"not_assessed"}
    if "failed" in found:
        return "failed"
    if found == {"not_assessed"}:
        return "not_assessed"
    if found & {"not_assessed", "partial"}:
        return "partial"
    return "excepted" if "excepted" in found else "passed"


def framework_summary(statuses: Iterable[RequirementStatus], account_id: str | None = None) -> list[FrameworkSummary]:
    """Requirement counts and figures per framework (in the order first seen) from ``requirement_status`` output;
    ``account_id`` labels summaries computed from one account's results."""
    counts: dict[str, dict[str, int]] = {}
    for item in statuses:
        per = counts.setdefault(item.requirement.framework, dict.fromkeys(REQUIREMENT_STATUSES, 0))
        per[item.status] += 1
    frameworks = load_frameworks()
    return [
        FrameworkSummary(
            fid, frameworks[fid].title, frameworks[fid].informative, sum(per.values()), **per, account_id=account_id
        )
        for fid, per in counts.items()
    ]


def account_summaries(
    counts_by_account: Mapping[str, Mapping[str, Mapping[str, int] | Iterable[str]]],
    frameworks: Iterable[str] | None = None,
    attested: Iterable[str] = (),
) -> list[FrameworkSummary]:
    """Per account (sorted), then per framework: the summary from that account's results only
    (``statuses_by_account``). Attestations are per requirement, so they count for every account."""
    attested = set(attested)
    frameworks = list(frameworks) if frameworks else None
    return [
        summary
        for account in sorted(counts_by_account)
        for summary in framework_summary(requirement_status(counts_by_account[account], frameworks, attested), account)
    ]


def percent(value: float | None) -> str:
    """A figure as text: ``87.5%``, or ``n/a`` when it cannot be computed."""
    return "n/a" if value is None else f"{value:.1f}%"


# ----------------------------------------------------------------------------------------------- listings


def listing(framework_id: str | None = None, text: str | None = None) -> tuple[list[str], list[tuple], str | None]:
    """Rows for ``iamsql frameworks``: the frameworks; one framework's requirements with their controls
    (``manual`` when none); or the requirements a search finds, with the alias message if any."""
    if text is not None:
        found, message = search(text)
        if framework_id is not None:
            get_framework(framework_id)
            found = [r for r in found if r.framework == framework_id]
        return _requirement_columns(), [_requirement_row(r) for r in found], message
    if framework_id is not None:
        return _requirement_columns(), [_requirement_row(r) for r in get_framework(framework_id).requirements], None
    columns = ["framework", "title", "version", "informative", "requirements", "automated", "manual"]
    rows = []
    for framework in load_frameworks().values():
        automated = sum(1 for r in framework.requirements if r.controls)
        rows.append(
            (
                framework.id,
                framework.title,
                framework.version,
                framework.informative,
                len(framework.requirements),
                automated,
                len(framework.requirements) - automated,
            )
        )
    return columns, rows, None


def _requirement_columns() -> list[str]:
    return ["requirement", "title", "controls"]


def _requirement_row(requirement: Requirement) -> tuple:
    return requirement.ref, requirement.title, ", ".join(requirement.controls) or "manual"
