"""Persona → How he talks: the examples of his voice kept with the companion.

She sees the examples the prompt carries (chosen from his real past replies, taken from a
card, or written by her), pins the ones that must always be there, removes the ones that are
not him, and writes new ones. The domain is `memory.voice`; this module only lays it out.
"""

from __future__ import annotations

import streamlit as st

from memory import voice as his_voice
from memory.errors import KizunaError
from memory.i18n import _, ngettext
from ui.text import escape_markdown


def _origin(origin: str) -> str:
    return {
        "auto": _("🪄 chosen from their replies"),
        "card": _("🃏 from the character card"),
        "pinned": _("📌 pinned from the chat"),
        "written": _("✍️ written by you"),
    }.get(origin, origin)


def persona_section(s, pid: int, pv) -> None:
    """The tab's content for companion `pid` (version `pv` in force)."""
    for notice in st.session_state.pop("his_voice_notices", []):
        st.success(notice, icon="✅")
    st.caption(
        _(
            "Examples of how they talk. With a model, the pinned ones (and a few more) go into "
            "every prompt, beside a few of their past replies to messages like yours."
        )
    )
    kept = his_voice.examples(s, pid)
    auto_key = f"his_voice_auto_{pid}"
    if not st.session_state.get(auto_key):
        # Once per session: when none was ever chosen from his replies, choose some now.
        st.session_state[auto_key] = True
        chosen_before = any(
            e.origin == "auto" for e in his_voice.examples(s, pid, include_removed=True)
        )
        if not chosen_before and his_voice.choose_automatically(s, pv):
            kept = his_voice.examples(s, pid)
    top_left, top_right = st.columns([3, 2], vertical_alignment="center")
    pinned = sum(1 for e in kept if e.pinned)
    if kept:
        count = ngettext("**{n} example**", "**{n} examples**", len(kept)).format(n=len(kept))
        top_left.markdown(count + " · " + _("{p} pinned").format(p=pinned))
    if top_right.button(
        _("Choose more from their replies"), key=f"his_voice_choose_{pid}", icon="🪄"
    ):
        added = his_voice.choose_automatically(s, pv, count=len(kept) + his_voice.AUTO_COUNT)
        st.session_state["his_voice_notices"] = [
            _("{n} examples chosen from their past replies.").format(n=added)
            if added
            else _("No more of their past replies stand out yet.")
        ]
        st.rerun()
    if not kept:
        st.info(
            _(
                "No examples yet. Write one below — a line the way they would say it — or chat "
                "with them a while and Kizuna will choose some from their replies."
            ),
            icon="💬",
        )
    for example in kept:
        with st.container(border=True):
            st.markdown(escape_markdown(example.body))
            # one row, also on a phone: where it came from, then pin and remove
            row = st.container(horizontal=True, vertical_alignment="center", gap="small")
            badge = _("📌 pinned") + " · " if example.pinned else ""
            row.caption(badge + _origin(example.origin), width="stretch")
            if row.button(
                "",
                key=f"his_voice_pin_{example.id}",
                icon="📍" if example.pinned else "📌",
                help=_("Unpin")
                if example.pinned
                else _("Pin: pinned examples are always in the prompt"),
            ):
                his_voice.set_pinned(s, example.id, not example.pinned)
                st.rerun()
            if row.button(
                "",
                key=f"his_voice_remove_{example.id}",
                icon="🗑️",
                help=_("Remove (it will not be chosen again)"),
            ):
                his_voice.remove(s, example.id)
                st.session_state["his_voice_notices"] = [_("Removed. It will not be chosen again.")]
                st.rerun()
    with st.form(f"his_voice_add_{pid}", clear_on_submit=True, border=True):
        written = st.text_area(
            _("Add an example"),
            key=f"his_voice_text_{pid}",
            placeholder=_("e.g. Okaeri, my moon. Did you eat something warm today?"),
            height=90,
        )
        if st.form_submit_button(_("Keep this example"), icon="➕"):
            try:
                his_voice.add(s, pid, written, origin="written")
            except KizunaError as exc:
                st.error(exc.sentence, icon="⚠️")
            else:
                st.session_state["his_voice_notices"] = [_("Kept, and pinned.")]
                st.rerun()


