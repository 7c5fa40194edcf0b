"""A progress bar for long commands: redrawn in place on a terminal, a line per tenth
otherwise (so logs stay short). Written to stderr, so stdout keeps only the result."""

from __future__ import annotations

import sys
import time

WIDTH = 28


class Bar:
    """`Bar()(fraction, text)` draws; `done()` ends the line."""

    def __init__(self, stream=None):
        self.stream = stream or sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.last_draw = 0.0
        self.last_tenth = -1
        self.drawn = False

    def __call__(self, fraction: float, text: str) -> None:
        fraction = min(max(fraction, 0.0), 1.0)
        if self.tty:
            now = time.monotonic()
            if now - self.last_draw < 0.1 and fraction < 1.0:
                return
            self.last_draw = now
            filled = round(WIDTH * fraction)
            line = f"\r[{'#' * filled}{'.' * (WIDTH - filled)}] {fraction:4.0%}  {text[:60]}"
            self.stream.write(line.ljust(100))
            self.drawn = True
        else:
            tenth = int(fraction * 10)
            if tenth == self.last_tenth:
                return
            self.last_tenth = tenth
            self.stream.write(f"{fraction:4.0%}  {text}\n")
        self.stream.flush()

    def done(self) -> None:
        if self.tty and self.drawn:
            self.stream.write("\n")
            self.stream.flush()
