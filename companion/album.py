"""The companion's responses in the album: to one photo, and to an outing as a whole.

Responses go through the one provider interface. A model with vision receives the photo,
downscaled (`memory.photos.for_model`), never the original file. Without vision — a text
model, or the offline voice — the companion is told what is known instead: the time of day,
the dominant colours read at import, the place and the user's caption.

Responses are messages with `source='album'` and `outing_id` (and `photo_id` for a photo),
so the dashboard counts them. A new response replaces the old one only once it is complete:
a failed or cut-off regeneration keeps what was there. Screening and care are the pipeline's
(`companion.pipeline`): crisis language in the outing's notes or a photo's caption brings
care as it does in the chat.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from companion import pipeline
from companion.conversation import Reply
from companion.provider import Image
from memory import messages, outings, personas, places
from memory import photos as photo_store
from memory import settings as settings_store
from memory.errors import InvalidInput, NotFound

#: Photos sent to a vision model for an outing as a whole (each downscaled further).
OUTING_IMAGES = 4
OUTING_IMAGE_SIDE = 512
PHOTO_INSTRUCTION = (
    "The user is showing you a photo from a day out you shared. Answer as yourself, warmly "
    "and briefly (two or three sentences), about what is in it and what it meant to you."
)
OUTING_INSTRUCTION = (
    "The user is remembering a whole day out you shared with them. Answer as yourself, warmly "
    "and briefly (three or four sentences), about the day as a whole."
)


@dataclass(frozen=True)
class Remembered:
    """A memory handed to the offline voice (it speaks of `title`)."""

    title: str
    kind: str = "outing"

    def as_dict(self) -> dict:
        return {"kind": self.kind, "title": self.title}


def time_of_day(moment: datetime | None, tz) -> str | None:
    """ "early morning", "morning", "midday", "afternoon", "evening" or "night"."""
    if moment is None:
        return None
    hour = moment.astimezone(tz).hour
    for limit, name in ((5, "night"), (8, "early morning"), (11, "morning"), (14, "midday")):
        if hour < limit:
            return name
    if hour < 17:
        return "afternoon"
    if hour < 21:
        return "evening"
    return "night"


def describe_photo(photo: photo_store.Photo, outing: outings.Outing | None, tz) -> str:
    """What is known about a photo, in plain words, for a companion that cannot see it."""
    parts = []
    when = time_of_day(photo.taken_at, tz)
    if when and photo.taken_at:
        parts.append(f"taken in the {when} ({photo.taken_at.astimezone(tz):%H:%M})")
    if photo.colours:
        parts.append(f"mostly {photo.colours}")
    # Her words for the place, else the town its GPS is in (found offline), never numbers.
    where = (outing.place if outing is not None else None) or places.name_for(
        photo.gps_lat, photo.gps_lon
    )
    if where:
        parts.append(f"at {where}")
    if photo.width and photo.height:
        shape = "tall" if photo.height > photo.width * 1.1 else "wide"
        shape = "square" if abs(photo.width - photo.height) <= photo.width * 0.1 else shape
        parts.append(f"a {shape} picture")
    text = "; ".join(parts) if parts else "nothing more is known"
    if photo.caption:
        text += f". The user's caption: “{photo.caption}”"
    return text


def _outing_line(outing: outings.Outing) -> str:
    line = f"The outing: “{outing.title}”"
    if outing.place:
        line += f" at {outing.place}"
    line += f" on {outing.happened_on:%A %d %B %Y}."
    if outing.notes:
        line += f" The user's notes: {outing.notes}"
    return line


class AlbumReply(pipeline.Reply):
    """The companion's response to a photo or an outing, streamed and then stored.

    Iterate it to receive chunks (e.g. with `st.write_stream`); iteration never raises for
    provider failures: afterwards `message` holds the stored response or `error` a
    `ProviderError` with one plain sentence. A stored response replaces the previous one.
    """

    def __init__(
        self,
        store,
        provider,
        outing_id: int,
        *,
        photo_id: int | None = None,
        temperature: float | None = None,
        today: date | None = None,
    ):
        outing = outings.get(store, outing_id)
        if outing is None:
            raise NotFound(f"No outing {outing_id}")
        photo = photo_store.get(store, photo_id) if photo_id is not None else None
        if photo_id is not None and photo is None:
            raise NotFound(f"No photo {photo_id}")
        her_words = [outing.notes, photo.caption if photo else None]
        if photo is None:
            her_words += [p.caption for p in photo_store.of_outing(store, outing_id)]
        super().__init__(store, provider, her_words=her_words, temperature=temperature)
        self.outing = outing
        self.photo = photo
        self.today = today
        self.persona = personas.current(store, outing.persona_id)

    @property
    def sees_images(self) -> bool:
        return self.provider.supports_images

    def request(self) -> pipeline.Request:
        """The response's prompt: the outing, the photo (or what is known of it)."""
        tz = settings_store.timezone(self.settings)
        today = self.today or datetime.now(tz).date()
        previous = outings.responses(self.store, self.outing.id).get(
            self.photo.id if self.photo else None
        )
        request = self._photo_request(tz) if self.photo else self._outing_request(tz)
        request.today = today
        request.previous_reply = previous.content if previous else None
        return request

    def _placement(self) -> messages.Placement:
        return messages.Placement(
            self.outing.persona_id,
            source="album",
            outing_id=self.outing.id,
            photo_id=self.photo.id if self.photo else None,
            replace_same_place=True,
        )

    def _meta(self) -> dict:
        return {"album": "photo" if self.photo else "outing", "saw_image": self.sees_images}

    def _photo_request(self, tz) -> pipeline.Request:
        photo, outing = self.photo, self.outing
        text = f"{_outing_line(outing)} Here is one of the photos."
        images: tuple[Image, ...] = ()
        if self.sees_images:
            images = (Image(photo_store.for_model(self.store, photo.id)),)
            if photo.caption:
                text += f" My caption: “{photo.caption}”."
        else:
            text += f" (You cannot see it. What is known: {describe_photo(photo, outing, tz)}.)"
        when = time_of_day(photo.taken_at, tz)
        memory = f"the {when} at {outing.place}" if when and outing.place else None
        return pipeline.Request(
            persona=self.persona,
            placement=self._placement(),
            text=text,
            user_text=photo.caption or "",
            images=images,
            has_photos=True,
            recalled=[Remembered(memory)] if memory else [],
            instructions=[PHOTO_INSTRUCTION],
            meta=self._meta(),
        )

    def _outing_request(self, tz) -> pipeline.Request:
        outing = self.outing
        shown = photo_store.of_outing(self.store, outing.id, limit=12)
        total = outings.photo_count(self.store, outing.id)
        text = f"{_outing_line(outing)} We kept {total} photo{'s' if total != 1 else ''}."
        images: tuple[Image, ...] = ()
        if self.sees_images and shown:
            images = tuple(
                Image(photo_store.for_model(self.store, p.id, max_side=OUTING_IMAGE_SIDE))
                for p in shown[:OUTING_IMAGES]
            )
        elif shown:
            lines = [f"- {describe_photo(p, outing, tz)}" for p in shown[:8]]
            text += " (You cannot see them. What is known about them:\n" + "\n".join(lines) + ")"
        return pipeline.Request(
            persona=self.persona,
            placement=self._placement(),
            text=text,
            user_text=outing.notes or "",
            images=images,
            has_photos=bool(shown),
            recalled=[Remembered(f"{outing.title}")],
            instructions=[OUTING_INSTRUCTION],
            meta=self._meta(),
        )


