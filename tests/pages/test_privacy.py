"""Privacy: no telemetry, no key on disk or in logs, no network but the endpoint, no HTML."""

import ast
import logging
import secrets
import socket
import tomllib
import zipfile

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from memory import Store, backup, cards, exports, messages, personas
from tests.conftest import ROOT
from tests.openai_server import Answer
from tests.pages.conftest import APP, PAGES, bubble_texts, bubbles, plain


def test_streamlit_config_sends_no_usage_statistics_and_limits_uploads():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["browser"]["gatherUsageStats"] is False
    assert config["server"]["showEmailPrompt"] is False  # no e-mail asked on first run
    assert 1 <= config["server"]["maxUploadSize"] <= 200  # MB per file
    assert 1 <= config["server"]["maxMessageSize"] <= 500


def every_byte_under(folder) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file())


def test_api_key_never_reaches_the_data_folder_or_the_logs(
    use_fake_openai, monkeypatch, data_dir, tmp_path, caplog, capfd
):
    env_key = "sk-kizuna-envkey-" + secrets.token_hex(12)
    typed_key = "sk-kizuna-typedkey-" + secrets.token_hex(12)
    monkeypatch.setenv("OPENAI_API_KEY", env_key)
    caplog.set_level(logging.DEBUG)
    server = use_fake_openai
    # a server that echoes the key in its refusal, as OpenAI's own 401 does
    server.script(
        Answer(
            status=401,
            error_body={"error": {"message": f"Incorrect API key provided: {env_key}"}},
        )
    )
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    at.chat_input[0].set_value("good morning").run()
    assert any("refused the API key" in e.value for e in at.error)
    at.button(key="chat_retry").click().run()
    at.chat_input[0].set_value("I want to disappear").run()
    at.switch_page("pages/settings.py").run()
    at.text_input(key="settings_api_key").set_value(typed_key)
    at.button(key="settings_save").click().run()
    at.switch_page("pages/chat.py").run()
    at.chat_input[0].set_value("did it save?").run()
    assert not at.exception
    auth = [
        next((v for k, v in r["headers"].items() if k.lower() == "authorization"), "")
        for r in server.requests
    ]
    assert auth[0] == f"Bearer {env_key}" and auth[-1] == f"Bearer {typed_key}"

    on_disk = every_byte_under(data_dir)
    # DuckDB compresses strings once they are checkpointed, so a raw byte search of the file
    # alone could miss a stored key: search an uncompressed export of every table as well.
    with Store.open(data_dir) as s:
        assert messages.count(s) == 6
        s.execute(f"EXPORT DATABASE '{tmp_path / 'export'}' (FORMAT csv)")
        # a backup zip (read member by member: compression would hide the key from a plain
        # byte search) and every export a user can take away
        zipped = backup.create(s, tmp_path / "backup.zip").path
        pid = personas.list_personas(s)[0].id
        exported = [
            exports.chat_markdown(s, pid).encode(),
            exports.chat_jsonl(s, pid).encode(),
            exports.journal_markdown(s, pid).encode(),
            cards.export_json(s, pid),
            cards.export_png(s, pid),
        ]
    on_disk += every_byte_under(tmp_path / "export")
    unzipped = tmp_path / "unzipped"
    with zipfile.ZipFile(zipped) as zf:
        zf.extractall(unzipped)
    # Parquet pages are compressed too: turn every table of the backup back into text.
    con = duckdb.connect()
    for parquet in unzipped.rglob("*.parquet"):
        con.execute(
            f"COPY (SELECT * FROM read_parquet('{parquet}')) TO '{parquet}.csv' (FORMAT csv)"
        )
    con.close()
    in_backup = every_byte_under(unzipped)
    assert b"did it save?" in in_backup
    on_disk += in_backup + zipped.read_bytes() + b"".join(exported)
    assert b"did it save?" in on_disk
    out, err = capfd.readouterr()
    logged = caplog.text + out + err
    for key in (env_key, typed_key):
        for fragment in (key, key[-16:]):
            assert fragment.encode() not in on_disk
            assert fragment not in logged


