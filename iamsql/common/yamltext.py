"""YAML reading for control headers, mappings and question files: libyaml's safe loader where PyYAML was built
with it (its wheels are), else PyYAML's pure-Python one; both construct plain Python values only."""

import yaml

SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
YAMLError = yaml.YAMLError


def load(text: str):
    """The value of one YAML document (safe: no Python objects)."""
    return yaml.load(text, Loader=SafeLoader)
