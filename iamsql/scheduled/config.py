"""Configuration of scheduled evidence runs: one table of options (``OPTIONS``: TOML key, flag, environment
variable, kind), read from the TOML file, then ``IAMSQL_*`` variables, then flags, and validated."""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from iamsql.controls.contract import DEFAULT_FAIL_ON
from iamsql.errors import ConfigError, IamsqlError
from iamsql.frameworks import get_framework, use_mappings
from iamsql.scheduled.folder import MANIFEST, OUTPUT_FILES, SIGNATURE

FAIL_ON = ("critical", "high", "medium", "low", "info", "none")


@dataclass(frozen=True)
class Option:
    """One setting: its TOML key (dotted for tables), type, command-line flag and environment variable."""

    key: str
    kind: str  # text, path, paths, list, int, bool, table
    flag: str
    env: str
    help: str
    least: int = 0  # the smallest whole number an int setting takes


OPTIONS = (
    Option("db", "path", "--db", "IAMSQL_DB", "DuckDB database file (default ./iamsql.duckdb)"),
    Option("evidence_dir", "path", "--evidence-dir", "IAMSQL_EVIDENCE_DIR", "where run folders go (required)"),
    Option("name", "text", "--name", "IAMSQL_EVIDENCE_NAME",
           "folder name for the runs (default: the organization id, else the single account id, else 'multi-account')"),
    Option("sources.paths", "paths", "--source", "IAMSQL_SOURCES",
           "load these files or folders instead of collecting from AWS"),
    Option("sources.account_id", "text", "--account-id", "IAMSQL_ACCOUNT_ID",
           "account for loaded files whose content names none"),
    Option("sources.regions", "list", "--region", "IAMSQL_REGIONS", "regions to collect trails from (default: the profile's)"),
    Option("sources.profile", "text", "--profile", "IAMSQL_PROFILE", "AWS profile to collect with (default: the usual AWS chain)"),
    Option("sources.cloudtrail_s3", "text", "--cloudtrail-s3", "IAMSQL_CLOUDTRAIL_S3",
           "also read CloudTrail log files from this s3://bucket/prefix"),
    Option("sources.since", "text", "--since", "IAMSQL_SINCE", "start of the CloudTrail log window (e.g. 7 = days)"),
    Option("sources.lookup_events_days", "int", "--lookup-events-days", "IAMSQL_LOOKUP_EVENTS_DAYS",
           "also read this many days of CloudTrail event history"),
    Option("role_arns", "list", "--role-arn", "IAMSQL_ROLE_ARNS", "collect these accounts through these roles"),
    Option("org", "bool", "--org", "IAMSQL_ORG", "collect every account of the AWS Organization (with role_name)"),
    Option("role_name", "text", "--role-name", "IAMSQL_ROLE_NAME", "role to assume in each organization account"),
    Option("external_id", "text", "--external-id", "IAMSQL_EXTERNAL_ID", "external id for the role assumptions"),
    Option("frameworks", "list", "--framework", "IAMSQL_FRAMEWORKS", "only controls mapped to these frameworks"),
    Option("controls", "list", "--control", "IAMSQL_CONTROLS", "only these control ids"),
    Option("params", "table", "--param", "IAMSQL_PARAMS", "control parameters: name=value or control_id.name=value"),
    Option("queries", "path", "--queries", "IAMSQL_QUERIES", "a folder of your own controls instead of the shipped ones"),
    Option("mappings", "path", "--mappings", "IAMSQL_MAPPINGS",
           "a folder of your own framework mappings (<framework>.yaml, catalogs/ optional) instead of the shipped ones"),
    Option("sigma", "paths", "--sigma", "IAMSQL_SIGMA",
           "also run the Sigma rules (aws/cloudtrail) under these folders as controls"),
    Option("sigma_skip_unsupported", "bool", "--sigma-skip-unsupported", "IAMSQL_SIGMA_SKIP_UNSUPPORTED",
           "warn about Sigma rules that cannot be converted and run the others (default: fail naming them)"),
    Option("fail_on", "text", "--fail-on", "IAMSQL_FAIL_ON", "exit 1 on an alarm of this severity or higher (default info: any alarm, as iamsql check)"),
    Option("outputs", "list", "--output", "IAMSQL_OUTPUTS", "report files: xlsx, json, iamsql-json, ocsf, ocsf-jsonl, asff, csv, findings-csv, md, sarif, junit, html (default xlsx, json, ocsf)"),
    Option("exceptions", "path", "--exceptions", "IAMSQL_EXCEPTIONS", "exceptions and attestations YAML file"),
    Option("retention.keep_runs", "int", "--keep-runs", "IAMSQL_KEEP_RUNS", "keep the newest N run folders", least=1),
    Option("retention.keep_days", "int", "--keep-days", "IAMSQL_KEEP_DAYS", "remove run folders older than D days"),
    Option("wait", "int", "--wait", "IAMSQL_WAIT", "seconds to wait for another run on the same database or folder (default 0)"),
    Option("sign_key", "path", "--sign-key", "IAMSQL_SIGN_KEY",
           f"sign each run's {MANIFEST} with this OpenSSH Ed25519 private key ({SIGNATURE})"),
)


