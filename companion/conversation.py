"""One exchange: store what the user said, then stream and store the companion's answer.

The user's words are committed before any model call. A reply is stored only when the stream
finished; a failed or cut-off stream stores nothing (the partial text is kept on the `Reply`
for display only) and the user's message stays, ready for a retry.

Care comes first (see `companion.safety`): crisis language in the user's words adds caring
instructions to the prompt and sets `Reply.crisis`; a reply that encourages self-harm is
withheld — never stored, and held back from the stream before any of it shows — and a caring
message is stored in its place (`Reply.withheld`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from companion import pipeline, prompt
from companion.provider import Image, PromptContext
from memory import messages, outings, personas, photos, places, recall, voice
from memory import settings as settings_store

#: Most history read for one reply; the context budget (`companion.prompt`) decides how
#: much of it the prompt carries, newest first.
HISTORY_LIMIT = 120

__all__ = ["HISTORY_LIMIT", "PromptContext", "Reply", "Upload", "send"]


@dataclass
class Upload:
    """A file the user attached."""

    name: str
    data: bytes


def send(
    store,
    persona_id: int,
    text: str | None,
    uploads: Sequence[Upload] = (),
    *,
    source: str = "chat",
    photos_required: bool = False,
) -> tuple[messages.Message | None, list[str]]:
    """Store the user's message (and attached photos) before anything else happens.

    Photos she shares join today's outing in the album (made when there is none today, see
    `outings.share`), once per content and in taken-time order; the message shows them in
    that order. Returns the stored message — None when there was nothing to send — and one
    plain sentence per attachment that could not be kept. With `photos_required` (a shared
    moment), her words are not stored either when none of the photos could be kept.
    """
    cleaned = messages.clean_user_text(text)  # raises for an over-long text, before any write
    problems: list[str] = []
    photo_ids: list[int] = []
    if uploads:
        shared = outings.share(store, persona_id, [(u.name, u.data) for u in uploads])
        problems = [f"{r.name}: {r.reason}" for r in shared.results if r.status == "rejected"]
        photo_ids = shared.photo_ids
    if photos_required and not photo_ids:
        return None, problems
    if cleaned is None and not photo_ids:
        return None, problems
    message = messages.add(
        store, persona_id, "user", cleaned or "", source=source, photo_ids=photo_ids
    )
    return message, problems


class Reply(pipeline.Reply):
    """The companion's answer to one user message, streamed and then stored.

    Iterate it (e.g. with `st.write_stream`) to receive text chunks. Iteration never raises
    for provider failures: afterwards `message` holds the stored reply, or `error` holds a
    `ProviderError` whose `message` is one plain sentence. `crisis` is the crisis language
    found in the user's message (None when there is none): the page shows helplines for it.
    `withheld` is True when the provider's reply encouraged self-harm and a caring message
    was stored instead. (All of that is `companion.pipeline`; this class says what to say.)
    """

    def __init__(
        self,
        store,
        provider,
        user_message: messages.Message,
        *,
        temperature: float | None = None,
        now: datetime | None = None,
        replaces: int | None = None,
    ):
        her_words = [user_message.content] if user_message.role == "user" else []
        super().__init__(store, provider, her_words=her_words, temperature=temperature)
        self.user_message = user_message
        self.now = now
        #: A reply being regenerated: deleted only once its replacement is stored.
        self.replaces = replaces
        self.persona = personas.current(store, user_message.persona_id)

    def request(self) -> pipeline.Request:
        """The chat's reply: recent history, recalled memories, her photos if it can see."""
        message = self.user_message
        tz = settings_store.timezone(self.settings)
        today = (self.now or datetime.now(tz)).astimezone(tz).date()
        history = messages.recent(
            self.store,
            message.persona_id,
            HISTORY_LIMIT,
            sources=("chat", "album", "journal"),
            before_id=message.id,
        )
        # The history read first tells recall where the messages it leaves out begin.
        recalled = recall.for_prompt(
            self.store,
            message.persona_id,
            message.content,
            tz=tz,
            message_id=message.id,
            history=history,
        )
        images: tuple[Image, ...] = ()
        if message.photo_ids and self.provider.supports_images:
            images = tuple(
                Image(data)
                for data in (self._image_for_model(pid) for pid in message.photo_ids)
                if data is not None
            )
        previous = next((m.content for m in reversed(history) if m.role == "companion"), None)
        if self.replaces is not None:
            # Regenerating: the reply being replaced is the one not to repeat.
            replaced = messages.get(self.store, self.replaces)
            previous = replaced.content if replaced is not None else previous
        if self.provider.name == "offline":
            # The offline voice answers with his past replies: a search of its own, wide
            # enough that none of his last twenty is ever said again.
            past = voice.past_replies(
                self.store,
                message.persona_id,
                message.content,
                before_id=message.id,
                names=(self.persona.name, self.persona.user_name or ""),
            )
            # His last twenty replies, not to be said again: from the history just read
            # when it holds them (a query of its own only when it does not).
            recent = [m.content for m in reversed(history) if m.role == "companion"]
            if len(recent) < voice.RECENT_REPLIES and len(history) >= HISTORY_LIMIT:
                recent = voice.recent_replies(self.store, message.persona_id)
            recent = recent[: voice.RECENT_REPLIES]
        else:
            # A model gets a few as examples, paired with what recall already found.
            past = voice.following(self.store, message.persona_id, recalled)
            recent = []
        return pipeline.Request(
            persona=self.persona,
            placement=messages.Placement(
                message.persona_id,
                source=message.source,
                reply_to=message.id,
                replaces=self.replaces,
                crisis_on=message.id,
            ),
            text=(message.content or "(a photo)") + self._album_note(),
            user_text=message.content,
            images=images,
            has_photos=bool(message.photo_ids),
            today=today,
            recalled=recalled,
            history=history,
            previous_reply=previous,
            meta={"recalled": [r.as_dict() for r in recalled]},
            past_replies=past,
            recent_replies=recent,
            examples=voice.for_prompt(self.store, message.persona_id),
            budget_tokens=prompt.budget(self.settings),
        )

    def _album_note(self) -> str:
        """Where her shared photos went, so that his answer can speak of the day out."""
        ids = self.user_message.photo_ids
        photo = photos.get(self.store, ids[0]) if ids else None
        outing = outings.get(self.store, photo.outing_id) if photo and photo.outing_id else None
        if outing is None:
            return ""
        where = places.outing_label(self.store, outing)
        place = f", at {where}" if where else ""
        count = "this photo; it is" if len(ids) == 1 else f"these {len(ids)} photos; they are"
        return (
            f"\n\n(She shared {count} now in your album together, "
            f"in the outing “{outing.title}”{place}.)"
        )

    def _image_for_model(self, photo_id: int) -> bytes | None:
        # A photo whose file went missing is left out rather than failing the reply.
        try:
            return photos.for_model(self.store, photo_id)
        except (LookupError, OSError):
            return None


def pending_user_message(store, persona_id: int) -> messages.Message | None:
    """The last chat message if it is the user's and still has no reply (a retry is due)."""
    last = messages.last(store, persona_id)
    if last is not None and last.role == "user":
        return last
    return None


def regenerate_target(store, persona_id: int) -> tuple[messages.Message, messages.Message] | None:
    """For 'regenerate': the last companion reply and the user message it answered.

    Nothing is deleted here: pass the old reply's id as `Reply(..., replaces=)` so that it is
    removed only once a new reply has been stored (a failed regenerate loses nothing).
    """
    last = messages.last(store, persona_id)
    if last is None or last.role != "companion" or last.reply_to is None:
        return None
    target = messages.get(store, last.reply_to)
    if target is None:
        return None
    return last, target
