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

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from companion import safety
from companion.prompt import history_turns, system_prompt
from companion.provider import Image, ProviderError, Turn
from memory import messages, personas, photos, recall
from memory import settings as settings_store

HISTORY_LIMIT = 30


@dataclass
class PromptContext:
    """What a provider may know beyond the turns (the offline voice uses it)."""

    persona: personas.PersonaVersion
    user_text: str
    recalled: list = field(default_factory=list)
    has_photos: bool = False
    previous_reply: str | None = None


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
) -> tuple[messages.Message | None, list[str]]:
    """Store the user's message (and attached photos) before anything else happens.

    Returns the stored message — None when there was nothing to send — and one plain
    sentence per attachment that could not be kept.
    """
    cleaned = messages.clean_user_text(text)  # raises for an over-long text, before any write
    problems: list[str] = []
    photo_ids: list[int] = []
    for upload in uploads:
        try:
            photo_ids.append(photos.add(store, upload.data, original_name=upload.name).id)
        except photos.PhotoRejected as exc:
            problems.append(f"{upload.name}: {exc}")
    if cleaned is None and not photo_ids:
        return None, problems
    message = messages.add(
        store, persona_id, "user", cleaned or "", source=source, photo_ids=photo_ids
    )
    return message, problems


class Reply:
    """The companion's answer to one user message, streamed and then stored.

    Iterate it (e.g. with `st.write_stream`) to receive text chunks. Iteration never raises
    for provider failures: afterwards `message` holds the stored reply, or `error` holds a
    `ProviderError` whose `message` is one plain sentence. `crisis` is the crisis language
    found in the user's message (None when there is none): the page shows helplines for it.
    `withheld` is True when the provider's reply encouraged self-harm and a caring message
    was stored instead.
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
        self.store = store
        self.provider = provider
        self.user_message = user_message
        self.temperature = temperature
        self.now = now
        #: A reply being regenerated: deleted only once its replacement is stored.
        self.replaces = replaces
        self.message: messages.Message | None = None
        self.error: ProviderError | None = None
        self.partial = ""
        self.recalled: list = []
        self.persona = personas.current(store, user_message.persona_id)
        self.crisis: safety.Crisis | None = (
            safety.detect_crisis(user_message.content) if user_message.role == "user" else None
        )
        self.withheld = False

    def turns(self) -> tuple[list[Turn], PromptContext]:
        """The turns sent to the provider, and the context beside them."""
        tz = settings_store.timezone(self.store)
        today = (self.now or datetime.now(tz)).astimezone(tz).date()
        self.recalled = recall.for_prompt(
            self.store, self.user_message.persona_id, self.user_message.content
        )
        history = [
            m
            for m in messages.recent(
                self.store,
                self.user_message.persona_id,
                HISTORY_LIMIT,
                sources=("chat", "album", "journal"),
                before_id=self.user_message.id,
            )
        ]
        care = [safety.crisis_instructions()] if self.crisis else []
        turns = [
            Turn(
                "system",
                system_prompt(self.persona, today=today, recalled=self.recalled, extra=care),
            )
        ]
        turns.extend(history_turns(history))
        images: tuple[Image, ...] = ()
        if self.user_message.photo_ids and self.provider.supports_images:
            images = tuple(
                Image(data)
                for data in (self._image_for_model(pid) for pid in self.user_message.photo_ids)
                if data is not None
            )
        text = self.user_message.content or "(a photo)"
        turns.append(Turn("user", text, images))
        previous = next((m.content for m in reversed(history) if m.role == "companion"), None)
        if self.replaces is not None:
            # Regenerating: the reply being replaced is the one not to repeat.
            replaced = messages.get(self.store, self.replaces)
            previous = replaced.content if replaced is not None else previous
        context = PromptContext(
            persona=self.persona,
            user_text=self.user_message.content,
            recalled=self.recalled,
            has_photos=bool(self.user_message.photo_ids),
            previous_reply=previous,
        )
        return turns, context

    def _image_for_model(self, photo_id: int) -> bytes | None:
        # A photo whose file went missing is left out rather than failing the reply.
        try:
            return photos.for_model(self.store, photo_id)
        except (LookupError, OSError):
            return None

    def _voice(self, turns: list[Turn], context: PromptContext) -> Iterator[str]:
        if self.crisis and self.provider.name == "offline":
            # The offline voice composes from the persona's words and cannot answer a crisis
            # with the care it needs, so it says the prepared caring words instead.
            yield safety.offline_crisis_reply(self.persona.language, self.user_message.content)
            return
        yield from self.provider.stream(turns, temperature=self.temperature, context=context)

    def __iter__(self) -> Iterator[str]:
        received: list[str] = []
        text = ""
        shown = screened = 0
        try:
            turns, context = self.turns()
            stream = self._voice(turns, context)
            try:
                for chunk in stream:
                    received.append(chunk)
                    text += chunk
                    if len(text) - screened >= safety.SCREEN_EVERY:
                        screened = len(text)
                        if safety.tail_encourages_harm(text):
                            self.withheld = True
                            break
                    # Only text screened with at least HOLDBACK characters after it is shown.
                    ready = min(screened, len(text)) - safety.HOLDBACK
                    if ready > shown:
                        yield text[shown:ready]
                        shown = ready
            finally:
                stream.close()
        except ProviderError as exc:
            self.error = exc
            partial = exc.partial or "".join(received)
            self.partial = "" if safety.encourages_harm(partial) else partial
            return
        text = "".join(received)
        self.withheld = self.withheld or safety.encourages_harm(text)
        meta: dict = {"recalled": [r.as_dict() for r in self.recalled]}
        if self.crisis:
            meta["care"] = list(self.crisis.categories)
        if self.withheld:
            text = safety.withheld_reply(self.persona.language, self.user_message.content)
            meta["withheld"] = True
            yield ("\n\n" if shown else "") + text
        else:
            if not text.strip():
                self.error = ProviderError(
                    "server",
                    "The model answered with an empty reply. Nothing was saved; try again.",
                )
                return
            if len(text) > shown:
                yield text[shown:]
        if self.crisis:
            messages.update_meta(
                self.store, self.user_message.id, crisis=list(self.crisis.categories)
            )
        self.message = messages.add(
            self.store,
            self.user_message.persona_id,
            "companion",
            text,
            source=self.user_message.source,
            provider=self.provider.name,
            model=self.provider.model,
            persona_version_id=self.persona.id,
            reply_to=self.user_message.id,
            meta=meta,
        )
        if self.replaces is not None:
            messages.delete(self.store, self.replaces)

    def text(self) -> str:
        """Run the whole reply (for non-streaming callers) and return its text."""
        return "".join(self)


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
