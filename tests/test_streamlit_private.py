"""ui/streamlit_private.py is the one module that uses Streamlit internals: fail loudly when Streamlit changes them.

If a test here fails after a Streamlit upgrade, the session-bound downloads or the download guard no longer work as
built: read the new Streamlit source for the names listed in streamlit_private.PRIVATE_NAMES and adapt that module.
"""

from __future__ import annotations

import json

from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.runtime.media_file_storage import MediaFileKind
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

from ui import streamlit_private


def test_every_private_name_still_exists_with_its_shape():
    assert streamlit_private.self_check() == []


def test_storage_subclass_keeps_the_storage_interface():
    """The subclasses are swapped onto live objects: they must add no slots and override only what they mean to."""
    manager_cls, storage_cls = streamlit_private._media_classes()
    assert issubclass(manager_cls, MediaFileManager) and issubclass(storage_cls, MemoryMediaFileStorage)
    overridden = {
        name for name in vars(storage_cls) if not name.startswith("__") and name not in ("_abc_impl", "_is_protocol")
    }
    assert overridden == {"load_and_get_id", "get_file", "delete_file", "_purge"}
    assert "__slots__" not in vars(MemoryMediaFileStorage) and "__slots__" not in vars(MediaFileManager)


def test_swapped_storage_gives_random_ids_and_refuses_files_of_no_connected_session():
    """Outside a server no session is connected, so a stored file is never served: the refusal path is real."""
    storage = MemoryMediaFileStorage("/media")
    manager = MediaFileManager(storage)
    manager_cls, storage_cls = streamlit_private._media_classes()
    storage._session_of = {}
    storage.__class__, manager.__class__ = storage_cls, manager_cls
    first = storage.load_and_get_id(b"a,b\n1,2\n", "text/csv", MediaFileKind.DOWNLOADABLE, "x.csv")
    second = storage.load_and_get_id(b"a,b\n1,2\n", "text/csv", MediaFileKind.DOWNLOADABLE, "x.csv")
    assert first != second, "same content must not give the same (guessable, shareable) id"
    assert len(first) == 2 * streamlit_private.ID_BYTES and int(first, 16) >= 0
    try:
        storage.get_file(f"{first}.csv")
    except Exception as exc:  # noqa: BLE001
        assert type(exc).__name__ == "MediaFileStorageError"
    else:
        raise AssertionError("a file whose session is not connected was served")


def test_cookie_signed_with_streamlit_own_signer_round_trips(monkeypatch):
    """signed_in_user accepts exactly what Streamlit's signer produces with the configured secret and origin."""
    import streamlit.auth_util as auth_util
    import streamlit.web.server.starlette.starlette_websocket as ws

    secret = "k" * 40
    monkeypatch.setattr(ws, "get_cookie_secret", lambda: secret)
    monkeypatch.setattr(auth_util, "get_origin_from_redirect_uri", lambda: "http://127.0.0.1:9")
    name = streamlit_private.user_cookie_name()
    payload = json.dumps({"origin": "http://127.0.0.1:9", "is_logged_in": True, "email": "ana@example.gov.uk"})
    good = streamlit_private.sign_cookie(secret, name, payload)
    assert streamlit_private.signed_in_user({name: good})["email"] == "ana@example.gov.uk"
    forged = streamlit_private.sign_cookie("CHANGE-ME-to-a-long-random-string", name, payload)
    assert streamlit_private.signed_in_user({name: forged}) is None
    other_origin = streamlit_private.sign_cookie(secret, name, payload.replace(":9", ":10"))
    assert streamlit_private.signed_in_user({name: other_origin}) is None
    assert streamlit_private.signed_in_user({}) is None


def test_no_other_module_imports_streamlit_internals():
    """Every import of a private Streamlit module (anything but the public `streamlit`, `streamlit.testing` and
    this test) goes through ui/streamlit_private.py, so a Streamlit upgrade has one place to check."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    allowed = {root / "ui" / "streamlit_private.py", Path(__file__).resolve()}
    public = ("streamlit.testing", "streamlit.column_config")  # the documented modules (and their submodules)
    offenders = []
    for path in sorted(root.rglob("*.py")):
        if ".venv" in path.parts or path in allowed:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            offenders += [
                f"{path.relative_to(root)}:{node.lineno} {n}"
                for n in names
                if n.startswith("streamlit.") and not n.startswith(public)
            ]
    assert offenders == []
