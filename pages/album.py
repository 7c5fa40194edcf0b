"""Album: outings shared with the companion, their photos, and what the companion said."""

from ui import album, care, state

# An act under way (in an outing's notes or a caption): her region's emergency number first.
care.emergency_first(state.store(), state.persona_id(state.store()))
album.render(state.store())
