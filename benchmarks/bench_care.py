"""Care and safety at scale: crisis detection, streamed-reply screening, passcode checks,
the start-up sweep for unreferenced photos, and time together over a busy year."""

from __future__ import annotations

import sys
from datetime import UTC, datetime

from benchmarks.common import Result, print_table, scratch_dir, store_with_messages, timed
from companion import safety
from memory import Store, passcode, photos, wellbeing

SAMPLE = [
    "We walked through Korakuen Garden today and the plum blossoms were out",
    "this traffic is killing me, I'm dying to see you tonight",
    "今日は後楽園に行ったね。死ぬほど笑った！",
    "I want to disappear",
    "もう消えたい",
]


def _screen_stream(text: str, chunk: int) -> None:
    """What `companion.conversation.Reply` does to a stream, without the provider."""
    received = ""
    screened = 0
    for i in range(0, len(text), chunk):
        received += text[i : i + chunk]
        if len(received) - screened >= safety.SCREEN_EVERY:
            screened = len(received)
            safety.tail_encourages_harm(received)
    safety.encourages_harm(received)


def run(quick: bool = False) -> list[Result]:
    results = []
    n = 2_000 if quick else 20_000
    per_message = timed(lambda: [safety.detect_crisis(t) for t in SAMPLE * (n // 5)], repeat=3)
    ms = per_message / n * 1000
    results.append(Result("crisis detection per message", ms, "ms", "≤ 0.5 ms", ms <= 0.5))

    reply = ("It sounds like a long day. Let's take it slowly together. " * 70)[:4000]
    screen = timed(lambda: _screen_stream(reply, 4), repeat=3) * 1000
    results.append(
        Result(
            "screening a 4,000-character reply streamed in 1,000 chunks",
            screen,
            "ms",
            "≤ 200 ms",
            screen <= 200,
        )
    )

    with Store.open(scratch_dir("care-pass")) as store:
        passcode.set_passcode(store, "kizuna-2468")
        verify = timed(lambda: passcode.verify(store, "kizuna-2468"), repeat=5) * 1000
    results.append(
        Result("passcode check (scrypt n=2^14)", verify, "ms", "≤ 250 ms", verify <= 250)
    )

    files = 5_000 if quick else 50_000
    folder = scratch_dir("care-sweep")
    with Store.open(folder) as store:
        rows = []
        for i in range(files):
            sha = f"{i:064x}"
            path = store.photos_dir / sha[:2] / f"{sha}.jpg"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(b"x")
            rows.append((sha, f"photos/{sha[:2]}/{sha}.jpg"))
        store.cursor().executemany("INSERT INTO photos (sha256, path) VALUES (?, ?)", rows)
        sweep = timed(lambda: photos.sweep_unreferenced_files(store), repeat=3)
    results.append(
        Result(f"start-up photo sweep, {files:,} photos", sweep, "s", "≤ 1 s", sweep <= 1)
    )

    messages = 100_000 if quick else 1_000_000
    with store_with_messages(scratch_dir("care-time"), messages, years=1.0) as store:
        now = store.execute("SELECT max(created_at) FROM messages").fetchone()[0]
        tz = datetime.now(UTC).astimezone().tzinfo
        together = timed(lambda: wellbeing.today(store, 1, tz, now), repeat=5) * 1000
    results.append(
        Result(
            f"time together today, {messages:,} messages in a year",
            together,
            "ms",
            "≤ 100 ms",
            together <= 100,
        )
    )
    return results


if __name__ == "__main__":
    print_table(run("--quick" in sys.argv))
