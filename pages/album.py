"""Album: outings shared with the companion, their photos, and what the companion said."""

from ui import album, state

album.render(state.store())
