"""Sigma rules as controls: ``iamsql check --sigma DIR``.

Each Sigma rule for the ``aws``/``cloudtrail`` log source (a ``.yml``/``.yaml`` file under the folder) is parsed
with pySigma and its detection converted to a SQL condition over ``aws_cloudtrail_trail_event`` (Steampipe SQL,
translated to DuckDB by the same layer as the other controls). The rule becomes a ``Control`` with the id
``sigma_<rule id or file stem>``, the rule's title and description, its level as severity, and SQL that gives one
``alarm`` row per matching event in the look-back window, else one ``ok`` row per account naming the window
examined (``skip`` when the account has no event in it). docs/detections.md, "Sigma rules", documents the field
mapping and what is supported.

The conversion walks pySigma's parsed condition tree itself (no pySigma backend): the tree's leaves are
field/value pairs whose values the modifiers have already shaped (wildcards, regular expressions, CIDR ranges,
``null``, expansions). What cannot be converted raises ``SigmaRuleError`` naming the rule and the feature.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from sigma.collection import SigmaCollection
from sigma.conditions import (
    ConditionAND,
    ConditionFieldEqualsValueExpression,
    ConditionNOT,
    ConditionOR,
    ConditionValueExpression,
)
from sigma.correlations import SigmaCorrelationRule
from sigma.exceptions import SigmaError
from sigma.filters import SigmaFilter
from sigma.modifiers import reverse_modifier_mapping
from sigma.policy import SigmaPolicy
from sigma.policy.regex_engine import RegexEngine
from sigma.rule import SigmaRule as PySigmaRule
from sigma.types import (
    Placeholder,
    SigmaBool,
    SigmaCasedString,
    SigmaCIDRExpression,
    SigmaCompareExpression,
    SigmaExists,
    SigmaExpansion,
    SigmaFieldReference,
    SigmaNull,
    SigmaNumber,
    SigmaRegularExpression,
    SigmaString,
    SpecialChars,
)

from iamsql.controls.catalog import Control
from iamsql.errors import ControlError, SigmaRuleError

SEVERITY = {"informational": "info", "low": "low", "medium": "medium", "high": "high", "critical": "critical"}
DEFAULT_SEVERITY = "medium"  # a rule without a level
LOOKBACK_DAYS = 90


def _quiet_re2_options():
    """RE2 options that do not log a rejected pattern on stderr (the rule's one error line says it)."""
    import re2  # the RE2 engine DuckDB uses, installed with pySigma

    options = re2.Options()
    options.log_errors = False
    return options


class QuietRE2Engine(RegexEngine):
    """pySigma's regex engine as its default (RE2), but quiet: RE2 otherwise prints its own two lines on stderr
    (an absl logging notice and the parse error) before iamsql's one-line error for the rule."""

    INLINE_FLAGS = ((re.IGNORECASE, "i"), (re.MULTILINE, "m"), (re.DOTALL, "s"))  # as RE2 syntax writes them

    def compile(self, pattern: str, flags: int = 0):
        import re2

        inline = "".join(letter for flag, letter in self.INLINE_FLAGS if flags & flag)
        return re2.compile(f"(?{inline}){pattern}" if inline else pattern, _quiet_re2_options())

    @property
    def error(self) -> type[Exception]:
        import re2

        return re2.error
RULE_SUFFIXES = (".yml", ".yaml")

# CloudTrail record fields kept in a column of their own: name -> SQL text expression over the event (alias t).
COLUMNS = {
    "eventName": "t.event_name",
    "eventSource": "t.event_source",
    "eventType": "t.event_type",
    "eventID": "t.event_id",
    "eventVersion": "t.event_version",
    "eventCategory": "t.event_category",
    "eventTime": "to_char(t.event_time, 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')",
    "awsRegion": "t.aws_region",
    "sourceIPAddress": "t.source_ip_address",
    "userAgent": "t.user_agent",
    "errorCode": "t.error_code",
    "errorMessage": "t.error_message",
    "readOnly": "cast(t.read_only as text)",
    "recipientAccountId": "t.recipient_account_id",
    "requestID": "t.request_id",
    "sharedEventID": "t.shared_event_id",
    "vpcEndpointId": "t.vpc_endpoint_id",
}
# CloudTrail record objects kept as JSON columns: a dotted name below them is a JSON path in the column.
JSON_COLUMNS = {
    "requestParameters": "t.request_parameters",
    "responseElements": "t.response_elements",
    "additionalEventData": "t.additional_event_data",
    "tlsDetails": "t.tls_details",
    "resources": "t.resources",
}
# Other CloudTrail record fields: read from the whole record (``cloudtrail_event``).
# userIdentity is among them: the user_identity column is Steampipe's Go struct, whose absent members are "".
RECORD_FIELDS = ("userIdentity", "apiVersion", "managementEvent", "serviceEventDetails", "sessionCredentialFromConsole",
                 "edgeDeviceDetails", "insightDetails", "addendum", "eventRegion")
KEYWORD_TEXT = "cast(t.cloudtrail_event as text)"  # what a keyword (a value without a field) is searched in
UNSUPPORTED_MODIFIERS = {"wide", "utf16", "utf16le", "utf16be", "expand", "minute", "hour", "day", "week", "month",
                         "year"}


@dataclass(frozen=True)
class SigmaRule:
    """A converted rule: the control, and what the rule said about itself."""

    control: Control
    rule_id: str | None
    level: str | None
    tags: tuple[str, ...]
    condition: str  # the SQL condition over aws_cloudtrail_trail_event (alias t)


class _Unsupported(Exception):
    pass


# --------------------------------------------------------------------------------------------- loading


def rule_files(directories: list[Path]) -> list[Path]:
    """The ``.yml``/``.yaml`` files under each folder (or the files given), sorted; a missing path is an error."""
    files: list[Path] = []
    for directory in directories:
        directory = Path(directory)
        if directory.is_file():
            files.append(directory)
        elif directory.is_dir():
            files.extend(sorted(p for p in directory.rglob("*") if p.suffix.lower() in RULE_SUFFIXES and p.is_file()))
        else:
            raise ControlError(f"--sigma {directory}: no such file or folder")
    return files


def load_sigma(directories: list[Path], *, skip_unsupported: bool = False,
               warn=None, note=None) -> list[Control]:
    """Every Sigma rule under ``directories`` as a control. A rule that cannot be converted is an error: all such
    rules are named, one line each, in one ``SigmaRuleError``; with ``skip_unsupported`` each line goes to
    ``warn`` (a callable taking the line) and the other rules are kept. Rules of other log sources than
    aws/cloudtrail found in a folder (a whole SigmaHQ checkout) are left out, counted in one line to ``note``;
    a file given by name must hold rules for CloudTrail."""
    files = rule_files(directories)
    if not files:
        raise ControlError(f"--sigma {', '.join(map(str, directories))}: no .yml or .yaml rule file found")
    named = {Path(d) for d in directories if Path(d).is_file()}
    rules: list[SigmaRule] = []
    problems: list[str] = []
    elsewhere: list[str] = []
    for path in files:
        converted, errors = convert_file(path, other_sources=None if path in named else elsewhere)
        rules.extend(converted)
        problems.extend(errors)
    if elsewhere and not rules and not problems:
        raise ControlError(f"--sigma {', '.join(map(str, directories))}: no rule for the aws/cloudtrail log source "
                           f"among its {len(elsewhere)} rule(s) (e.g. {elsewhere[0]})")
    if elsewhere and note is not None:
        note(f"{len(elsewhere)} Sigma rule(s) of other log sources than aws/cloudtrail left out (e.g. {elsewhere[0]})")
    seen: dict[str, Path] = {}
    for rule in list(rules):
        other = seen.get(rule.control.id)
        if other is not None:
            problems.append(f"{rule.control.path}: rule {rule.control.title!r}: control id {rule.control.id} "
                            f"is already used by {other}")
            rules.remove(rule)
        else:
            seen[rule.control.id] = rule.control.path
    if problems and not skip_unsupported:
        # one line per rule, each starting as the CLI starts the first one ("error: ")
        raise SigmaRuleError("\nerror: ".join(problems))
    for line in problems:
        if warn is not None:
            warn(line)
    return [r.control for r in rules]


def convert_file(path: Path, other_sources: list[str] | None = None) -> tuple[list[SigmaRule], list[str]]:
    """The rules of one file (a file may hold several YAML documents) and one error line per rule that fails; with
    ``other_sources``, a rule of another log source than aws/cloudtrail is added there instead of failing."""

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return [], [f"{path}: cannot read: {getattr(exc, 'strerror', None) or exc}"]
    try:
        collection = SigmaCollection.from_yaml(text, collect_errors=True, collect_filters=True,
                                               policy=SigmaPolicy(regex_engine=QuietRE2Engine()))
    except Exception as exc:  # noqa: BLE001 - YAML and pySigma errors alike become the rule's one line
        return [], [f"{path}: not a Sigma rule file: {_one_line(exc)}"]
    converted, errors = [], []
    documents = list(collection.rules) + list(getattr(collection, "filters", []) or [])
    several = len(documents) > 1
    for index, rule in enumerate(documents, 1):
        title = getattr(rule, "title", "") or "untitled"
        where = f"{path}" + (f" (document {index})" if several else "") + f": rule {title!r}"
        if isinstance(rule, SigmaCorrelationRule):
            errors.append(f"{where}: unsupported: correlation rules ({rule.type.name.lower()}: counts over "
                          "several events) are not supported")
            continue
        if isinstance(rule, SigmaFilter):
            errors.append(f"{where}: unsupported: Sigma filters (global exclusions) are not supported; "
                          "write the exclusion into the rule's condition")
            continue
        if not isinstance(rule, PySigmaRule):
            errors.append(f"{where}: unsupported: {type(rule).__name__} documents are not rules")
            continue
        if rule.errors:
            errors.append(f"{where}: {_feature(rule.errors[0])}")
            continue
        if other_sources is not None and not _for_cloudtrail(rule):
            other_sources.append(where)
            continue
        try:
            converted.append(convert_rule(rule, path, stem=path.stem if not several else f"{path.stem}_{index}"))
        except _Unsupported as exc:
            errors.append(f"{where}: unsupported: {exc}")
        except SigmaError as exc:
            errors.append(f"{where}: {_feature(exc)}")
    return converted, errors


def _feature(exc: Exception) -> str:
    """pySigma's error as the feature at fault: aggregations in the condition and unknown modifiers are named."""
    text = _one_line(exc)
    if "pipe syntax" in text.lower():
        return "unsupported: aggregations in the condition ('| count() ...', 'near') are not supported"
    if "modifier" in text.lower():
        return f"unsupported: {text[:1].lower()}{text[1:]}"
    return f"invalid rule: {text}"


def _one_line(exc: Exception) -> str:
    text = " ".join(str(exc).split())
    return re.sub(r"\s*\(rule.*?\)$", "", text) or type(exc).__name__


# --------------------------------------------------------------------------------------------- one rule


def _for_cloudtrail(rule) -> bool:
    return ((rule.logsource.product or "").lower(), (rule.logsource.service or "").lower()) == ("aws", "cloudtrail")


def convert_rule(rule, path: Path, stem: str | None = None) -> SigmaRule:
    """A parsed pySigma rule as a control (raises ``_Unsupported`` naming the feature)."""
    logsource = rule.logsource
    if not _for_cloudtrail(rule):
        raise _Unsupported(f"log source product={logsource.product or '-'} service={logsource.service or '-'}"
                           f"{' category=' + logsource.category if logsource.category else ''} "
                           "(only product: aws, service: cloudtrail)")
    for name, detection in rule.detection.detections.items():
        for item in _items(detection):
            for modifier in item.modifiers:
                identifier = _modifier_name(modifier)
                if identifier in UNSUPPORTED_MODIFIERS:
                    raise _Unsupported(f"modifier '{identifier}' (in {name}"
                                       f"{', field ' + item.field if item.field else ''})")
    parts = []
    for condition in rule.detection.parsed_condition:
        parts.append(_sql(condition.parse()))
    condition = parts[0] if len(parts) == 1 else " or ".join(f"({p})" for p in parts)
    level = rule.level.name.lower() if rule.level is not None else None
    tags = tuple(f"{t.namespace}.{t.name}" for t in rule.tags)
    rule_id = str(rule.id) if rule.id else None
    control_id = "sigma_" + _slug(rule_id or stem or path.stem)
    title = " ".join((rule.title or path.stem).split())
    description = " ".join((rule.description or title).split())
    control = Control(
        id=control_id,
        title=title,
        description=description,
        severity=SEVERITY.get(level or "", DEFAULT_SEVERITY),
        resource_type="AWS::CloudTrail::Event",
        rationale=("Sigma rule " + (rule_id or path.name) + (f" by {rule.author}" if rule.author else "")
                   + (f"; false positives: {'; '.join(map(str, rule.falsepositives))}" if rule.falsepositives else "")),
        remediation="Confirm with the caller's owner that the matching call was planned; if not, treat it as an incident.",
        tables=("cloudtrail_event_window", "aws_cloudtrail_trail_event"),
        requires=("aws_cloudtrail_trail_event",),
        parameters={"lookback_days": LOOKBACK_DAYS},
        sql=control_sql(condition, title=title, level=level, tags=tags, rule_id=rule_id or path.name),
        path=path,
    )
    return SigmaRule(control=control, rule_id=rule_id, level=level, tags=tags, condition=condition)


def _items(detection):
    for item in detection.detection_items:
        if hasattr(item, "detection_items"):
            yield from _items(item)
        else:
            yield item


def _modifier_name(modifier) -> str:
    return reverse_modifier_mapping.get(modifier.__name__, modifier.__name__)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_") or "rule"


# --------------------------------------------------------------------------------------------- condition -> SQL


def field_sql(name: str) -> str:
    """The SQL text expression of a CloudTrail field name (``eventName``, ``userIdentity.sessionContext.
    sessionIssuer.arn``...); an unknown field is ``_Unsupported``."""
    head, _, rest = name.partition(".")
    if head in COLUMNS and not rest:
        return COLUMNS[head]
    if head in JSON_COLUMNS:
        column = JSON_COLUMNS[head]
        if not rest:
            return f"cast({column} as text)"
        return _json_path(column, rest.split("."))
    if head in RECORD_FIELDS:
        return _json_path("t.cloudtrail_event", name.split("."))
    raise _Unsupported(f"field '{name}' is not a CloudTrail field iamsql maps (docs/detections.md, field mapping)")


def _json_path(column: str, keys: list[str]) -> str:
    if any(not k for k in keys):
        raise _Unsupported("field names with empty parts")
    path = "".join(f" -> {_literal(k)}" for k in keys[:-1])
    return f"{column}{path} ->> {_literal(keys[-1])}"


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _sql(node) -> str:
    if node is None:
        raise _Unsupported("a condition with no detection left")
    if isinstance(node, ConditionAND):
        return "(" + " and ".join(_sql(a) for a in node.args) + ")"
    if isinstance(node, ConditionOR):
        return "(" + " or ".join(_sql(a) for a in node.args) + ")"
    if isinstance(node, ConditionNOT):
        # a comparison with an absent field is NULL; "not" of it must match (Sigma: the field does not equal)
        return f"not coalesce({_sql(node.args[0])}, false)"
    if isinstance(node, ConditionFieldEqualsValueExpression):
        return _match(field_sql(node.field), node.value, node.field)
    if isinstance(node, ConditionValueExpression):
        return _keyword(node.value)
    raise _Unsupported(f"condition element {type(node).__name__}")


def _match(field: str, value, name: str) -> str:
    if isinstance(value, SigmaString):
        return _string(field, value, cased=isinstance(value, SigmaCasedString))
    if isinstance(value, SigmaNull):
        return f"{field} is null"
    if isinstance(value, SigmaExists):
        return f"{field} is {'not ' if value.exists else ''}null"
    if isinstance(value, SigmaBool):
        return f"lower({field}) = {_literal(str(value.boolean).lower())}"
    if isinstance(value, SigmaCompareExpression):
        op = {"LT": "<", "LTE": "<=", "GT": ">", "GTE": ">=", "NEQ": "<>"}[value.op.name]
        return f"cast({field} as double precision) {op} {value.number.number}"
    if isinstance(value, SigmaNumber):
        return f"{field} = {_literal(str(value.number))}"
    if isinstance(value, SigmaRegularExpression):
        return f"{field} ~ {_literal(_regex(value))}"
    if isinstance(value, SigmaCIDRExpression):
        patterns = [SigmaString(p) for p in value.expand()]
        return "(" + " or ".join(_string(field, p, cased=False) for p in patterns) + ")"
    if isinstance(value, SigmaExpansion):
        return "(" + " or ".join(_match(field, v, name) for v in value.values) + ")"
    if isinstance(value, SigmaFieldReference):
        if value.starts_with or value.ends_with:
            raise _Unsupported(f"modifier 'fieldref' combined with startswith/endswith/contains (field {name})")
        return f"lower({field}) = lower({field_sql(value.field)})"
    raise _Unsupported(f"value type {type(value).__name__} (field {name})")


def _string(field: str, value, *, cased: bool) -> str:
    if any(isinstance(p, Placeholder) for p in value.s):
        raise _Unsupported("placeholders (%name%, the expand modifier)")
    if not value.contains_special():
        text = "".join(value.s)
        return f"{field} = {_literal(text)}" if cased else f"lower({field}) = {_literal(text.lower())}"
    pattern = value.convert(escape_char="\\", wildcard_multi="%", wildcard_single="_", add_escaped="\\")
    return f"{field} {'like' if cased else 'ilike'} {_literal(pattern)} escape '\\'"


def _regex(value) -> str:
    flags = "".join(sorted(value.sigma_to_re_flag[f] for f in value.flags))
    pattern = ("(?" + flags + ")" if flags else "") + str(value.regexp)
    try:
        import re2  # the RE2 engine DuckDB uses, installed with pySigma
    except ImportError:  # pragma: no cover
        return pattern
    try:
        re2.compile(pattern, _quiet_re2_options())
    except re2.error as exc:
        raise _Unsupported(f"regular expression {pattern!r} that RE2 (DuckDB's engine) rejects: {exc}") from None
    return pattern


def _keyword(value) -> str:
    if isinstance(value, SigmaString):
        if not value.startswith(SpecialChars.WILDCARD_MULTI):
            value = SpecialChars.WILDCARD_MULTI + value
        if not value.endswith(SpecialChars.WILDCARD_MULTI):
            value = value + SpecialChars.WILDCARD_MULTI
        return _string(KEYWORD_TEXT, value, cased=False)
    if isinstance(value, SigmaNumber):
        return _string(KEYWORD_TEXT, SigmaString(f"*{value.number}*"), cased=False)
    if isinstance(value, SigmaRegularExpression):
        return f"{KEYWORD_TEXT} ~ {_literal(_regex(value))}"
    if isinstance(value, SigmaExpansion):
        return "(" + " or ".join(_keyword(v) for v in value.values) + ")"
    raise _Unsupported(f"keyword of type {type(value).__name__}")


# --------------------------------------------------------------------------------------------- the control's SQL


def control_sql(condition: str, *, title: str, level: str | None, tags: tuple[str, ...], rule_id: str) -> str:
    """Steampipe SQL: one alarm per event of the look-back window that matches ``condition``, else one ok row per
    account naming the window examined, or skip when the account has no event in it."""
    attack = ", ".join(t for t in tags if t.startswith("attack.")) or None
    extra = ", ".join(x for x in (f"level {level}" if level else None, attack) if x)
    said = f"the Sigma rule '{title}'" + (f" ({extra})" if extra else "")
    return f"""
with hit as (
  select t.event_id, t.account_id, t.event_time, t.event_name, t.event_source, t.error_code,
    coalesce(t.aws_region, t.region, 'global') as event_region,
    -- the identity's ARN, else its session issuer's, else the service that called: the columns the loader writes
    -- from userIdentity, so no event's user_identity is parsed (an issuer ARN that is an object: Postgres's text)
    coalesce(nullif(t.user_identifier, ''),
      case when left(t.session_issuer_arn, 1) in ('{{', '[')
        then t.user_identity -> 'sessionContext' -> 'sessionIssuer' ->> 'arn' else t.session_issuer_arn end,
      t.identity_invoked_by, nullif(t.user_type, ''), 'an unknown caller') as caller,
    coalesce(t.source_ip_address, 'an unknown address') as ip,
    coalesce(nullif(split_part(ltrim(t.user_agent, '['), ' ', 1), ''), 'no user agent') as agent
  from aws_cloudtrail_trail_event as t
  where t.event_time > now() - :lookback_days * interval '1 day' and t.event_time <= now()
    and ({condition})
)
select
  h.caller || '#' || h.event_id as resource,
  'alarm' as status,
  h.caller || case when h.error_code is null then ' called ' else ' tried ' end || h.event_name
    || ' (' || coalesce(h.event_source, 'unknown service') || ') at ' || to_char(h.event_time, 'YYYY-MM-DD HH24:MI:SS')
    || ' UTC from ' || h.ip || ' (' || h.agent || ')'
    || case when h.error_code is null then '' else ', failing with ' || h.error_code end
    || '; it matches {_literal(said)[1:-1]}.' as reason,
  h.account_id,
  h.event_region as region,
  {_literal(rule_id)} as sigma_rule,
  {_literal(attack) if attack else "cast(null as text)"} as attack,
  h.caller as principal,
  h.event_id,
  h.event_name,
  to_char(h.event_time, 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as event_time
from hit as h
union all
select
  w.resource,
  w.status,
  case when w.status = 'ok' then w.summary || ' matches {_literal(said)[1:-1]}.'
    else w.summary || ' falls in the ' || :lookback_days || case when :lookback_days = 1 then ' day' else ' days' end
      || ' before the data was taken, so {_literal(said)[1:-1]} cannot be judged.' end,
  w.account_id,
  'global',
  {_literal(rule_id)},
  {_literal(attack) if attack else "cast(null as text)"},
  cast(null as text),
  cast(null as text),
  cast(null as text),
  cast(null as text)
from cloudtrail_event_window as w
where coalesce(w.earlier_time <= now() - :lookback_days * interval '1 day', true)
  and coalesce(w.first_time > now() - :lookback_days * interval '1 day', true)
  and not exists (select 1 from hit as h where h.account_id = w.account_id)
""".strip()
