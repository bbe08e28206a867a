"""Policy variables (``${aws:username}``, ``${aws:PrincipalTag/team}``, ``${key, 'default'}``, ``${*}``).

A value that holds variables is parsed once into a :class:`Template`. At evaluation time each variable is
replaced by the request-context value of its key (key names are case-insensitive). A key that is absent,
or that holds several values, cannot be substituted: the default is used when the variable has one,
otherwise the whole value fails and matches nothing. ``${*}``, ``${?}`` and ``${$}`` stand for the literal
characters, never wildcards. Substituted values are literal text too. Variables are only recognised in
documents whose ``Version`` is ``2012-10-17``.

In static analysis a variable whose key is not known (with or without a default) may take any value:
:meth:`Template.assignments` lists the values for which the template matches a given text.
"""

import re
from dataclasses import dataclass
from functools import lru_cache

from iamsql.policy.matching import compile_regex, glob_chunks_to_regex

_VARIABLE = re.compile(r"\$\{([^}]*)\}")
_WITH_DEFAULT = re.compile(r"^\s*([^,\s]+)\s*,\s*'((?:[^']|'')*)'\s*$")
_LITERAL_ESCAPES = frozenset("*?$")
_PLACEHOLDER = "\x00"  # stands for a variable of unknown value while the regex text is built
MAX_ASSIGNMENTS = 64


@dataclass(frozen=True, slots=True)
class Template:
    """A value with policy variables: ``parts`` alternate literal pattern text and substitutions.

    Each part is ``("text", str)`` (pattern text, wildcards keep their meaning), ``("char", c)`` (a literal
    character from ``${*}``/``${?}``/``${$}``) or ``("var", key_lower, default_or_None, key_as_written)``.
    """

    source: str
    parts: tuple
    keys: frozenset  # lower-cased context keys of its variables (with or without a default)

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

    def defaults(self) -> dict:
        """Lower-cased key -> default text, for the variables that have a default."""
        return {part[1]: part[2] for part in self.parts if part[0] == "var" and part[2] is not None}

    def key_names(self) -> dict:
        """Lower-cased key -> the key as the policy writes it."""
        return {part[1]: part[3] for part in self.parts if part[0] == "var"}

    def assignments(self, text: str, context: dict, unknown: frozenset, chunks_to_regex) -> list[dict] | None:
        """Static analysis: every way the template matches ``text`` when the variables whose keys are in ``unknown``
        take any value (the others are substituted from ``context``), each as {key: value}; [] when no value makes
        it match, None when there are more than MAX_ASSIGNMENTS ways."""
        chunks, variables = [], []
        for part in self.parts:
            if part[0] == "var" and part[1] in unknown:
                chunks.append((_PLACEHOLDER, False))
                variables.append(part[1])
            elif part[0] == "var":
                value = context.get(part[1])
                value = value if isinstance(value, str) else part[2]
                if value is None:
                    return []
                chunks.append((value, False))
            else:
                chunks.append((part[1], part[0] == "text"))
        found = _assignments(tuple(chunks), tuple(variables), text, chunks_to_regex)
        return None if found is None else [dict(assignment) for assignment in found]

    def to_regex(self, context: dict, chunks_to_regex=glob_chunks_to_regex):
        """A compiled regex for glob comparison with variables substituted literally, or None. ``chunks_to_regex``:
        the matching rule (``matching.glob_chunks_to_regex``, ``resource_chunks_to_regex`` as the ``Resource``
        element matches, ``arn_chunks_to_regex`` as the ``Arn*`` operators compare)."""
        chunks = self.chunks(context)
        return None if chunks is None else compile_regex(chunks_to_regex(chunks))


@lru_cache(maxsize=4096)
def _assignments(chunks: tuple, variables: tuple, text: str, chunks_to_regex) -> tuple | None:
    """:meth:`Template.assignments` for the chunks of a template whose unknown variables are placeholders (cached:
    the same value is asked about the same resource for many principals)."""
    pieces = [re.compile(piece, re.DOTALL) for piece in chunks_to_regex(chunks).split(re.escape(_PLACEHOLDER))]
    found: list = []

    def search(index: int, position: int, bound: tuple) -> bool:
        """Extend ``bound`` ((key, value) pairs) from pieces[index] on; False once there are too many ways."""
        if index == len(variables):
            if pieces[index].fullmatch(text, position):
                found.append(bound)
            return len(found) <= MAX_ASSIGNMENTS
        key = variables[index]
        earlier = dict(bound).get(key)
        for end in range(position, len(text) + 1):
            if not pieces[index].fullmatch(text, position, end):
                continue
            for stop in range(end, len(text) + 1):
                value = text[end:stop]
                if earlier in (None, value) and not search(index + 1, stop, (*bound, (key, value))):
                    return False
        return True

    return tuple(found) if search(0, 0, ()) else None


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
                key = with_default.group(1)
                parts.append(("var", key.lower(), with_default.group(2).replace("''", "'"), key))
            else:
                key = body
                parts.append(("var", key.lower(), None, key))
            keys.add(key.lower())
        position = found.end()
    if position < len(text):
        parts.append(("text", text[position:]))
    return Template(text, tuple(parts), frozenset(keys))
