"""Frameworks: read the framework catalogs (``mappings/catalogs/<framework>.yaml``) and the mappings of
controls to their requirements (``mappings/<framework>.yaml``), and roll control results up per requirement.

A catalog holds every requirement of a framework in official order, with its hierarchy and source citation;
withdrawn ids (CSF 1.1) and other aliases are search aliases that say where to look, never mapping targets.
A mapping lists, in catalog order, the requirements that automated controls serve. Requirements that no
control serves are still reported, as ``manual``.

Roll-up, per requirement (see docs/frameworks.md):
- no mapped control                                   -> ``manual``
- any mapped control has an ``alarm`` or ``error`` row -> ``failing``
- otherwise any ``ok`` or ``info`` row                 -> ``passing``
- otherwise (controls not run, no rows, only ``skip``) -> ``not_assessed``
- a ``manual`` requirement with an attestation in force (``iamsql.exceptions``) -> ``attested``

Per framework, ``percent_compliant = (passing + attested) / (passing + failing + attested)``; manual and not
assessed requirements are counted but left out of the ratio (``None`` when nothing was assessed).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from .errors import IamsqlError
from .resources import data_folder

DATA_DIR = data_folder("mappings")
RESULT_STATUSES = ("ok", "alarm", "info", "skip", "error")
REQUIREMENT_STATUSES = ("passing", "failing", "manual", "not_assessed", "attested")
CONTROL_ID = re.compile(r"[a-z][a-z0-9_]*")

_MAPPING_KEYS = {"framework", "title", "version", "source", "informative", "requirements"}
_MAPPED_KEYS = {"id", "controls", "note"}
_CATALOG_META = ("framework", "title", "version", "source")


class MappingError(IamsqlError):
    """A catalog or mapping file that cannot be used, or a framework or requirement that does not exist."""


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
    control_outcomes: tuple[tuple[str, str], ...]  # (control id, passing | failing | not_assessed)


@dataclass(frozen=True)
class FrameworkSummary:
    framework: str
    title: str
    informative: bool
    total: int
    passing: int
    failing: int
    manual: int
    not_assessed: int
    attested: int = 0

    @property
    def percent_compliant(self) -> float | None:
        """(passing + attested) / (passing + failing + attested) in percent, one decimal; None when no
        requirement was assessed."""
        assessed = self.passing + self.failing + self.attested
        return round(100 * (self.passing + self.attested) / assessed, 1) if assessed else None


# ------------------------------------------------------------------------------------------------- loading


def load_frameworks(data_dir: Path | None = None) -> dict[str, Framework]:
    """Every framework that has a mapping file, by id (sorted), with its full catalog."""
    return _load(str(Path(data_dir or DATA_DIR).resolve()))


def get_framework(framework_id: str, data_dir: Path | None = None) -> Framework:
    """One framework by id; an unknown id raises MappingError listing the valid ones."""
    frameworks = load_frameworks(data_dir)
    if framework_id not in frameworks:
        raise MappingError(f"unknown framework {framework_id!r}; choose one of {', '.join(frameworks)}")
    return frameworks[framework_id]


@lru_cache(maxsize=8)
def _load(data_dir: str) -> dict[str, Framework]:
    root = Path(data_dir)
    frameworks = {}
    for path in sorted(root.glob("*.yaml")):
        framework = _load_one(path, root / "catalogs" / path.name)
        frameworks[framework.id] = framework
    return frameworks


def _read_yaml(path: Path) -> dict:
    name = f"{path.parent.name}/{path.name}"
    try:
        with path.open(encoding="utf-8") as handle:
            data = yaml.load(handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except OSError as exc:
        raise MappingError(f"{name}: cannot read: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        raise MappingError(f"{name}: not valid YAML: {str(exc).splitlines()[0]}") from None
    if not isinstance(data, dict):
        raise MappingError(f"{name}: must be a YAML mapping of keys to values")
    return data


def _load_one(mapping_path: Path, catalog_path: Path) -> Framework:
    name = f"mappings/{mapping_path.name}"
    mapping = _read_yaml(mapping_path)
    if not catalog_path.is_file():
        raise MappingError(f"{name}: no catalog file catalogs/{catalog_path.name} beside it")
    catalog = _read_yaml(catalog_path)
    unknown = set(mapping) - _MAPPING_KEYS
    if unknown:
        raise MappingError(f"{name}: unknown key(s) {', '.join(sorted(unknown))} (allowed: {', '.join(sorted(_MAPPING_KEYS))})")
    if mapping.get("framework") != mapping_path.stem:
        raise MappingError(f"{name}: 'framework' must be {mapping_path.stem!r}, the file name")
    for key in _CATALOG_META:
        if str(mapping.get(key)) != str(catalog.get(key)):
            raise MappingError(f"{name}: {key!r} is {mapping.get(key)!r} but its catalog says {catalog.get(key)!r}")
    informative = mapping.get("informative", False)
    if informative is not catalog.get("informative", False):
        raise MappingError(f"{name}: 'informative' must be {str(catalog.get('informative', False)).lower()}, as its catalog says")

    framework_id = catalog["framework"]
    level = catalog["requirement_level"]
    groups, entries = [], []
    for entry in catalog["entries"]:
        if entry["level"] == level:
            entries.append(entry)
        else:
            groups.append(Group(entry["id"], entry["level"], entry.get("title", ""), entry.get("text", ""),
                                entry.get("parent")))
    aliases = _aliases(catalog)
    bare = Framework(framework_id, catalog["title"], str(catalog["version"]), catalog["publisher"], catalog["source"],
                     informative, tuple(groups), (), aliases)
    mapped = _mapped(name, mapping.get("requirements"), [str(e["id"]) for e in entries], bare)
    requirements = tuple(
        Requirement(framework_id, str(e["id"]), e.get("title") or e.get("text", ""), e.get("text", ""),
                    e.get("parent"), *mapped.get(str(e["id"]), ((), None)))
        for e in entries
    )
    return Framework(framework_id, bare.title, bare.version, bare.publisher, bare.source, informative,
                     bare.groups, requirements, aliases)


def _aliases(catalog: dict) -> tuple[Alias, ...]:
    """Catalog aliases plus withdrawn entries (under their own id and their old CSF 1.1 form)."""
    aliases = [Alias(a["alias"], tuple(a.get("see", ())), a["note"]) for a in catalog.get("aliases", [])]
    for entry in catalog.get("withdrawn", []):
        old = entry.get("title") or entry.get("text", "")
        moved = entry["note"].removeprefix("Withdrawn: ")
        note = f"withdrawn from {catalog['title']}: {moved[:1].lower()}{moved[1:]}"
        if old:
            note = f"{note} (its old text: {old})"
        for alias in dict.fromkeys((entry["id"], entry.get("csf11_id") or entry["id"])):
            aliases.append(Alias(alias, tuple(entry.get("successors", ())), note))
    return tuple(aliases)


def _mapped(name: str, items, catalog_ids: list[str], framework: Framework) -> dict[str, tuple]:
    """Validate a mapping's requirement list; returns id -> (controls, note)."""
    if not isinstance(items, list) or not items:
        raise MappingError(f"{name}: 'requirements' must be a non-empty list")
    position = {rid: n for n, rid in enumerate(catalog_ids)}
    mapped: dict[str, tuple] = {}
    last = -1
    for item in items:
        if not isinstance(item, dict) or "id" not in item:
            raise MappingError(f"{name}: every requirement needs an 'id'")
        rid = str(item["id"])
        unknown = set(item) - _MAPPED_KEYS
        if unknown:
            raise MappingError(f"{name}: {rid}: unknown key(s) {', '.join(sorted(unknown))} (allowed: id, controls, note)")
        if rid not in position:
            hint = _alias_message(framework, rid)
            raise MappingError(f"{name}: {rid} is not a current requirement of {framework.id}" + (f": {hint}" if hint else ""))
        if rid in mapped:
            raise MappingError(f"{name}: {rid} is listed twice")
        if position[rid] < last:
            raise MappingError(f"{name}: {rid} is out of catalog order (list requirements in the order of the catalog)")
        last = position[rid]
        controls = item.get("controls")
        if not isinstance(controls, list) or not controls:
            raise MappingError(f"{name}: {rid}: 'controls' must be a non-empty list of control ids")
        for control in controls:
            if not isinstance(control, str) or not CONTROL_ID.fullmatch(control):
                raise MappingError(f"{name}: {rid}: {control!r} is not a control id (a queries/*.sql file stem)")
        if len(set(controls)) != len(controls):
            raise MappingError(f"{name}: {rid}: a control is listed twice")
        note = item.get("note")
        if note is not None and not isinstance(note, str):
            raise MappingError(f"{name}: {rid}: 'note' must be text")
        mapped[rid] = (tuple(controls), note)
    return mapped