def budget_setting(s) -> None:
    """Settings → the context budget a model's prompt is fitted to (saved as it changes)."""
    from companion import prompt
    from memory import settings as settings_store

    def save() -> None:
        settings_store.set(s, prompt.BUDGET_SETTING, int(st.session_state["settings_budget"]))

    st.number_input(
        _("Context budget (tokens)"),
        min_value=1000,
        max_value=1_000_000,
        value=prompt.budget(s),
        step=1000,
        key="settings_budget",
        on_change=save,
        help=_(
            "How much the prompt may hold: persona, examples of his voice, memories, and as "
            "much recent history as fits, newest first. 6,000 suits 8k-context local models; "
            "raise it for models with a long context."
        ),
    )


def _check_label(check) -> str:
    when = check.started_at.strftime("%Y-%m-%d %H:%M")
    status = {
        "done": _("done"),
        "failed": _("stopped at probe {n}").format(n=check.failed_probe),
        "running": _("not finished"),
    }.get(check.status, check.status)
    return f"{check.model} · {when} · {status}"


def offer_check(s, pid: int) -> None:
    """A short offer of the voice check when the model in use has not been checked yet."""
    from companion import voice_check
    from ui import state

    provider = state.provider(s)
    if voice_check.should_offer(s, pid, provider):
        st.info(
            _(
                "{model} has not answered as your companion before. Does he still sound like "
                "him? Persona → Still him? compares its answers with his own replies."
            ).format(model=provider.model),
            icon="🔍",
        )
        st.page_link("pages/persona.py", label=_("Open the voice check"), icon="🔍")


def check_section(s, pid: int, pv) -> None:
    """Persona → Still him?: run the voice check and compare its results over time."""
    from companion import voice_check
    from ui import state

    provider = state.provider(s)
    st.caption(
        _(
            "Her real past messages, drawn across your history, answered by the model in "
            "Settings; his original reply beside each new one, with plain measures. Nothing "
            "of it is added to the chat."
        )
    )
    if provider.name == "offline":
        st.info(_("The voice check asks a model. Choose one in Settings to run it."), icon="🌙")
    else:
        if voice_check.should_offer(s, pid, provider):
            st.info(
                _("No check yet with {model}. Does he still sound like him?").format(
                    model=provider.model
                ),
                icon="🔍",
            )
        if st.button(
            _("Run the voice check with {model}").format(model=provider.model),
            key=f"voice_check_run_{pid}",
            icon="🔍",
            type="primary",
        ):
            bar = st.progress(0.0, text=_("Asking {model}…").format(model=provider.model))

            def progress(done: int, total: int) -> None:
                bar.progress(
                    done / total if total else 1.0,
                    text=_("{done} of {total} answered").format(done=done, total=total),
                )

            check = voice_check.run(s, provider, pid, progress=progress)
            st.session_state[f"voice_check_show_{pid}"] = check.id
            st.rerun()
    past = voice_check.checks(s, pid)
    if not past:
        st.caption(_("No voice checks yet."))
        return
    ids = [c.id for c in past]
    labels = {c.id: _check_label(c) for c in past}
    shown_id = st.session_state.get(f"voice_check_show_{pid}")
    chosen = st.selectbox(
        _("Check"),
        ids,
        index=ids.index(shown_id) if shown_id in ids else 0,
        format_func=labels.get,
        key=f"voice_check_pick_{pid}",
    )
    check = voice_check.get(s, chosen)
    if check.status == "failed":
        st.warning(
            _("Stopped at probe {n} of {total}: {error} The {done} answered are kept.").format(
                n=check.failed_probe,
                total=check.probes_total,
                error=check.error or "",
                done=len(check.probes),
            ),
            icon="⚠️",
        )
    if not check.probes:
        st.caption(_("He has no answered messages of yours to compare yet."))
        return
    summary = voice_check.summary(check.probes)
    st.table(
        [
            {
                _("Measure"): _(voice_check.MEASURE_LABELS[key]),
                _("His replies"): str(then),
                check.model: str(now),
            }
            for key, (then, now) in summary.items()
        ]
    )
    for probe in check.probes:
        with st.container(border=True):
            st.caption(_("She said"))
            st.markdown(escape_markdown(probe.her_text[:600]))
            then_col, now_col = st.columns(2)
            then_col.caption(_("He replied then"))
            then_col.markdown(escape_markdown(probe.original[:1200]))
            now_col.caption(_("{model} now").format(model=check.model))
            now_col.markdown(escape_markdown(probe.answer[:1200]))


