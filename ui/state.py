"""URL <-> view state: the address is the view, and the browser's history follows the user's changes.

A page's parameters are declared once in govdata.views (kind, options, default, bounds); `Form` draws Streamlit
widgets for them and keeps the address in step:

- When the address is new to this session's page (first visit, reload, a pasted link, Back or Forward), its
  values are parsed by govdata.views.params.parse (invalid ones ignored with a visible, escaped note) and put
  into the widgets. Such a run writes nothing to the address, so loading a page adds no history entry of its own.
- When the user changes something, the page's values are written to the address once, at the end of the
  widgets (`commit`): one change, one history entry (Streamlit pushes an entry for every query-parameter message
  whose address differs from the browser's, so writing parameter by parameter made a load of Trends 8 entries).
- Back and Forward make the browser rerun the page with the older address; it differs from the one this session
  last wrote, so it is parsed again and the widgets and charts return to that view.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import ModuleType
from typing import Any

import streamlit as st

from govdata import plain_text
from govdata.views.params import Ignored, Param, parse, to_query

MAX_SHOWN = 60  # long URL values are truncated in notes
MAX_NOTES = 3  # ignored values of one URL parameter noted one by one; the rest are counted in one more note
STORE = "_url_views"  # session_state: page -> {"query": the address last seen/written, "values": the view}


def escape(value: object, limit: int = MAX_SHOWN) -> str:
    """`value` as inert Markdown text: control/bidi/zero-width characters dropped, truncated to `limit` characters,
    punctuation backslash-escaped, never auto-linked (no link, image, e-mail, heading or HTML): govdata.plain_text."""
    return plain_text.for_markdown(value, limit)


def note_ignored(name: str, value: object, reason: str) -> None:
    """Show a visible note that URL parameter `name` = `value` was ignored, and why (all text escaped)."""
    st.info(f"Ignored URL parameter **{escape(name)}** = “{escape(value)}”: {escape(reason, 200)}.", icon="ℹ️")


def widget_key(name: str) -> str:
    return f"url_{name}"


def current_query() -> dict[str, list[str]]:
    """The address's query parameters as {name: [values]}."""
    return {name: list(st.query_params.get_all(name)) for name in st.query_params}


class Form:
    """The URL-backed widgets of one page run. Create it before the widgets, call `widget` for each parameter the
    page shows (in declaration order where options depend on earlier values), then `commit()` once."""

    def __init__(self, view: ModuleType, runner, *, query: Mapping[str, list[str]] | None = None) -> None:
        self.page: str = view.PAGE
        self.params: dict[str, Param] = {p.name: p for p in view.PARAMS}
        self.runner = runner
        self.incoming = dict(query) if query is not None else current_query()
        store = st.session_state.setdefault(STORE, {}).get(self.page)
        self.reloaded = store is None or store["query"] != self.incoming
        self.ignored: list[Ignored] = []
        if self.reloaded:
            parsed = parse(view.PARAMS, self.incoming, runner)
            self.values: dict[str, Any] = dict(parsed.values)
            self.ignored = parsed.ignored
        else:
            self.values = dict(store["values"])
        self.previous = dict(self.values)
        self.pending = bool(store and store.get("changed")) and not self.reloaded  # set by update_stored
        per_name: dict[str, int] = {}
        for note in self.ignored:  # a crafted URL cannot make a page draw hundreds of notes
            per_name[note.name] = per_name.get(note.name, 0) + 1
            if per_name[note.name] <= MAX_NOTES:
                note_ignored(note.name, note.value, note.reason)
        for name, count in per_name.items():
            if count > MAX_NOTES:
                note_ignored(name, f"{count - MAX_NOTES:,} more values", "ignored too")

    # ------------------------------------------------------------------ widgets
    def _start_value(self, param: Param, options: dict[str, str]) -> Any:
        key = widget_key(param.name)
        if self.reloaded or key not in st.session_state:
            value = self.values[param.name]
        elif any(self.values.get(d) != self.previous.get(d) for d in param.resets_with):
            value = param.default_value(self.runner, self.values, options)
        else:
            value = st.session_state[key]
        if param.kind == "multi" and isinstance(value, list):
            value = [v for v in value if v in options]
        if not param.valid(value, options):  # e.g. an earlier choice changed this one's options
            value = param.default_value(self.runner, self.values, options)
        return value

    def widget(self, name: str, *, where: Any = None, label: str | None = None, **kwargs) -> Any:
        """Draw parameter `name`'s widget in `where` (default: the main area) and return its value.

        choice: a select box (a horizontal radio when declared widget='radio'); multi: a multiselect; number: a
        number input (a slider when declared widget='slider'); flag: a checkbox. Extra keyword arguments go to the
        Streamlit widget (e.g. format=, label_visibility=).
        """
        param = self.params[name]
        options = param.choices(self.runner, self.values)
        key = widget_key(name)
        value = self._start_value(param, options)
        if key not in st.session_state or st.session_state[key] != value:
            st.session_state[key] = value
        box = where if where is not None else st
        text = label or param.label
        kwargs.setdefault("help", param.help)
        if param.kind == "choice":
            if not options:
                raise ValueError(f"parameter {name!r} has no options")
            draw = box.radio if param.widget == "radio" else box.selectbox
            extra = {"horizontal": True} if param.widget == "radio" else {}
            chosen = draw(text, list(options), key=key, format_func=lambda v: options.get(v, str(v)), **extra, **kwargs)
        elif param.kind == "multi":
            chosen = list(
                box.multiselect(text, list(options), key=key, format_func=lambda v: options.get(v, str(v)), **kwargs)
            )
        elif param.kind == "number":
            if param.widget == "slider":
                chosen = box.slider(text, param.minimum, param.maximum, step=param.step, key=key, **kwargs)
            else:
                chosen = box.number_input(
                    text, min_value=param.minimum, max_value=param.maximum, step=param.step, key=key, **kwargs
                )
        elif param.kind == "flag":
            chosen = bool(box.checkbox(text, key=key, **kwargs))
        else:
            raise ValueError(f"parameter {name!r} ({param.kind}) has no widget; set it with Form.set")
        self.values[name] = chosen
        return chosen

    def set(self, name: str, value: Any) -> None:
        """Set a parameter the page manages itself (e.g. the scenario tokens)."""
        if name not in self.params:
            raise KeyError(name)
        self.values[name] = value

    # ------------------------------------------------------------------ the address
    def commit(self) -> None:
        """Write the view to the address when the user changed it (one message, so one history entry)."""
        declared = to_query(list(self.params.values()), self.values)
        wanted = {k: v for k, v in self.incoming.items() if k not in self.params} | declared
        query = self.incoming
        # A rerun without a change (another widget, a button, the page chosen again) writes nothing.
        changed = not self.reloaded and (self.pending or self.values != self.previous)
        if changed and wanted != self.incoming:
            st.query_params.from_dict(wanted)
            query = wanted
        st.session_state[STORE][self.page] = {"query": query, "values": dict(self.values)}


def stored_values(page: str) -> dict[str, Any]:
    """The values `page` last committed in this session (empty before its first run)."""
    store = st.session_state.get(STORE, {}).get(page)
    return dict(store["values"]) if store else {}


def update_stored(page: str, **values: Any) -> None:
    """Change stored values of `page` from a widget callback (before the page runs): the run then writes them to
    the address as a user change."""
    store = st.session_state.get(STORE, {}).get(page)
    if store is not None:
        store["values"].update(values)
        store["changed"] = True
