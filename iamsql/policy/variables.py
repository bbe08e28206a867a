"""Policy variables (``${aws:username}``, ``${aws:PrincipalTag/team}``, ``${key, 'default'}``, ``${*}``).

A value that holds variables is parsed once into a :class:`Template`. At evaluation time each variable is
replaced by the request-context value of its key (key names are case-insensitive). A key that is absent,
or that holds several values, cannot be substituted: the default is used when the variable has one,
otherwise the whole value fails and matches nothing. ``${*}``, ``${?}`` and ``${$}`` stand for the literal
characters, never wildcards. Substituted values are literal text too. Variables are only recognised in
documents whose ``Version`` is ``2012-10-17``.
"""

import re
from dataclasses import dataclass

from iamsql.policy.matching import compile_regex, glob_chunks_to_regex

_VARIABLE = re.compile(r"\$\{([^}]*)\}")
_WITH_DEFAULT = re.compile(r"^\s*([^,\s]+)\s*,\s*'((?:[^']|'')*)'\s*$")
_LITERAL_ESCAPES = frozenset("*?$")


@dataclass(frozen=True, slots=True)
class Template:
    """A value with policy variables: ``parts`` alternate literal pattern text and substitutions.

    Each part is ``("text", str)`` (pattern text, wildcards keep their meaning), ``("char", c)`` (a literal
    character from ``${*}``/``${?}``/``${$}``) or ``("var", key_lower, default_or_None)``.
    """

    source: str
    parts: tuple
    keys: frozenset  # lower-cased context keys that have no default

    def chunks(self, context: dict) -> list | None:
        """``[(text, is_pattern), ...]`` with variables substituted, or None when one cannot be."""
        out = []
        for part in self.parts:
            kind = part[0]
            if kind == "text":
                out.append((part[1], True))
            elif kind == "char":
                out.append((part[1], False))
            else:
                value = context.get(part[1])
                if isinstance(value, str):
                    out.append((value, False))
                elif part[2] is not None:
                    out.append((part[2], False))
                else:
                    return None
        return out

    def to_string(self, context: dict) -> str | None:
        """The value with variables substituted (for exact comparisons), or None."""
        chunks = self.chunks(context)
        return None if chunks is None else "".join(text for text, _ in chunks)

    def to_regex(self, context: dict, chunks_to_regex=glob_chunks_to_regex):
        """A compiled regex for glob comparison with variables substituted literally, or None. ``chunks_to_regex``:
        the matching rule (``matching.glob_chunks_to_regex``, ``resource_chunks_to_regex`` as the ``Resource``
        element matches, ``arn_chunks_to_regex`` as the ``Arn*`` operators compare)."""
        chunks = self.chunks(context)
        return None if chunks is None else compile_regex(chunks_to_regex(chunks))


def parse_template(text: str) -> Template | None:
    """The :class:`Template` for ``text``, or None when it holds no policy variable."""
    if "${" not in text:
        return None
    parts = []
    keys = set()
    position = 0
    for found in _VARIABLE.finditer(text):
        if found.start() > position:
            parts.append(("text", text[position : found.start()]))
        body = found.group(1).strip()
        if body in _LITERAL_ESCAPES:
            parts.append(("char", body))
        else:
            with_default = _WITH_DEFAULT.match(body)
            if with_default:
                parts.append(("var", with_default.group(1).lower(), with_default.group(2).replace("''", "'")))
            else:
                parts.append(("var", body.lower(), None))
                keys.add(body.lower())
        position = found.end()
    if position < len(text):
        parts.append(("text", text[position:]))
    return Template(text, tuple(parts), frozenset(keys))
