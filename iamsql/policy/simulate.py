"""Evaluate requests given as plain dicts (the request-file format of ``iamsql simulate``)."""

from iamsql.errors import PolicyError
from iamsql.policy.catalog import refuse_action_pattern
from iamsql.policy.document import parse_policy
from iamsql.policy.evaluation import Delegation, Request, evaluate

_LIST_FIELDS = ("identity_policies", "permission_boundaries")
_LEVEL_FIELDS = ("scps", "rcps")
_TEXT_FIELDS = ("action", "resource", "principal", "principal_account", "resource_account", "management_account_id")
# Policies only a signed-in principal has: an anonymous request (no ``principal``) carrying one is a mistake.
_PRINCIPAL_POLICY_FIELDS = ("identity_policies", "permission_boundaries", "session_policy")
KNOWN_FIELDS = frozenset(
    (*_LIST_FIELDS, *_LEVEL_FIELDS, *_TEXT_FIELDS, "context", "resource_policy", "session_policy",
     "delegated_administrators")
)


def _documents(value, field: str) -> list:
    if value is None:
        return []
    if not isinstance(value, list):
        raise PolicyError(f"{field} must be a list of policy documents")
    return [parse_policy(item) for item in value]


def _delegated_administrators(value) -> dict:
    """``delegated_administrators``: service principal -> the account ids registered for it (lower-case keys), each
    the service's whole list."""
    if value is None:
        return {}
    if not (isinstance(value, dict) and all(isinstance(accounts, list) and all(isinstance(a, str) for a in accounts)
                                            for accounts in value.values())):
        raise PolicyError("delegated_administrators must map each service principal to a list of account ids")
    return {str(service).lower(): Delegation.whole(accounts) for service, accounts in value.items()}


def request_from_dict(data: dict, *, unknown_context: bool = False) -> Request:
    """Build a :class:`Request` from one request object; PolicyError when it is malformed."""
    if not isinstance(data, dict):
        raise PolicyError("a request must be an object")
    if not KNOWN_FIELDS.issuperset(data):
        raise PolicyError(f"unknown request field(s): {', '.join(sorted(set(data) - KNOWN_FIELDS))}")
    if not data.get("action"):
        raise PolicyError("a request needs an action")
    for name in _TEXT_FIELDS:
        if data.get(name) is not None and not isinstance(data[name], str):
            raise PolicyError(f"{name} must be a string")
    refuse_action_pattern(data["action"], "a request")
    if data.get("principal") is None and (given := [name for name in _PRINCIPAL_POLICY_FIELDS if data.get(name)]):
        raise PolicyError(f"{' and '.join(given)} given without a principal: a request without one is anonymous, and an "
                          "anonymous caller has no such policies (give principal)")
    levels = {}
    for name in _LEVEL_FIELDS:
        value = data.get(name) or []
        if not isinstance(value, list) or not all(isinstance(level, list) for level in value):
            raise PolicyError(f"{name} must be a list of levels, each a list of policy documents")
        levels[name] = [_documents(level, name) for level in value]
    return Request(
        action=data["action"],
        resource=data.get("resource"),
        principal=data.get("principal"),
        principal_account=data.get("principal_account"),
        resource_account=data.get("resource_account"),
        context=data.get("context") or {},
        identity_policies=_documents(data.get("identity_policies"), "identity_policies"),
        resource_policy=parse_policy(data.get("resource_policy")),
        permission_boundaries=_documents(data.get("permission_boundaries"), "permission_boundaries"),
        scps=levels["scps"],
        rcps=levels["rcps"],
        session_policy=_documents(session, "session_policy") if isinstance(session := data.get("session_policy"), list)
        else parse_policy(session),
        management_account_id=data.get("management_account_id"),
        delegated_administrators=_delegated_administrators(data.get("delegated_administrators")),
        unknown_context=unknown_context,
    )


def evaluation_to_dict(evaluation) -> dict:
    """The result object of one request."""
    result = {
        "decision": evaluation.decision,
        "reason": evaluation.reason,
        "matched": [m.as_dict() for m in evaluation.matched],
        "missing": list(evaluation.missing),
    }
    if evaluation.conditions:
        result["conditions"] = evaluation.conditions
    if evaluation.deny_conditions:
        result["deny_conditions"] = evaluation.deny_conditions
    return result


def simulate(requests: list, *, unknown_context: bool = False) -> list[dict]:
    """Evaluate each request object; a malformed one gives ``{"decision": "Error", "reason": ...}``."""
    results = []
    for data in requests:
        try:
            results.append(evaluation_to_dict(evaluate(request_from_dict(data, unknown_context=unknown_context))))
        except PolicyError as error:
            results.append({"decision": "Error", "reason": str(error)})
    return results
