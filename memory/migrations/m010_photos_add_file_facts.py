"""Photos remember facts read once at import: file size, format, dominant colours, orientation.

The colours let the companion describe a photo it cannot see (a model without vision, or the
offline voice) without decoding the file again; `size_bytes` and `format` are shown in the
album's large view.
"""


def up(cur) -> None:
    cur.execute("""
        ALTER TABLE photos ADD COLUMN size_bytes BIGINT;
        ALTER TABLE photos ADD COLUMN format VARCHAR;
        ALTER TABLE photos ADD COLUMN colours VARCHAR;
        ALTER TABLE photos ADD COLUMN orientation INTEGER;
    """)
