"""Chat at scale: the page's script run with 1M vs 1k messages, and the app's overhead to the
first streamed token compared with a bare SDK call to the same loopback server.

    python -m benchmarks.bench_chat            # full run (1,000,000 messages)
    python -m benchmarks.bench_chat --quick    # smoke run (small volumes)
"""

from __future__ import annotations

import os
import shutil
import sys
import time
from pathlib import Path

from benchmarks.common import Result, print_table, scratch_dir, store_with_messages, timed

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app.py"


def _page_run_seconds(data_dir: Path, repeat: int) -> float:
    """Median time of one chat-page script run (a rerun, as after each message) under AppTest."""
    from streamlit.testing.v1 import AppTest

    os.environ["KIZUNA_DATA_DIR"] = str(data_dir)
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.run()  # first run: opens the store, caches it
    if at.exception:
        raise RuntimeError([e.value for e in at.exception])

    def rerun():
        at.run()
        if at.exception:
            raise RuntimeError([e.value for e in at.exception])

    return timed(rerun, repeat=repeat, warmup=1)


def page_ratio(quick: bool) -> list[Result]:
    small_n, large_n = (1_000, 1_000_000) if not quick else (100, 20_000)
    repeat = 7 if not quick else 3
    results = []
    times = {}
    for n in (small_n, large_n):
        folder = scratch_dir(f"chat-{n}")
        store_with_messages(folder, n).close()
        try:
            times[n] = _page_run_seconds(folder, repeat)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    ratio = times[large_n] / times[small_n]
    print(
        f"chat page script run: {times[small_n] * 1000:.1f} ms with {small_n:,} messages, "
        f"{times[large_n] * 1000:.1f} ms with {large_n:,} messages, ratio {ratio:.2f}",
        file=sys.stderr,
    )
    results.append(
        Result(
            f"chat page run, {large_n:,} vs {small_n:,} messages",
            ratio,
            "×",
            "≤ 1.3×",
            ratio <= 1.3,
        )
    )
    return results


def first_token_overhead(quick: bool) -> list[Result]:
    """Time to the first chunk: the whole app path (send + Reply) vs the bare SDK."""
    import openai

    from companion import Reply, send
    from companion.openai_provider import OpenAIProvider
    from memory import personas
    from tests.openai_server import Answer, FakeOpenAI

    n = 1_000_000 if not quick else 20_000
    folder = scratch_dir("first-token")
    store = store_with_messages(folder, n)
    pid = personas.ensure_starter(store).id
    samples_bare, samples_app = [], []
    with FakeOpenAI() as server:
        server.default = Answer(chunks=["Hi", " there", "!"])
        client = openai.OpenAI(api_key="sk-bench", base_url=server.base_url, max_retries=0)
        provider = OpenAIProvider(api_key="sk-bench", base_url=server.base_url, model="fake")
        turns = [{"role": "system", "content": "You are Sora."}, {"role": "user", "content": "hi"}]

        def bare() -> float:
            start = time.perf_counter()
            stream = client.chat.completions.create(model="fake", messages=turns, stream=True)
            iterator = iter(stream)
            for chunk in iterator:
                if chunk.choices and chunk.choices[0].delta.content:
                    break
            elapsed = time.perf_counter() - start
            for _ in iterator:  # read the rest, outside the timed part
                pass
            return elapsed

        def app() -> float:
            start = time.perf_counter()
            user_message, _ = send(store, pid, "We went to the aquarium today, it was lovely")
            reply = Reply(store, provider, user_message)
            iterator = iter(reply)
            next(iterator)
            elapsed = time.perf_counter() - start
            for _ in iterator:  # finish (stores the reply), outside the timed part
                pass
            return elapsed

        rounds = 20 if not quick else 5
        for _ in range(3):  # warm up both paths (connections, caches)
            bare()
            app()
        for _ in range(rounds):
            samples_bare.append(bare())
            samples_app.append(app())
    store.close()
    shutil.rmtree(folder, ignore_errors=True)
    samples_bare.sort()
    samples_app.sort()
    bare_ms = samples_bare[len(samples_bare) // 2] * 1000
    app_ms = samples_app[len(samples_app) // 2] * 1000
    overhead = app_ms - bare_ms
    print(
        f"first streamed token ({n:,} messages stored): bare SDK {bare_ms:.1f} ms, "
        f"app {app_ms:.1f} ms, overhead {overhead:.1f} ms",
        file=sys.stderr,
    )
    return [
        Result("first token, bare SDK call", bare_ms, "ms", "(reference)", True),
        Result("first token, app (send + Reply)", app_ms, "ms", "(reference)", True),
        Result("app overhead to first token", overhead, "ms", "≤ 50 ms", overhead <= 50),
    ]


def run(quick: bool = False) -> list[Result]:
    return page_ratio(quick) + first_token_overhead(quick)


if __name__ == "__main__":
    print_table(run("--quick" in sys.argv))
