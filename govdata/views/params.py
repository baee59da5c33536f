"""A page's URL vocabulary: declared parameters and the one parser that turns a query into validated values.

Every page declares its parameters here (name, kind, options, default, bounds). The same declarations serve the
Streamlit widgets (ui.state), the briefing command line (govdata.briefing) and the tests, so what a link may say
is defined once. Parsing is pure: `parse(params, query, runner)` returns the values and a note for every value it
ignored; it never raises on bad input (the CLI turns notes into an error, the page shows them).

Kinds: choice (one of the options), multi (several, a repeated parameter `name=a&name=b`; a single empty value
means "none chosen"), number (int or float within bounds), flag ('1'/'0', also true/false, yes/no, on/off) and
text (a codec decides; used for the scenario tokens).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlencode

KINDS = ("choice", "multi", "number", "flag", "text")
TRUE_WORDS = ("1", "true", "yes", "on")
FALSE_WORDS = ("0", "false", "no", "off")
MAX_QUERY_CHARS = 8_000  # a longer query is refused whole (Streamlit's own limit is similar)
MAX_VALUES = 200  # repeated values of one parameter beyond this are refused


class Missing:
    """Marker: the URL does not give this parameter."""

    def __repr__(self) -> str:
        return "MISSING"


MISSING = Missing()

Options = Mapping[str, str] | Callable[[Any, Mapping[str, Any]], Mapping[str, str]]


@dataclass(frozen=True)
class Ignored:
    """A URL value that was not used, and why (shown to users as text, never as Markdown)."""

    name: str
    value: str
    reason: str

    def message(self) -> str:
        return f"URL parameter {self.name} = “{self.value}”: {self.reason}."


@dataclass(frozen=True)
class Param:
    """One URL parameter of a page.

    `options` (choice/multi) maps each allowed value to its label, or is a function (runner, values so far) ->
    that mapping, so vocabularies can come from the warehouse and depend on earlier parameters. `default` is a
    value or a function (runner, values so far, options) -> value. Numbers are whole when minimum, maximum and
    step are all ints. `resets_with`: when one of these parameters is changed by the user, this one returns to
    its default (e.g. a sector's own coverage figures). Text parameters are checked by `decode` (raises
    ValueError with the reason) and written back by `encode`; an empty text is left out of the URL.
    """

    name: str
    kind: str
    label: str
    options: Options | None = None
    default: Any = None
    minimum: int | float | None = None
    maximum: int | float | None = None
    step: int | float = 1
    help: str | None = None
    resets_with: tuple[str, ...] = ()
    decode: Callable[[str], Any] | None = None
    encode: Callable[[Any], str] | None = None
    describe: Callable[[Any], str] | None = None  # the value as words for a note; default: option labels
    widget: str | None = None  # presentation hint for ui.state: 'radio', 'slider'

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"parameter {self.name!r}: unknown kind {self.kind!r}")
        if self.kind == "number" and (self.minimum is None or self.maximum is None):
            raise ValueError(f"number parameter {self.name!r} needs bounds")
        if self.kind == "text" and self.decode is None:
            raise ValueError(f"text parameter {self.name!r} needs a decoder")

    # ------------------------------------------------------------------ vocabulary and defaults
    @property
    def integral(self) -> bool:
        return all(isinstance(v, int) and not isinstance(v, bool) for v in (self.minimum, self.maximum, self.step))

    def choices(self, runner, values: Mapping[str, Any]) -> dict[str, str]:
        """The allowed values and their labels (choice / multi), given the values of earlier parameters."""
        if self.kind not in ("choice", "multi"):
            return {}
        found = self.options(runner, values) if callable(self.options) else self.options
        return dict(found or {})

    def default_value(self, runner, values: Mapping[str, Any], choices: Mapping[str, str]) -> Any:
        value = self.default(runner, values, choices) if callable(self.default) else self.default
        if self.kind == "choice":
            return value if value in choices else next(iter(choices), None)
        if self.kind == "multi":
            return [v for v in (value or []) if v in choices]
        if self.kind == "flag":
            return bool(value)
        if self.kind == "text":
            return value if value is not None else ""
        return value

    def valid(self, value: Any, choices: Mapping[str, str]) -> bool:
        """Whether `value` (already typed) is allowed: used to re-check widget state when options change."""
        if self.kind == "choice":
            return value in choices
        if self.kind == "multi":
            return isinstance(value, list) and all(v in choices for v in value)
        if self.kind == "number":
            return (
                isinstance(value, (int, float))
                and not isinstance(value, bool)
                and value == value
                and self.minimum <= value <= self.maximum
                and (not self.integral or float(value).is_integer())
            )
        if self.kind == "flag":
            return isinstance(value, bool)
        return True

    # ------------------------------------------------------------------ URL text <-> value
    def read(self, raw: list[str], choices: Mapping[str, str]) -> tuple[Any, list[Ignored]]:
        """The value the URL's strings give (MISSING if none is usable) and a note for each string ignored."""
        if self.kind == "multi":
            wanted = [v for v in raw if v != ""]
            ignored = [Ignored(self.name, v, "not one of the available options") for v in wanted if v not in choices]
            return [v for v in dict.fromkeys(wanted) if v in choices], ignored
        ignored = [Ignored(self.name, v, "given more than once: only the last value is used") for v in raw[:-1]]
        text = raw[-1]
        if self.kind == "choice":
            if text in choices:
                return text, ignored
            return MISSING, ignored + [Ignored(self.name, text, "not one of the available options")]
        if self.kind == "flag":
            lowered = text.strip().lower()
            if lowered in TRUE_WORDS or lowered in FALSE_WORDS:
                return lowered in TRUE_WORDS, ignored
            return MISSING, ignored + [Ignored(self.name, text, "expected 1 or 0")]
        if self.kind == "number":
            try:
                number = int(text) if self.integral else float(text)
            except (TypeError, ValueError):
                reason = "not a whole number" if self.integral else "not a number"
                return MISSING, ignored + [Ignored(self.name, text, reason)]
            if not self.valid(number, {}):
                return MISSING, ignored + [
                    Ignored(self.name, text, f"outside the range {self.minimum} to {self.maximum}")
                ]
            return number, ignored
        if text == "":
            return MISSING, ignored
        try:
            return self.decode(text), ignored
        except ValueError as exc:
            return MISSING, ignored + [Ignored(self.name, text, str(exc).rstrip(".") or "not a valid value")]

    def to_url(self, value: Any) -> list[str]:
        """The URL strings for `value` (an empty list leaves the parameter out)."""
        if self.kind == "multi":
            return list(value) if value else [""]
        if self.kind == "flag":
            return ["1" if value else "0"]
        if self.kind == "text":
            text = self.encode(value) if self.encode else ("" if value is None else str(value))
            return [text] if text else []
        if value is None:
            return []
        return [str(value)]

    def words(self, value: Any, choices: Mapping[str, str]) -> str:
        """The value as a reader would say it (for notes and browser titles)."""
        if self.describe is not None:
            return self.describe(value)
        if self.kind == "multi":
            return ", ".join(choices.get(v, v) for v in value) if value else "none chosen"
        if self.kind == "choice":
            return choices.get(value, str(value))
        if self.kind == "flag":
            return "yes" if value else "no"
        return "" if value is None else str(value)


