"""The interactions timed on each page, found from the page's own widgets (no widget keys hard-coded).

An interaction flips one widget between two values (its current one and another), so repeating it is a real
"user changed X" rerun every time, and after the first two both values are in the cache ("warm").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

CHOICE_TYPES = ("selectbox", "radio", "multiselect", "select_slider", "button_group", "checkbox", "toggle")
NUMBER_TYPES = ("slider", "number_input")
INTERACTIONS = ("default view", "change a filter", "change sector", "scenario rerun")


@dataclass
class Flip:
    """Set widget `key_or_label` to values[i % 2] before the i-th rerun."""

    kind: str
    label: str
    key: str | None
    values: tuple[Any, Any]

    def apply(self, at, i: int) -> None:
        widget = find(at, self.kind, self.label, self.key)
        if widget is None:
            raise LookupError(f"widget {self.kind} {self.label!r} disappeared after a rerun")
        widget.set_value(self.values[i % 2])


def _widgets(at, kind: str) -> list:
    try:
        return list(getattr(at, kind))
    except Exception:  # an element type this Streamlit version's AppTest lacks
        return []


def find(at, kind: str, label: str, key: str | None):
    for widget in _widgets(at, kind):
        if (key and getattr(widget, "key", None) == key) or (not key and widget.label == label):
            return widget
    return None


def _alternative(kind: str, widget) -> Any | None:
    value = widget.value
    if kind in ("checkbox", "toggle"):
        return not value
    if kind == "number_input":
        step = widget.step or 1
        if widget.max is None or value + step <= widget.max:
            return value + step
        return value - step
    if kind == "slider":
        step = widget.step if isinstance(widget.step, (int, float)) else None
        if step is None or isinstance(value, (tuple, list)):
            if isinstance(value, (tuple, list)) and len(value) == 2 and step:
                lo, hi = value
                return (lo + step, hi) if lo + step <= hi else None
            return None
        return value + step if value + step <= widget.max else value - step
    options = list(getattr(widget, "options", []) or [])
    if kind == "multiselect":
        current = list(value or [])
        others = [o for o in options if o not in current]
        if current and len(current) > 1:
            return current[:1]
        return current + others[:1] if others else None
    if kind == "button_group":
        current = value if isinstance(value, list) else [value]
        others = [o for o in options if o not in current]
        if not others:
            return None
        return [others[0]] if isinstance(value, list) else others[0]
    others = [o for o in options if o != value]
    return others[0] if others else None


def _flip(kind: str, widget) -> Flip | None:
    try:
        alt = _alternative(kind, widget)
    except Exception:
        return None
    if alt is None:
        return None
    return Flip(kind, widget.label, getattr(widget, "key", None), (alt, widget.value))


def discover(at, page: str) -> dict[str, Flip | None]:
    """For a page that has just run: the widget each interaction flips (None where the page has no such widget)."""
    sector = scenario = other = None
    for kind in CHOICE_TYPES + NUMBER_TYPES:
        for widget in _widgets(at, kind):
            label = (widget.label or "").lower()
            if "page" == label.strip():
                continue
            if sector is None and "sector" in label and kind in CHOICE_TYPES:
                sector = _flip(kind, widget)
            elif scenario is None and page == "scenarios" and kind in NUMBER_TYPES:
                scenario = _flip(kind, widget)
            elif other is None and kind in CHOICE_TYPES and "sector" not in label:
                other = _flip(kind, widget)
    return {"change a filter": other, "change sector": sector, "scenario rerun": scenario}
