"""Production code uses Streamlit's public API only (house rule 3).

A private module (`streamlit.runtime.*`, `streamlit.web.*`, anything not documented for apps)
changes without notice between releases; patching one once hid a routing bug (see
ui/router.py). Production code may import `streamlit` itself and the documented
`streamlit.components.v1`; the test API `streamlit.testing.v1` is for tests and benchmarks.
"""

import ast

from tests.conftest import ROOT

PRODUCTION = ["app.py", "pages", "ui", "memory", "companion"]
PUBLIC = {"streamlit", "streamlit.components.v1"}


def production_files():
    for name in PRODUCTION:
        path = ROOT / name
        yield from ([path] if path.is_file() else sorted(path.rglob("*.py")))


def streamlit_imports(path):
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "streamlit":
                # `from streamlit import config` reaches a private module all the same.
                for alias in node.names:
                    yield node.lineno, f"streamlit.{alias.name}"
            else:
                yield node.lineno, node.module


def test_production_code_imports_no_private_streamlit_module():
    found = [
        f"{path.relative_to(ROOT)}:{line}: {module}"
        for path in production_files()
        for line, module in streamlit_imports(path)
        if module.split(".")[0] == "streamlit" and module not in PUBLIC
    ]
    assert found == []


def test_the_check_sees_a_private_import(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "from streamlit.runtime.pages_manager import PagesManager\n"
        "import streamlit.web.server\nfrom streamlit import config\n"
    )
    modules = [m for _, m in streamlit_imports(sample)]
    assert modules == [
        "streamlit.runtime.pages_manager",
        "streamlit.web.server",
        "streamlit.config",
    ]
    assert not set(modules) & PUBLIC