# ---------------------------------------------------------------------------------------------- look-ups


def requirements_for_control(control_id: str, data_dir: Path | None = None) -> list[str]:
    """The ``framework:id`` requirements a control serves, by framework id, then in catalog order."""
    return list(_by_control(str(Path(data_dir or DATA_DIR).resolve())).get(control_id, ()))


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
    return set(_by_control(str(Path(data_dir or DATA_DIR).resolve())))


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
            see = ", ".join(f"{rid} ({framework.requirement(rid).title})" if _is_current(framework, rid) else rid
                            for rid in alias.see)
            return f"{text.strip()} is {alias.note}" + (f"; see {see}" if see else "")
    padded = re.sub(r"-(\d)$", r"-0\1", text.strip().upper())
    if padded != text.strip().upper() and _is_current(framework, padded):
        return (f"{text.strip()} is written with a one-digit number as in CSF 1.1; {framework.title} writes it "
                f"{padded} ({framework.requirement(padded).title})")
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
    it; an alias yields the requirements it points to and the alias message."""
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
            found.extend(r for r in framework.requirements
                         if r.id in alias.see or any(g.id in alias.see for g in framework.group_path(r)))
            continue
        padded_message = _alias_message(framework, query)
        if padded_message:
            message = message or padded_message
            padded = re.sub(r"-(\d)$", r"-0\1", query.upper())
            found.extend(r for r in framework.requirements if r.id == padded)
            continue
        found.extend(r for r in framework.requirements if needle and (needle in r.title.casefold() or needle in r.text.casefold()))
    return found, message


# ------------------------------------------------------------------------------------------------ roll-up


def statuses_by_control(rows: Iterable[Mapping]) -> dict[str, list[str]]:
    """Group result rows (mappings with ``control_id`` and ``status``, e.g. ``iamsql_result``) by control."""
    grouped: dict[str, list[str]] = {}
    for row in rows:
        grouped.setdefault(row["control_id"], []).append(row["status"])
    return grouped


def control_outcome(statuses: Iterable[str]) -> str:
    """One control's outcome from its result statuses: failing, passing or not_assessed (see module doc)."""
    seen = set(statuses)
    unknown = seen - set(RESULT_STATUSES)
    if unknown:
        raise MappingError(f"unknown result status {sorted(unknown)[0]!r}; expected one of {', '.join(RESULT_STATUSES)}")
    if seen & {"alarm", "error"}:
        return "failing"
    if seen & {"ok", "info"}:
        return "passing"
    return "not_assessed"


