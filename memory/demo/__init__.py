"""A believable year with a companion, generated into a separate demo data folder.

`fill(store, language=…)` writes a demo companion (in English Hikari, English with some
Japanese; in Japanese 湊, who says 僕, with Misaki in Okayama), about 30,000
messages with a daily rhythm (busy evenings, quiet days, days with none, up to about a
hundred exchanges on a busy day), a dozen outings with photos drawn here with Pillow and the
companion's response to each, the milestones of the relationship and journal entries with
moods. Everything is generated from templates with a seeded `random.Random`, so the same
seed and the same `now` give the same year.

The demo never mixes with real data: `fill` refuses a folder that holds anything not made by
the demo, and marks what it writes (`personas.is_demo = true`, setting `demo = true`). It only
uses the data contract (README, "How the code is laid out") and the columns of the first
migration. Photos go through
`memory.photos.add` like any upload; messages are bulk-inserted from one Arrow table in one
transaction (`memory.messages.add_many`), which is what keeps the whole year to a few seconds.

The package: `scripts` (what the year is made of, one module per language — another
language's year is another module there),
`painting` (the photos and the avatar), `folder` (what marks a demo folder), `year` (`fill`).
"""

from memory.demo.folder import (
    DAYS,
    DEFAULT_SEED,
    DEMO_DONE_SETTING,
    DEMO_SETTING,
    DemoRefused,
    DemoSummary,
    Progress,
    holds_own_data,
    is_demo,
    is_filled,
    language_of,
)
from memory.demo.painting import PHOTO_SIZE, draw_avatar, draw_photo
from memory.demo.scripts import LANGUAGES, for_language
from memory.demo.year import fill, scripts_language

__all__ = [
    "DAYS",
    "DEFAULT_SEED",
    "DEMO_DONE_SETTING",
    "DEMO_SETTING",
    "LANGUAGES",
    "PHOTO_SIZE",
    "DemoRefused",
    "DemoSummary",
    "Progress",
    "draw_avatar",
    "draw_photo",
    "fill",
    "for_language",
    "holds_own_data",
    "is_demo",
    "is_filled",
    "language_of",
    "scripts_language",
]