BY_KEY = {o.key: o for o in OPTIONS}


COLLECT_KEYS = ("sources.regions", "sources.profile", "sources.cloudtrail_s3", "sources.since",
                "sources.lookup_events_days", "role_arns", "org", "role_name", "external_id")


TABLES = {key.split(".")[0] for key in BY_KEY if "." in key}


KIND_NAMES = {"text": "text", "path": "a path (text)", "paths": "a list of paths", "list": "a list of text",
              "int": "an integer", "bool": "true or false", "table": "a table of name = value"}


@dataclass
class Config:
    """The effective settings of one evidence run, and where each came from (for the manifest)."""

    values: dict[str, Any]
    origin: dict[str, str] = field(default_factory=dict)  # key -> file, env or flag
    path: Path | None = None

    def __getitem__(self, key: str) -> Any:
        return self.values.get(key)

    def given_as(self, key: str) -> str:
        """How the user gave a setting: its flag (``--source``), its variable (``IAMSQL_SOURCES``) or its key."""
        origin = self.origin.get(key)
        return BY_KEY[key].flag if origin == "flag" else BY_KEY[key].env if origin == "env" else repr(key)

    @property
    def collecting(self) -> bool:
        return not self.values.get("sources.paths")

    def public(self) -> dict[str, Any]:
        """The settings as JSON values, for the manifest (the external id is only said to be given)."""
        return {k: ("(given)" if k == "external_id" else
                    [str(x) for x in v] if isinstance(v, list) else str(v) if isinstance(v, Path) else v)
                for k, v in sorted(self.values.items())}


def load_config(path: str | Path | None, flags: Mapping[str, Any] | None = None,
                env: Mapping[str, str] | None = None) -> Config:
    """Read the TOML file (when given), then the ``IAMSQL_*`` environment variables, then command-line flags
    (``flags`` keyed by option key, ``None`` meaning not given), validate and fill defaults."""
    env = os.environ if env is None else env
    config = Config({}, path=Path(path) if path else None)
    if path is not None:
        for key, value in _read_toml(Path(path)).items():
            config.values[key] = _typed(key, value, f"config {path}", base=Path(path).resolve().parent)
            config.origin[key] = "file"
    for option in OPTIONS:
        raw = env.get(option.env)
        if raw is not None and raw.strip() != "":
            config.values[option.key] = _from_text(option, raw, f"environment variable {option.env}")
            config.origin[option.key] = "env"
    for key, value in (flags or {}).items():
        if key not in BY_KEY:
            raise ConfigError(f"unknown option {key!r}")
        if value is None or value == [] or value == ():
            continue
        option = BY_KEY[key]
        if option.kind == "table":
            value = _params_from_items(value, option.flag)
        config.values[key] = _typed(key, value, f"option {option.flag}", base=Path.cwd())
        config.origin[key] = "flag"
    _validate(config)
    return config


def _read_toml(path: Path) -> dict[str, Any]:
    """The file's keys flattened to ``table.key``; unknown keys and tables are errors naming them."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read config {path}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"config {path}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config {path}: not valid TOML: {exc}") from None
    except RecursionError:
        raise ConfigError(f"config {path}: TOML nested too deeply to read") from None
    flat: dict[str, Any] = {}
    for key, value in data.items():
        if key in TABLES:
            if not isinstance(value, dict):
                raise ConfigError(f"config {path}: [{key}] must be a table")
            for sub, subvalue in value.items():
                if f"{key}.{sub}" not in BY_KEY:
                    allowed = ", ".join(k.split(".", 1)[1] for k in BY_KEY if k.startswith(key + "."))
                    raise ConfigError(f"config {path}: unknown key '{key}.{sub}' (allowed in [{key}]: {allowed})")
                flat[f"{key}.{sub}"] = subvalue
        elif key in BY_KEY:
            flat[key] = value
        else:
            allowed = ", ".join(sorted({k.split(".")[0] for k in BY_KEY}))
            raise ConfigError(f"config {path}: unknown key {key!r} (allowed: {allowed})")
    return flat


def _typed(key: str, value: Any, where: str, base: Path) -> Any:
    """Check a value's type for its option; relative paths resolve against ``base``."""
    option = BY_KEY[key]
    if isinstance(value, Path):
        value = str(value)
    elif isinstance(value, list | tuple):
        value = [str(v) if isinstance(v, Path) else v for v in value]
    wrong = ConfigError(f"{where}: {key!r} must be {KIND_NAMES[option.kind]}, not {value!r}")
    if option.kind in ("text", "path"):
        if not isinstance(value, str) or not value.strip():
            raise wrong
        return base / value if option.kind == "path" else value.strip()
    if option.kind in ("list", "paths"):
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list | tuple) or not all(isinstance(v, str) and v.strip() for v in value):
            raise wrong
        return [base / v for v in value] if option.kind == "paths" else [v.strip() for v in value]
    if option.kind == "int":
        if isinstance(value, bool) or not isinstance(value, int) or value < option.least:
            raise ConfigError(f"{where}: {key!r} must be a whole number of {option.least} or more, not {value!r}")
        return value
    if option.kind == "bool":
        if not isinstance(value, bool):
            raise wrong
        return value
    if not isinstance(value, dict) or not all(isinstance(v, bool | int | float | str) for v in value.values()):
        raise wrong
    return dict(value)


