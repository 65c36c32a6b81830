"""Helpers for streamlit.testing AppTest runs of the real app."""

import html
import re
from pathlib import Path

from streamlit.testing.v1 import AppTest

from kringwijs_survey.domain import rounds, sharing

APP = str(Path(__file__).resolve().parents[1] / "app.py")


def open_page(path: str, query: dict[str, str] | None = None, session: dict | None = None) -> AppTest:
    app = AppTest.from_file(APP, default_timeout=30)
    for key, value in (query or {}).items():
        app.query_params[key] = value
    for key, value in (session or {}).items():
        app.session_state[key] = value
    app.run()
    if path != "pages/welcome.py":
        app.switch_page(path)
        app.run()
    return app


def typed_texts(app: AppTest, kind: str | None = None) -> list[str]:
    """What the page shows through typed_text (st.html elements), as a person reads it."""
    marker = f"kw-typed-{kind}" if kind else "kw-typed"
    bodies = [element.proto.body for element in app.get("html")]
    return [html.unescape(re.sub(r"<[^>]+>", "", body)) for body in bodies if marker in body]


def all_text(app: AppTest) -> str:
    """Everything a person could read on the page, as one string."""
    parts = [m.value for m in app.markdown] + [e.label for e in app.expander] + [t.value for t in app.title]
    parts += [h.value for h in app.header] + [h.value for h in app.subheader] + [c.value for c in app.caption]
    parts += [t.label for t in app.tabs] + [x.value for x in app.text] + [i.value for i in app.info]
    parts += [s.value for s in app.success] + [w.value for w in app.warning] + [e.value for e in app.error]
    parts += [p.proto.text for p in app.get("progress")]
    parts += [c.value for c in app.code] + [s.label for s in app.selectbox] + [r.label for r in app.radio]
    parts += typed_texts(app)
    return "\n".join(str(p) for p in parts)


def check_share_switch(app: AppTest, engine, key: str, round_id: int, shared_text: str) -> None:
    """The switch `key` on the team page shares round `round_id` (the page then says `shared_text`)
    and withdraws it again; a switch left on in another tab never shares a round again that was
    withdrawn meanwhile."""
    app.toggle(key=key).set_value(True).run()
    assert not app.exception
    assert rounds.get_round(engine, round_id).published
    assert shared_text in all_text(app)
    app.toggle(key=key).set_value(False).run()
    assert not rounds.get_round(engine, round_id).published

    app.toggle(key=key).set_value(True).run()
    sharing.withdraw_round(engine, round_id)
    app.run()
    assert not rounds.get_round(engine, round_id).published
    assert app.toggle(key=key).value is False
