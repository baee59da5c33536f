"""The ONE place that relies on Streamlit internals (not public API): session-bound download files, the
verification of the sign-in cookie outside a script run, the exception behind st.stop / st.rerun (pages let it
through), and the websocket protocol's messages (the load test's client speaks it as a browser does).

Why private API at all:
- Streamlit serves every download at /media/<id> where <id> is a hash of the file's content: the same URL works
  for anyone, on every replica, for minutes after the session that produced it has gone. Nothing public lets an
  app choose the id or bind it to a session, so the runtime's media manager and storage are given the subclasses
  below (same attributes, extra behaviour): ids are 128 random bits, each file remembers the session that asked
  for it, and a file is served only while that session is connected (and at most FILE_TTL_S after it was made).
- The HTTP guard (ui/http_guard.py, a public st.App middleware) must accept exactly the sign-in cookies that
  st.user accepts, so it calls Streamlit's own cookie decoding rather than re-implementing it.

Everything used from Streamlit is named in PRIVATE_NAMES; tests/test_streamlit_private.py checks each one still
exists with the expected shape and fails loudly after a Streamlit upgrade that changed them.
"""

from __future__ import annotations

import functools
import importlib
import inspect
import logging
import os
import secrets
import threading
import time
from collections.abc import Mapping
from typing import Any

log = logging.getLogger("dashboard.hosting")

FILE_TTL_S = 600  # a download URL lives at most this long, even while its session stays connected
ID_BYTES = 16  # 128 random bits per file id: unguessable

# (module, attribute, kind) of every Streamlit internal this module uses; checked by self_check().
PRIVATE_NAMES = (
    ("streamlit.runtime.media_file_manager", "MediaFileManager", "class"),
    ("streamlit.runtime.media_file_manager", "MediaFileManager.execute_deferred", "method"),
    ("streamlit.runtime.media_file_manager", "MediaFileManager._deferred_callables", "instance"),
    ("streamlit.runtime.media_file_manager", "MediaFileManager._lock", "instance"),
    ("streamlit.runtime.media_file_manager", "MediaFileManager._storage", "instance"),
    ("streamlit.runtime.memory_media_file_storage", "MemoryMediaFileStorage", "class"),
    ("streamlit.runtime.memory_media_file_storage", "MemoryMediaFileStorage.load_and_get_id", "method"),
    ("streamlit.runtime.memory_media_file_storage", "MemoryMediaFileStorage.get_file", "method"),
    ("streamlit.runtime.memory_media_file_storage", "MemoryMediaFileStorage.delete_file", "method"),
    ("streamlit.runtime.memory_media_file_storage", "MemoryMediaFileStorage._files_by_id", "instance"),
    ("streamlit.runtime.memory_media_file_storage", "MemoryFile", "class"),
    ("streamlit.runtime.media_file_storage", "MediaFileStorageError", "class"),
    ("streamlit.runtime.scriptrunner_utils.script_run_context", "get_script_run_ctx", "function"),
    ("streamlit.web.server.starlette.starlette_websocket", "_get_signed_cookie_with_chunks", "function"),
    ("streamlit.web.server.starlette.starlette_websocket", "_parse_decoded_user_cookie", "function"),
    ("streamlit.web.server.starlette.starlette_server_config", "USER_COOKIE_NAME", "constant"),
    ("streamlit.auth_util", "get_origin_from_redirect_uri", "function"),
    ("streamlit.web.server.starlette.starlette_app_utils", "create_signed_value", "function"),
    ("streamlit.runtime", "Runtime", "class"),
    ("streamlit.runtime.scriptrunner_utils.exceptions", "ScriptControlException", "class"),
    ("streamlit.proto.BackMsg_pb2", "BackMsg", "class"),
    ("streamlit.proto.ForwardMsg_pb2", "ForwardMsg", "class"),
    ("streamlit.proto.WidgetStates_pb2", "WidgetStates", "class"),
)


def control_flow_exception() -> type[BaseException]:
    """The base class of st.stop, st.rerun and page switches: code that catches every error must let it pass."""
    from streamlit.runtime.scriptrunner_utils.exceptions import ScriptControlException

    return ScriptControlException


def protocol_messages() -> tuple[type, type, type]:
    """(BackMsg, ForwardMsg, WidgetStates): the protobuf messages a browser and the server exchange."""
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from streamlit.proto.WidgetStates_pb2 import WidgetStates

    return BackMsg, ForwardMsg, WidgetStates


def media_file_manager_class() -> type:
    """Streamlit's MediaFileManager (tests record the managers AppTest creates to read download bytes)."""
    from streamlit.runtime.media_file_manager import MediaFileManager

    return MediaFileManager


# ------------------------------------------------------------------------------------------- session-bound media

_owner = threading.local()  # the session a deferred download is being built for (set around execute_deferred)


def _script_session_id() -> str | None:
    from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

    ctx = get_script_run_ctx(suppress_warning=True)
    return ctx.session_id if ctx is not None else None


def current_session_id() -> str | None:
    """The id of the session whose script is running on this thread (None outside a script run)."""
    return _script_session_id()


def _session_connected(session_id: str | None) -> bool:
    from streamlit import runtime

    if session_id is None or not runtime.exists():
        return False
    return runtime.get_instance().is_active_session(session_id)


