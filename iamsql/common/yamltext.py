"""YAML reading for control headers, mappings and question files: libyaml's safe loader where PyYAML was built
with it (its wheels are), else PyYAML's pure-Python one; both construct plain Python values only. PyYAML is imported
by the first document read: a command whose control headers, mappings and questions are all kept parsed
(``sql.cache.kept``) reads none."""

from functools import cache

from iamsql.common.lazy import lazy_import

yaml = lazy_import("yaml")


@cache
def safe_loader() -> type:
    """The safe loader, where a date no calendar has (``2026-02-30``) is a YAML error at its line, not PyYAML's
    bare ValueError."""

    class SafeLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
        pass

    SafeLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)
    return SafeLoader


def _timestamp(loader, node):
    try:
        return loader.construct_yaml_timestamp(node)
    except ValueError as exc:
        raise yaml.constructor.ConstructorError(
            None, None, f"{node.value!r} is not a date ({exc})", node.start_mark) from None


def load(text: str):
    """The value of one YAML document (safe: no Python objects)."""
    return yaml.load(text, Loader=safe_loader())