def _from_text(option: Option, raw: str, where: str) -> Any:
    """An environment variable's text as the option's type: lists are comma-separated."""
    items = [part.strip() for part in raw.split(",") if part.strip()]
    if option.kind == "int":
        try:
            return _typed(option.key, int(raw.strip()), where, Path.cwd())
        except ValueError:
            raise ConfigError(f"{where}: {option.key!r} must be a whole number, not {raw!r}") from None
    if option.kind == "bool":
        if raw.strip().lower() not in ("1", "0", "true", "false", "yes", "no"):
            raise ConfigError(f"{where}: {option.key!r} must be true or false, not {raw!r}")
        return raw.strip().lower() in ("1", "true", "yes")
    if option.kind == "table":
        return _params_from_items(items, option.env)
    return _typed(option.key, items if option.kind in ("list", "paths") else raw, where, Path.cwd())


def _params_from_items(items: Any, where: str) -> dict[str, str]:
    if isinstance(items, dict):
        return items
    params = {}
    for item in items:
        key, sep, value = str(item).partition("=")
        if not sep or not key.strip():
            raise ConfigError(f"{where}: {item!r}: expected name=value, e.g. max_age_days=45")
        params[key.strip()] = value.strip()
    return params


def _validate(config: Config) -> None:
    v = config.values
    where = f"config {config.path}" if config.path else "settings"
    if not v.get("evidence_dir"):
        raise ConfigError(f"{where}: 'evidence_dir' is required (or --evidence-dir, IAMSQL_EVIDENCE_DIR)")
    v.setdefault("fail_on", DEFAULT_FAIL_ON)
    v.setdefault("outputs", ["xlsx", "json", "ocsf"])
    v.setdefault("wait", 0)
    if v["fail_on"] not in FAIL_ON:
        raise ConfigError(f"{where}: 'fail_on' must be one of {', '.join(FAIL_ON)}, not {v['fail_on']!r}")
    for output in v["outputs"]:
        if output not in OUTPUT_FILES:
            raise ConfigError(f"{where}: 'outputs' has {output!r}; choose from {', '.join(OUTPUT_FILES)}")
    if v.get("queries") and not v["queries"].is_dir():
        raise ConfigError(f"{where}: 'queries': {v['queries']} is not a folder")
    try:  # the frameworks below, and the whole run, read these mappings
        use_mappings(v.get("mappings"))
    except IamsqlError as exc:
        raise ConfigError(f"{where}: 'mappings': {str(exc).removeprefix('--mappings ')}") from None
    for framework in v.get("frameworks") or []:
        try:
            get_framework(framework)
        except IamsqlError as exc:
            raise ConfigError(f"{where}: 'frameworks': {exc}") from None
    account = v.get("sources.account_id")
    if account and not (account.isdigit() and len(account) == 12):
        raise ConfigError(f"{where}: 'sources.account_id' {account!r} is not a 12-digit AWS account id "
                          "(quote it in TOML so leading zeros stay)")
    if v.get("name") and not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", v["name"]):
        raise ConfigError(f"{where}: 'name' must be letters, digits, '.', '_' or '-' (it names a folder)")
    given = [k for k in COLLECT_KEYS if v.get(k)]
    if not config.collecting and given:
        raise ConfigError(f"{where}: {config.given_as('sources.paths')} loads files, "
                          f"{', '.join(map(config.given_as, given))} are for collecting from AWS: give one or the other")
    if config.collecting and v.get("sources.account_id"):
        raise ConfigError(f"{where}: 'sources.account_id' is for sources.paths; collected files name their account")