def requirement_status(
    results_by_control: Mapping[str, Iterable[str]], frameworks: Iterable[str] | None = None,
    attested: Iterable[str] = (),
) -> list[RequirementStatus]:
    """Status of every requirement of the given frameworks (all by default), in framework then catalog order.
    ``results_by_control`` maps control ids to the statuses of their result rows; a control absent from it was
    not run. ``attested`` holds the ``framework:id`` refs of manual requirements with an attestation in force."""
    attested = set(attested)
    outcomes = {control: control_outcome(statuses) for control, statuses in results_by_control.items()}
    selected = [get_framework(f) for f in frameworks] if frameworks else list(load_frameworks().values())
    statuses = []
    for framework in selected:
        for requirement in framework.requirements:
            per_control = tuple((c, outcomes.get(c, "not_assessed")) for c in requirement.controls)
            found = {outcome for _, outcome in per_control}
            if not per_control:
                status = "attested" if requirement.ref in attested else "manual"
            elif "failing" in found:
                status = "failing"
            elif "passing" in found:
                status = "passing"
            else:
                status = "not_assessed"
            statuses.append(RequirementStatus(requirement, status, per_control))
    return statuses


def framework_summary(statuses: Iterable[RequirementStatus]) -> list[FrameworkSummary]:
    """Requirement counts per framework (in the order first seen) from ``requirement_status`` output."""
    counts: dict[str, dict[str, int]] = {}
    for item in statuses:
        per = counts.setdefault(item.requirement.framework, dict.fromkeys(REQUIREMENT_STATUSES, 0))
        per[item.status] += 1
    frameworks = load_frameworks()
    return [
        FrameworkSummary(fid, frameworks[fid].title, frameworks[fid].informative, sum(per.values()), **per)
        for fid, per in counts.items()
    ]


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
        rows.append((framework.id, framework.title, framework.version, framework.informative,
                     len(framework.requirements), automated, len(framework.requirements) - automated))
    return columns, rows, None


def _requirement_columns() -> list[str]:
    return ["requirement", "title", "controls"]


def _requirement_row(requirement: Requirement) -> tuple:
    return requirement.ref, requirement.title, ", ".join(requirement.controls) or "manual"
