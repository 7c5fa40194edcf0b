"""The labelled care corpus and its figures: recall and false alarms per language.

`python -m tests.companion.care_corpus` prints the figures for both parts (tuning and
held-out); `--misses` lists what the tuning part gets wrong (never used on the held-out
part, which stays unread while the rules are tuned).
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path

from companion import safety

DATA = Path(__file__).resolve().parent / "data"
PARTS = {
    "tuning": "care_corpus_tuning.json",
    "held-out": "care_corpus_heldout.json",
    # written in round 3 before any rule changed; half of it tuned on, this half never
    "fresh": "care_corpus_fresh.json",
}


def load(part: str) -> dict[str, list[dict]]:
    data = json.loads((DATA / PARTS[part]).read_text(encoding="utf-8"))
    return {code: data[code] for code in ("en", "ja")}


@dataclass
class Figures:
    crisis: int  # phrasings labelled crisis or emergency
    caught: int  # … given crisis care or more
    emergencies: int
    emergencies_caught: int  # … given the emergency tier
    check_ins: int
    check_ins_caught: int  # … given any care
    ordinary: int  # phrasings labelled none
    false_alarms: int  # … given any care at all (check-in included)
    misses: list[tuple[str, str, str]]

    @property
    def recall(self) -> float:
        return self.caught / self.crisis

    @property
    def false_alarm_rate(self) -> float:
        return self.false_alarms / self.ordinary


def figures(items: list[dict]) -> Figures:
    f = Figures(0, 0, 0, 0, 0, 0, 0, 0, [])
    for item in items:
        found = safety.assess(item["text"])
        got = found.tier if found else "none"
        want = item["tier"]
        rank = safety.RANK[got]
        if want in ("crisis", "emergency"):
            f.crisis += 1
            f.caught += rank >= safety.RANK["crisis"]
            if want == "emergency":
                f.emergencies += 1
                f.emergencies_caught += got == "emergency"
        elif want == "check_in":
            f.check_ins += 1
            f.check_ins_caught += rank >= safety.RANK["check_in"]
        else:
            f.ordinary += 1
            f.false_alarms += rank > 0
        if got != want:
            f.misses.append((want, got, item["text"]))
    return f


def main(argv: list[str]) -> None:
    for part in PARTS:
        for code, items in load(part).items():
            if not items:
                continue
            f = figures(items)
            print(
                f"{part:9} {code}: recall {f.recall:.3f} ({f.caught}/{f.crisis}), "
                f"false alarms {f.false_alarm_rate:.3f} ({f.false_alarms}/{f.ordinary}), "
                f"emergency tier {f.emergencies_caught}/{f.emergencies}, "
                f"check-in {f.check_ins_caught}/{f.check_ins}"
            )
            if part == "tuning" and "--misses" in argv:
                for want, got, text in f.misses:
                    print(f"    want {want:9} got {got:9} {text}")


if __name__ == "__main__":
    main(sys.argv[1:])