def respond_to_photo(store, provider, photo_id: int, **kwargs) -> AlbumReply:
    """A response to one photo of an outing (iterate it, or call `.text()`)."""
    photo = photo_store.get(store, photo_id)
    if photo is None or photo.outing_id is None:
        raise NotFound(f"Photo {photo_id} is not in an outing")
    return AlbumReply(store, provider, photo.outing_id, photo_id=photo_id, **kwargs)


def respond_to_outing(store, provider, outing_id: int, **kwargs) -> AlbumReply:
    """A response to an outing as a whole (iterate it, or call `.text()`)."""
    return AlbumReply(store, provider, outing_id, **kwargs)


@dataclass
class ChatContinuation:
    """The user's answer to a photo, now a chat message with the photo attached."""

    user_message: messages.Message
    reply: Reply
    problems: list[str] = field(default_factory=list)


def answer_photo(
    store, provider, photo_id: int, text: str, *, temperature: float | None = None
) -> ChatContinuation:
    """Continue a photo in the chat: store the user's words with the photo attached.

    The message is committed at once (nothing lost); iterate `.reply` to get the
    companion's answer in the chat, which sees the photo when the model has vision.
    """
    photo = photo_store.get(store, photo_id)
    if photo is None:
        raise NotFound(f"No photo {photo_id}")
    cleaned = messages.clean_user_text(text)
    if cleaned is None:
        raise InvalidInput("Write something to say about the photo first.")
    outing = outings.get(store, photo.outing_id) if photo.outing_id is not None else None
    persona_id = outing.persona_id if outing else None
    if persona_id is None:
        raise NotFound(f"Photo {photo_id} is not in an outing")
    message = messages.add(
        store,
        persona_id,
        "user",
        cleaned,
        source="chat",
        photo_ids=[photo_id],
        meta={"album_photo_id": photo_id, "outing_id": outing.id},
    )
    return ChatContinuation(message, Reply(store, provider, message, temperature=temperature))
