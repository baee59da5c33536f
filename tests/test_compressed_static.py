"""ui.compressed_static's lookup of bundles (the served bytes are tested against the real server in
tests/e2e/test_compression.py): what it remembers between requests stays bounded by the files that exist."""

from __future__ import annotations

import gzip

from ui.compressed_static import CompressedStatic


def static_root(tmp_path):
    js = tmp_path / "static" / "js"
    js.mkdir(parents=True)
    (js / "index.abcdefgh.js").write_text("console.log('x');\n" * 200)
    return tmp_path


def scope(path: str) -> dict:
    return {"type": "http", "method": "GET", "path": path, "headers": [(b"accept-encoding", b"gzip")]}


def test_a_bundle_is_found_once_and_remembered_under_its_own_name(tmp_path):
    server = CompressedStatic(app=None, root=static_root(tmp_path))
    found = server._file(scope("/static/js/index.abcdefgh.js"))
    assert found == (tmp_path / "static" / "js" / "index.abcdefgh.js").resolve()
    assert server._found == {"/static/js/index.abcdefgh.js": found}
    found.unlink()  # remembered: the bundles' names carry a content hash and do not change while serving
    assert server._file(scope("/static/js/index.abcdefgh.js")) == found


def test_other_spellings_and_missing_files_are_not_remembered(tmp_path):
    server = CompressedStatic(app=None, root=static_root(tmp_path))
    variants = [f"/static/js/{'./' * n}index.abcdefgh.js" for n in range(1, 50)]
    variants += ["/static//js/index.abcdefgh.js", "/static/js/../js/index.abcdefgh.js"]
    for path in variants:  # served (the same file), never kept: a visitor cannot grow the table
        assert server._file(scope(path)) == (tmp_path / "static" / "js" / "index.abcdefgh.js").resolve()
    for n in range(50):
        assert server._file(scope(f"/static/js/missing{n}.js")) is None
    assert server._file(scope("/static/../../etc/passwd.js")) is None
    assert server._found == {}


def test_a_compressed_bundle_is_held_after_the_first_request(tmp_path):
    server = CompressedStatic(app=None, root=static_root(tmp_path))
    file = server._file(scope("/static/js/index.abcdefgh.js"))
    assert not server.cache.held(file)
    item = server.cache.get(file)
    assert server.cache.held(file) and server.cache.get(file) is item
    assert gzip.decompress(item.body) == file.read_bytes()