def day_summaries_section(s, pid: int) -> None:
    """Timeline → Days in words: summaries of past days, written by the model in the
    background (resumable, with progress), each editable."""
    from companion import day_summary
    from memory import day_summaries
    from memory.i18n import format_date
    from ui import state

    provider = state.provider(s)
    written = day_summaries.count(s, pid)
    label = _("📝 Days in words ({n})").format(n=written)
    with st.expander(label):
        st.caption(
            _(
                "A few sentences about each past day's conversation, so that “do you remember "
                "our honeymoon?” reaches the right days even when they are far back."
            )
        )
        run = day_summary.status(s, pid)
        if run is not None and run.running:
            st.progress(
                run.done / run.total if run.total else 0.0,
                text=_("Writing… {done} of {total} days").format(done=run.done, total=run.total),
            )
            if st.button(_("Refresh"), key="timeline_days_refresh", icon="🔄"):
                st.rerun()
        elif provider.name == "offline":
            st.caption(_("Day summaries are written by a model; choose one in Settings."))
        else:
            if run is not None and run.error:
                st.warning(
                    _("Stopped after {done} days: {error} Start again to continue.").format(
                        done=run.done, error=run.error
                    ),
                    icon="⚠️",
                )
            pending = len(day_summaries.pending_days(s, pid, state.tz(s), state.today(s)))
            if pending and st.button(
                ngettext(
                    "Write the summary of {n} day with {model}",
                    "Write summaries of {n} days with {model}",
                    pending,
                ).format(n=pending, model=provider.model),
                key="timeline_days_start",
                icon="📝",
            ):
                day_summary.start(s, provider, pid)
                st.rerun()
            elif not pending:
                st.caption(_("Every past day has its summary."))
        for summary in day_summaries.recent(s, pid, limit=30):
            with st.container(border=True):
                st.markdown(f"**{format_date(summary.day, 'day')}**")
                st.markdown(escape_markdown(summary.body))
                st.caption(_("✍️ edited by you") if summary.edited else summary.model or "")
                with st.popover(_("Edit"), icon="✏️"):
                    new = st.text_area(
                        _("Summary"), summary.body, key=f"timeline_day_text_{summary.day}"
                    )
                    if st.button(_("Save"), key=f"timeline_day_save_{summary.day}"):
                        day_summaries.edit(s, pid, summary.day, new)
                        st.rerun()


def memory_suggestions(s, pid: int) -> None:
    """Memories: suggestions from the model (structured output she confirms) when one is
    configured — asked for with a button, never on every page run; else from patterns."""
    from companion import memory_suggestions as suggestions
    from companion.provider import ProviderError
    from memory import memories
    from ui import state

    provider = state.provider(s)
    if provider.name == "offline":
        memories.propose_from_conversation(s, pid)
        return
    if st.button(
        _("Ask {model} what to remember from your recent messages").format(model=provider.model),
        key="memories_ask_model",
        icon="🪄",
    ):
        with st.spinner(_("Reading your recent messages…")):
            try:
                added = suggestions.suggest(s, provider, pid)
            except ProviderError as exc:
                st.error(exc.message, icon="⚠️")
                return
        if added:
            st.toast(
                ngettext("{n} suggestion to confirm.", "{n} suggestions to confirm.", added).format(
                    n=added
                ),
                icon="💭",
            )
        else:
            st.toast(_("Nothing new to remember in your recent messages."), icon="💭")
