"""Memories get `keywords`: the words that should bring a memory to mind besides its own.

A character card's lorebook (`character_book`) entries become memories; each entry is meant
to come up when its keys are mentioned ("lighthouse" → "Built in 1890 by her grandfather"),
and the keys are often not words of the entry itself. Search and recall read
`body` and `keywords` together.
"""


def up(cur) -> None:
    cur.execute("ALTER TABLE memories ADD COLUMN keywords VARCHAR")
