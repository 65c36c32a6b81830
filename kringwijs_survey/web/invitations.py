"""Personal single-use invitations: how many there are, and making more."""

from __future__ import annotations

import streamlit as st

from kringwijs_survey.core import i18n
from kringwijs_survey.core.validation import InvalidInput
from kringwijs_survey.domain import rounds
from kringwijs_survey.rules import access
from kringwijs_survey.web.signin import current, invitation_link
from kringwijs_survey.web.ui import engine, language, show_error, t

NEW_INVITATIONS_KEY = "new_invitations"


def show_invitation_state(round_id: int) -> None:
    """"N uitnodigingen, M ingevuld": every member sees it, so extra invitations cannot hide."""
    counted = rounds.invitation_count(engine(), round_id)
    st.markdown(t("invitation.state", invited=counted.invited, used=counted.used), help=t("invitation.state_help"))


def invitations_form(round_id: int) -> None:
    """Make personal single-use invitations; their links and codes are shown once, to hand out."""
    made = st.session_state.pop(NEW_INVITATIONS_KEY, None)
    if made and made[0] == round_id:
        lines = [
            i18n.t("invitation.line", language(), number=index, link=invitation_link(code), code=access.format_invitation_code(code))
            for index, code in enumerate(made[1], start=1)
        ]
        st.warning(t("invitation.once"), icon=":material/mail:")
        st.code("\n".join(lines), language=None)
        st.download_button(
            t("invitation.download"), "\n".join(lines) + "\n", file_name="uitnodigingen.txt", mime="text/plain",
            key=f"invitations-download-{round_id}", icon=":material/download:", on_click="ignore",
        )
    existing = rounds.invitation_count(engine(), round_id).invited
    with st.expander(t("invitation.title"), expanded=existing == 0, icon=":material/mail:"):
        st.markdown(t("invitation.intro"))
        with st.form(f"invitations-{round_id}"):
            count = st.number_input(
                t("invitation.how_many_more" if existing else "invitation.how_many"),
                min_value=1, max_value=rounds.MAX_INVITATIONS, value=None if existing else 8, step=1,
            )
            if st.form_submit_button(t("invitation.make"), type="primary", icon=":material/mail:"):
                try:
                    codes = rounds.create_invitations(engine(), round_id, int(count or 0), actor=current())
                except InvalidInput as error:
                    show_error(error)
                else:
                    st.session_state[NEW_INVITATIONS_KEY] = (round_id, codes)
                    st.rerun()
