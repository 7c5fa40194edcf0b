"""The one pipeline every voice of the companion goes through.

Chat replies, album responses, journal reflections — and whatever he says next (greetings,
voice, a ceremony) — are the same thing: a prompt built from the persona version in force,
a stream from the provider, screened while it arrives, care when her words show crisis
language, provider failures turned into one plain sentence, and one call that stores the
finished reply (`memory.messages.save_reply`). The callers only say *what to say* and *where
to store it*.

How to call it
--------------
Describe the reply with a `Request`, wrap it in a `Reply`, iterate (or call `.text()`)::

    from companion import pipeline
    from memory import messages, personas

    persona = personas.current(store, persona_id)
    reply = pipeline.Reply(
        store,
        provider,
        pipeline.Request(
            persona=persona,
            text="She opened the app this morning. Greet her.",  # her turn, as the model reads it
            placement=messages.Placement(persona_id, source="greeting"),
            instructions=["Greet her warmly in one sentence."],
        ),
        her_words=[],  # what she wrote that this answers: screened for crisis language
        temperature=0.8,
    )
    for chunk in reply:  # or st.write_stream(reply), or reply.text()
        ...
    reply.message  # the stored `memory.messages.Message`, or None
    reply.error    # a `ProviderError` with one plain sentence (`.message`), or None

Iteration never raises for provider failures or a photo file gone missing. After it:
`message` is the stored reply; `error` says why there is none (a cut-off stream's text is
in `partial`, for display only, never stored); `crisis` is the crisis language found in
`her_words` (the page shows helplines; known before iterating); `withheld` is True when the
provider's reply encouraged self-harm and a caring message was stored instead (the harmful
text is held back from the stream before any of it shows); `recalled` the memories in the
prompt.

A caller that builds the request lazily (it recalls memories, reads photos — work that may
fail and belongs inside the iteration) subclasses `Reply` and overrides `request()`, as
`companion.conversation.Reply`, `companion.album.AlbumReply` and
`companion.journal.Reflection` do. `Reply.turns()` shows what would be sent.

`check(provider)` sends a tiny request and returns one sentence (Settings' Test connection).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date

from companion import prompt, safety, second_opinion
from companion.provider import Image, PromptContext, ProviderError, Turn
from memory import care_log, messages
from memory import settings as settings_store
from memory.personas import PersonaVersion

EMPTY_REPLY = "The model answered with an empty reply. Nothing was saved; try again."
MISSING_PHOTO = (
    "The photo's file is missing from the data folder, so it cannot be shown to the "
    "companion. Nothing was changed."
)


@dataclass
class Request:
    """One reply to produce: what goes into the prompt, and where the reply is stored.

    `text` is her turn as the model reads it (with `images`); `user_text` her own words it
    answers (the offline voice composes from them); `instructions` extra system-prompt lines
    for this kind of reply; `history` earlier messages (oldest first); `previous_reply` the
    reply not to repeat; `meta` what to record on the stored reply beside care.
    """

    persona: PersonaVersion
    placement: messages.Placement
    text: str
    user_text: str = ""
    images: tuple[Image, ...] = ()
    has_photos: bool = False
    today: date | None = None
    recalled: Sequence = ()
    instructions: Sequence[str] = ()
    history: Sequence[messages.Message] = ()
    previous_reply: str | None = None
    meta: dict = field(default_factory=dict)
    #: His past replies to messages like hers (`memory.voice`): examples for a model, the
    #: words the offline voice answers with.
    past_replies: Sequence = ()
    #: His last replies, newest first (the offline voice never repeats one).
    recent_replies: Sequence = ()
    #: Examples of his voice kept with the persona (`memory.voice.for_prompt`).
    examples: Sequence = ()
    #: The context budget in tokens (`companion.prompt.budget`); None sends everything.
    budget_tokens: int | None = None


def screen_words(her_words: Sequence[str | None]) -> safety.Crisis | None:
    """Crisis language anywhere in her words (a message, an entry, notes, captions)."""
    return safety.detect_crisis("\n".join(w for w in her_words if w and w.strip()))


class Reply:
    """One reply of his, streamed, screened and stored (see the module docstring)."""

    #: The sentence when the model sends nothing (callers may say it their own way).
    empty_sentence = EMPTY_REPLY

    def __init__(
        self,
        store,
        provider,
        request: Request | None = None,
        *,
        her_words: Sequence[str | None] = (),
        temperature: float | None = None,
    ):
        self.store = store
        self.provider = provider
        self.temperature = temperature
        self._request = request
        self._her_words = tuple(w for w in her_words if w)
        self.crisis: safety.Crisis | None = screen_words(her_words)
        #: The stored settings, read once for the whole reply (`memory.settings.Snapshot`):
        #: her region here, her time zone and the context budget in `request()`.
        self.settings = settings_store.snapshot(store)
        #: Her region's emergency number, for care that must name it.
        self.emergency_number = safety.helplines(safety.region(self.settings)).emergency
        # With a model, its moderation reads her words while the reply is made (it can only
        # raise the care the rules chose, never lower it).
        self._opinion = second_opinion.start(provider, self._sample())
        self.message: messages.Message | None = None
        self.error: ProviderError | None = None
        self.partial = ""
        self.withheld = False
        self.recalled: list = list(request.recalled) if request is not None else []

    # -- what the caller says ------------------------------------------------------------------
    def request(self) -> Request:
        """The reply to produce; subclasses build it here (it runs inside the iteration)."""
        if self._request is None:
            raise TypeError("Pass a Request, or override Reply.request()")
        return self._request

    # -- the pipeline --------------------------------------------------------------------------
    def _prepare(self) -> tuple[Request, list[Turn], PromptContext]:
        request = self.request()
        self.recalled = list(request.recalled)
        care = (
            [safety.crisis_instructions(self.crisis, self.emergency_number)] if self.crisis else []
        )
        turns = prompt.assemble(
            request.persona,
            request.text,
            images=request.images,
            today=request.today,
            recalled=request.recalled,
            instructions=[*request.instructions, *care],
            history=request.history,
            examples=request.examples,
            past_replies=request.past_replies,
            budget_tokens=request.budget_tokens,
        )
        context = PromptContext(
            persona=request.persona,
            user_text=request.user_text,
            recalled=list(request.recalled),
            has_photos=request.has_photos,
            previous_reply=request.previous_reply,
            past_replies=list(request.past_replies),
            recent_replies=list(request.recent_replies),
            today=request.today,
        )
        return request, turns, context

    def turns(self) -> tuple[list[Turn], PromptContext]:
        """The turns that would be sent to the provider, and the context beside them."""
        _, turns, context = self._prepare()
        return turns, context

    def _voice(self, request: Request, turns: list[Turn], context: PromptContext):
        if self.crisis and self.provider.name == "offline":
            # The offline voice composes from the persona's words and cannot answer a crisis
            # with the care it needs, so it says the prepared caring words instead.
            yield safety.offline_crisis_reply(
                request.persona.language,
                self._sample(),
                emergency=self.emergency_number,
                crisis=self.crisis,
            )
            return
        yield from self.provider.stream(turns, temperature=self.temperature, context=context)

    def _sample(self) -> str:
        return "\n".join(self._her_words)

    def __iter__(self) -> Iterator[str]:
        try:
            yield from self._run()
        finally:
            if self.crisis:
                care_log.record(self.store, self.crisis.tier)

    def _run(self) -> Iterator[str]:
        received: list[str] = []
        text = ""
        shown = screened = 0
        try:
            request, turns, context = self._prepare()
            stream = self._voice(request, turns, context)
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
                    if self.crisis and self.crisis.emergency:
                        ready = 0  # an act under way: nothing shows until it is checked whole
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
        except OSError:
            self.error = ProviderError("bad_request", MISSING_PHOTO)
            return
        full = "".join(received)
        text = full.strip()
        self.crisis = second_opinion.raise_care(self.crisis, self._opinion)
        self.withheld = self.withheld or safety.must_withhold(text, self.crisis)
        meta = dict(request.meta)
        if self.crisis:
            meta["care"] = list(self.crisis.categories)
            meta["care_tier"] = self.crisis.tier
        if self.withheld:
            text = safety.withheld_reply(
                request.persona.language,
                self._sample(),
                emergency=self.emergency_number,
                crisis=self.crisis,
            )
            meta["withheld"] = True
            yield ("\n\n" if shown else "") + text
        else:
            if not text:
                self.error = ProviderError("server", self.empty_sentence)
                return
            if len(full) > shown:
                yield full[shown:]
        self.message = messages.save_reply(
            self.store,
            request.placement,
            text,
            provider=self.provider.name,
            model=self.provider.model,
            persona_version_id=request.persona.id,
            meta=meta,
            crisis=self.crisis.categories if self.crisis else (),
        )

    def text(self) -> str:
        """Run the whole reply (for non-streaming callers such as the CLI) and return it."""
        return "".join(self)


def check(provider) -> str:
    """Send a tiny request; one plain sentence on success, `ProviderError` if it fails.

    The offline voice needs no connection and says so.
    """
    if provider.name == "offline":
        return "The offline voice needs no connection; it is always there."
    reply = "".join(
        provider.stream([Turn("user", "Reply with the single word: ok")], temperature=0)
    )
    return f"Connected: {provider.model} answered “{reply.strip()[:40]}”."
