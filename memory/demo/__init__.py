"""A believable year with a companion, generated into a separate demo data folder.

`fill(store)` writes a demo companion (Hikari, English with some Japanese), about 30,000
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

The package: `script` (what the year is made of — another language's year is another script),
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
)
from memory.demo.painting import PHOTO_SIZE, draw_avatar, draw_photo
from memory.demo.script import MEMORIES, MILESTONES, OUTINGS, PERSONA, USER_NAME
from memory.demo.year import fill

__all__ = [
    "DAYS",
    "DEFAULT_SEED",
    "DEMO_DONE_SETTING",
    "DEMO_SETTING",
    "MEMORIES",
    "MILESTONES",
    "OUTINGS",
    "PERSONA",
    "PHOTO_SIZE",
    "USER_NAME",
    "DemoRefused",
    "DemoSummary",
    "Progress",
    "draw_avatar",
    "draw_photo",
    "fill",
    "holds_own_data",
    "is_demo",
    "is_filled",
]