@functools.cache
def _media_classes():
    from streamlit.runtime.media_file_manager import MediaFileManager
    from streamlit.runtime.media_file_storage import MediaFileStorageError
    from streamlit.runtime.memory_media_file_storage import MemoryFile, MemoryMediaFileStorage

    class SessionMediaManager(MediaFileManager):
        """Builds a deferred download knowing whose it is (Streamlit runs it off the script thread)."""

        def execute_deferred(self, file_id: str) -> str:
            with self._lock:
                entry = self._deferred_callables.get(file_id)
            _owner.session_id = entry["session_id"] if entry else None
            try:
                return super().execute_deferred(file_id)
            finally:
                _owner.session_id = None

    class SessionMediaStorage(MemoryMediaFileStorage):
        """Random ids, one owner session per file, served only while that session is connected."""

        def load_and_get_id(self, path_or_data, mimetype, kind, filename=None) -> str:
            data = self._read_file(path_or_data) if isinstance(path_or_data, str) else path_or_data
            owner = getattr(_owner, "session_id", None) or _script_session_id()
            file_id = secrets.token_hex(ID_BYTES)
            self._files_by_id[file_id] = MemoryFile(content=data, mimetype=mimetype, kind=kind, filename=filename)
            self._purge()
            self._session_of[file_id] = (owner, time.monotonic())
            return file_id

        def get_file(self, filename: str):
            file = super().get_file(filename)
            file_id = os.path.splitext(filename)[0]
            owner, made = self._session_of.get(file_id, (None, 0.0))
            if not _session_connected(owner) or time.monotonic() - made > FILE_TTL_S:
                self.delete_file(file_id)
                raise MediaFileStorageError(f"media file {file_id} belongs to no connected session")
            return file

        def delete_file(self, file_id: str) -> None:
            super().delete_file(file_id)
            self._session_of.pop(file_id, None)

        def _purge(self) -> None:
            """Drop files whose session has gone or whose time is up (keeps memory bounded)."""
            now = time.monotonic()
            for file_id, (owner, made) in list(self._session_of.items()):
                if now - made > FILE_TTL_S or not _session_connected(owner):
                    self.delete_file(file_id)

    return SessionMediaManager, SessionMediaStorage


_install_lock = threading.Lock()


def install_session_media() -> bool:
    """Give the running Streamlit server session-bound media (idempotent). False when no server is running
    (AppTest runs scripts against a stand-in runtime, whose downloads are fetched after the run: left alone)."""
    from streamlit import runtime
    from streamlit.runtime import Runtime

    if not runtime.exists() or type(runtime.get_instance()) is not Runtime:
        return False
    manager = runtime.get_instance().media_file_mgr
    manager_cls, storage_cls = _media_classes()
    with _install_lock:
        if isinstance(manager, manager_cls):
            return True
        storage = manager._storage
        # The /media route holds a reference to this very storage object, so it is changed in place (its class
        # and one new attribute) rather than replaced. Files stored before now (none: this runs at start-up)
        # would be owned by nobody and so never served.
        with manager._lock:
            storage._session_of = {}
            storage.__class__ = storage_cls
            manager.__class__ = manager_cls
    log.info("downloads are bound to their session (random ids, served only while the session is connected)")
    return True


# ------------------------------------------------------------------------------------------- the sign-in cookie


def signed_in_user(cookies: Mapping[str, str]) -> dict[str, Any] | None:
    """The st.user payload of a request's sign-in cookie when it is validly signed with this server's
    cookie_secret, for this app's origin, and says is_logged_in; otherwise None."""
    from streamlit.auth_util import get_origin_from_redirect_uri
    from streamlit.web.server.starlette.starlette_server_config import USER_COOKIE_NAME
    from streamlit.web.server.starlette.starlette_websocket import (
        _get_signed_cookie_with_chunks,
        _parse_decoded_user_cookie,
    )

    origin = get_origin_from_redirect_uri()
    if not origin:
        return None
    try:
        raw = _get_signed_cookie_with_chunks(dict(cookies), USER_COOKIE_NAME)
        user = _parse_decoded_user_cookie(raw, origin) if raw else {}
    except Exception:  # noqa: BLE001 - a malformed cookie is simply not a sign-in
        return None
    return user if user.get("is_logged_in") is True else None


def sign_cookie(secret: str, name: str, value: str) -> str:
    """A cookie value signed the way Streamlit signs its sign-in cookie (for tests that forge one)."""
    from streamlit.web.server.starlette.starlette_app_utils import create_signed_value

    return create_signed_value(secret, name, value).decode("latin-1")


def user_cookie_name() -> str:
    from streamlit.web.server.starlette.starlette_server_config import USER_COOKIE_NAME

    return USER_COOKIE_NAME


# ------------------------------------------------------------------------------------------- self check


def self_check() -> list[str]:
    """Every private name still present with the expected shape; returns the problems (empty when fine)."""
    problems = []
    for module_name, dotted, kind in PRIVATE_NAMES:
        try:
            module = importlib.import_module(module_name)
        except ImportError as exc:
            problems.append(f"{module_name}: cannot import ({exc})")
            continue
        owner_name, _, attr = dotted.partition(".")
        target = getattr(module, owner_name, None)
        if target is None:
            problems.append(f"{module_name}.{owner_name} is gone")
            continue
        if kind == "method" and not callable(getattr(target, attr, None)):
            problems.append(f"{module_name}.{dotted} is not a method any more")
        elif kind == "instance":
            source = inspect.getsource(target.__init__)
            if f"self.{attr}" not in source:
                problems.append(f"{module_name}.{owner_name}.__init__ no longer sets self.{attr}")
        elif kind in ("function", "class") and not callable(target):
            problems.append(f"{module_name}.{dotted} is not callable any more")
    return problems