@dataclass
class Parsed:
    """The outcome of parsing a query: validated values (every declared parameter), notes, unknown names."""

    values: dict[str, Any]
    ignored: list[Ignored]
    unknown: list[str]
    choices: dict[str, dict[str, str]]

    @property
    def clean(self) -> bool:
        return not self.ignored and not self.unknown


def split_query(query: str | Mapping[str, Any]) -> dict[str, list[str]]:
    """A query string ('a=1&b=2&b=3', leading '?' allowed) or mapping -> {name: [values]} (blank values kept)."""
    if isinstance(query, str):
        text = query.removeprefix("?")
        if len(text) > MAX_QUERY_CHARS:
            raise ValueError(f"the query is {len(text):,} characters long; at most {MAX_QUERY_CHARS:,} are read")
        return {k: v for k, v in parse_qs(text, keep_blank_values=True).items()}
    out: dict[str, list[str]] = {}
    for name, value in query.items():
        out[str(name)] = [str(v) for v in value] if isinstance(value, (list, tuple)) else [str(value)]
    return out


def parse(params: Sequence[Param], query: str | Mapping[str, Any], runner) -> Parsed:
    """Validate `query` against `params` in declaration order (later options may depend on earlier values).

    Missing or invalid values take the default; each invalid value yields an Ignored note. Parameters the page
    does not declare are listed in `unknown` and otherwise left alone.
    """
    raw = split_query(query)
    values: dict[str, Any] = {}
    ignored: list[Ignored] = []
    choices: dict[str, dict[str, str]] = {}
    for param in params:
        options = param.choices(runner, values)
        choices[param.name] = options
        value: Any = MISSING
        given = raw.get(param.name)
        if given:
            if len(given) > MAX_VALUES:
                ignored.append(
                    Ignored(param.name, given[0], f"given {len(given):,} times; at most {MAX_VALUES} values are read")
                )
            else:
                value, notes = param.read(given, options)
                ignored += notes
        values[param.name] = param.default_value(runner, values, options) if value is MISSING else value
    declared = {p.name for p in params}
    return Parsed(values, ignored, [name for name in raw if name not in declared], choices)


def to_query(params: Sequence[Param], values: Mapping[str, Any]) -> dict[str, list[str]]:
    """The URL parameters that reproduce `values` ({name: [strings]}; parameters with no strings left out)."""
    out = {}
    for param in params:
        if param.name in values:
            strings = param.to_url(values[param.name])
            if strings:
                out[param.name] = strings
    return out


def query_string(params: Sequence[Param], values: Mapping[str, Any]) -> str:
    """`to_query` as text, e.g. 'period=year&sector=Health&sector=Justice'."""
    return urlencode(to_query(params, values), doseq=True)


def bounded(name: str, label: str, default: Any, bounds: tuple[int | float, int | float], **extra) -> Param:
    """A number parameter from bounds[0] to bounds[1]."""
    return Param(name, "number", label, default=default, minimum=bounds[0], maximum=bounds[1], **extra)
