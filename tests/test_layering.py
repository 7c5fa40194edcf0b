"""House rules checked on the source itself: one module writes `messages`; no import circles."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: Production code: what the app and the CLI run (tests, benchmarks and shipped migrations,
#: which create the table, are not).
PRODUCTION = ["app.py", "pages", "ui", "memory", "companion"]
WRITES_MESSAGES = re.compile(
    r"\b(INSERT\s+INTO|UPDATE|DELETE\s+FROM|COPY|TRUNCATE(\s+TABLE)?)\s+messages\b", re.IGNORECASE
)


def _production_files():
    for name in PRODUCTION:
        path = ROOT / name
        files = [path] if path.is_file() else sorted(path.rglob("*.py"))
        for file in files:
            if "migrations" not in file.parts:
                yield file


def test_only_memory_messages_writes_the_messages_table():
    writers = {
        str(file.relative_to(ROOT))
        for file in _production_files()
        if WRITES_MESSAGES.search(file.read_text(encoding="utf-8"))
    }
    assert writers == {"memory/messages.py"}


def test_the_scan_would_see_a_writer():
    # The pattern catches the shapes the codebase used before (multi-line SQL included).
    for sql in (
        'cur.execute("DELETE FROM messages WHERE id = ?")',
        '"""\n        INSERT INTO messages (persona_id, role)',
        "UPDATE  messages SET meta = ?",
    ):
        assert WRITES_MESSAGES.search(sql)
    assert not WRITES_MESSAGES.search("DELETE FROM message_photos WHERE message_id = ?")


def _import_graph() -> dict[str, set[str]]:
    """Module → the project modules it imports (at the top or inside a function alike)."""
    modules = {}
    for package in ("memory", "companion", "ui"):
        for file in (ROOT / package).rglob("*.py"):
            name = ".".join(file.relative_to(ROOT).with_suffix("").parts)
            modules[name.removesuffix(".__init__")] = file
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, file in modules.items():
        for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                for alias in node.names:
                    target = f"{node.module}.{alias.name}"
                    if target not in modules:
                        target = node.module
                    if target in modules and target != name:
                        graph[name].add(target)
            elif isinstance(node, ast.Import):
                graph[name].update(a.name for a in node.names if a.name in modules)
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        path.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (found := visit(start)):
            return found
    return None


def test_no_import_circles():
    graph = _import_graph()
    assert "memory.photos" in graph and "ui.state" in graph
    assert _cycle(graph) is None


def test_the_circle_check_would_see_one():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None
