"""Where a loaded AWS output departs from the shape AWS's API model gives it, for a parser that failed on it: the
first value that is not an object or a list where the model has one (``Users[0].Tags is text, not a list``)."""

from __future__ import annotations

from typing import Any

from iamsql.common.lazy import lazy_import

botocore_session = lazy_import("botocore.session")  # ~0.3 s to import; needed only to explain a failed parse


def kind(value: Any) -> str:
    """What a JSON value is, in words."""
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "text"
    if isinstance(value, bool):
        return "true or false"
    return "a number"


def shape_problem(what: str, document: Any) -> str | None:
    """The first value of ``document``, the output of ``what`` (``iam:list-users``), that is not an object or a
    list where the API's output shape has one; None when there is none or ``what`` is not one API call."""
    service, _, command = what.partition(":")
    session = botocore_session.get_session()
    if service not in session.get_available_services():
        return None
    model = session.get_service_model(service)
    operation = {name.lower(): name for name in model.operation_names}.get(command.replace("-", ""))
    if operation is None or model.operation_model(operation).output_shape is None:
        return None
    return _first_mismatch(model.operation_model(operation).output_shape, document, "")


def _first_mismatch(shape: Any, value: Any, where: str) -> str | None:
    if value is None:
        return None
    expected = {"structure": dict, "map": dict, "list": list}.get(shape.type_name)
    if expected is None:
        return None
    if not isinstance(value, expected):
        wanted = "a list" if expected is list else "an object"
        return f"{where or 'the document'} is {kind(value)}, not {wanted}"
    if shape.type_name == "list":
        items = ((f"{where}[{index}]", shape.member, item) for index, item in enumerate(value))
    elif shape.type_name == "map":
        items = ((f"{where}.{key}", shape.value, item) for key, item in value.items())
    else:
        items = ((f"{where}.{name}" if where else name, member, value[name])
                 for name, member in shape.members.items() if name in value)
    for place, member, item in items:
        if problem := _first_mismatch(member, item, place):
            return problem
    return None