def test_no_network_calls_except_the_configured_endpoint(use_fake_openai, monkeypatch):
    dialled = []
    real_connect = socket.socket.connect

    def recording_connect(sock, address):
        dialled.append(address)
        return real_connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", recording_connect)
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    at.chat_input[0].set_value("we went to the garden").run()
    for page in PAGES:
        at.switch_page(page).run()
        assert not at.exception
    endpoint = use_fake_openai.base_url.split("//")[1].split("/")[0]
    host, port = endpoint.split(":")
    assert dialled, "the chat should have called the endpoint"
    assert {(a[0], a[1]) for a in dialled} == {(host, int(port))}


def test_offline_voice_makes_no_network_calls_at_all(monkeypatch):
    dialled = []
    monkeypatch.setattr(socket.socket, "connect", lambda sock, address: dialled.append(address))
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    at.chat_input[0].set_value("hello there").run()
    for page in PAGES:
        at.switch_page(page).run()
    assert not at.exception
    assert dialled == []


def test_duckdb_never_downloads_extensions(store):
    with pytest.raises(duckdb.Error) as refused:
        store.execute("SELECT * FROM read_xlsx('album.xlsx')")  # needs the 'excel' extension
    assert "download" not in str(refused.value).lower()
    assert "extensions.duckdb.org" not in str(refused.value)


@pytest.mark.parametrize(
    "typed",
    [
        "<img src=x onerror=alert(1)>",
        "<script>alert('hi')</script> I want to die",
        "<b>bold?</b> [link](javascript:alert(1))",
    ],
)
def test_user_text_is_shown_as_typed_never_as_html(app, typed):
    app.chat_input[0].set_value(typed).run()
    assert not app.exception
    shown = [plain(m.value) for m in app.markdown] + bubble_texts(app)
    assert shown.count(typed) == 1
    assert all(b["typed"] for b in bubbles(app) if b.get("text") == typed)  # never Markdown
    for element in app.markdown:
        assert not element.proto.allow_html


def test_no_code_renders_html_from_variables():
    """`unsafe_allow_html` is never used, and st.html only ever gets fixed text: a literal,
    or a module-level constant (set once at import, from literals, so never from anything
    she typed or a run computed)."""
    for path in [ROOT / "app.py", *ROOT.glob("pages/*.py"), *ROOT.glob("ui/*.py")]:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        fixed = _module_constants(tree)
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            for kw in node.keywords:
                assert kw.arg != "unsafe_allow_html", f"{path.name}:{node.lineno}"
            func = node.func
            if isinstance(func, ast.Attribute) and func.attr == "html":
                arg = node.args[0]
                ok = isinstance(arg, ast.Constant) or (
                    isinstance(arg, ast.Name) and arg.id in fixed
                )
                assert ok, f"{path.name}:{node.lineno}"


def _module_constants(tree: ast.Module) -> set[str]:
    """Names assigned once at module level from literals only (strings, `.replace` of
    literals by literals, `str()` of them, or a file beside the module)."""

    def literal(node) -> bool:
        if isinstance(node, ast.Constant):
            return True
        if isinstance(node, ast.Name):
            return node.id in found or node.id == "__file__"
        if isinstance(node, ast.Call):
            func = node.func
            parts = [*node.args, *(k.value for k in node.keywords)]
            if isinstance(func, ast.Attribute):
                parts.append(func.value)
            elif not (isinstance(func, ast.Name) and func.id in ("str", "Path")):
                return False
            return all(literal(p) for p in parts)
        if isinstance(node, ast.Attribute):
            return literal(node.value)
        if isinstance(node, ast.BinOp):
            return literal(node.left) and literal(node.right)
        return False

    found: set[str] = set()
    assigned: dict[str, int] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Name):
                assigned[target.id] = assigned.get(target.id, 0) + 1
                if literal(node.value):
                    found.add(target.id)
    # anything assigned anywhere else (in a function, a loop) is not fixed
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            assigned[node.id] = assigned.get(node.id, 0) + 1
    return {name for name in found if assigned.get(name) == 2}
