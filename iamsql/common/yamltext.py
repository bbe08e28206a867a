"""YAML reading for control headers, mappings and question files: libyaml's safe loader where PyYAML was built
with it (its wheels are), else PyYAML's pure-Python one; both construct plain Python values only."""

import yaml

YAMLError = yaml.YAMLError


class SafeLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """The safe loader, where a date no calendar has (``2026-02-30``) is a YAML error at its line, not PyYAML's
    bare ValueError."""


def _timestamp(loader: SafeLoader, node: yaml.ScalarNode):
    try:
        return loader.construct_yaml_timestamp(node)
    except ValueError as exc:
        raise yaml.constructor.ConstructorError(
            None, None, f"{node.value!r} is not a date ({exc})", node.start_mark) from None


SafeLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)


def load(text: str):
    """The value of one YAML document (safe: no Python objects)."""
    return yaml.load(text, Loader=SafeLoader)
