"""Sharing with the organisation, the team's side: publish a closed round, withdraw it, write a
message for the organisation.

Every threshold below is decided by ``policy.py`` (the privacy description); this module only
asks it.

What publishing a round shares (decided here; teams read it in plain Dutch before they share,
locale key ``sharing.what``):

* the round's numbers from the one aggregation (per item: respondents, mean, median, spread,
  how many chose each score), and only once at least ``MIN_GROUP_ORG`` people answered;
* the short message the team wrote for the organisation (``Round.shared_message``);
* the text, scope, status and due date of the team's *open* actions with scope
  'organisation' or 'municipality' that were agreed in that round. Never who owns them.

Never shared: single answers, comments, notes, actions for the team itself, owners, open
rounds (should a published round be open again, it is hidden until closed), rounds with too few
respondents, and the numbers of an item that fewer than ``MIN_GROUP_ORG`` people scored
(the others said "weet ik niet"). Withdrawing a round takes all of it back at once.

What the organisation then sees, and the rules for it, is ``views/organisation.py``.
"""

from __future__ import annotations

from sqlalchemy import Engine
from sqlmodel import Session

from kringwijs_survey.core.validation import InvalidInput, clean_comment
from kringwijs_survey.core.vocabulary import ROUND_CLOSED
from kringwijs_survey.store.database import run_write
from kringwijs_survey.store.models import Round


def _change_round(engine: Engine, round_id: int, change) -> Round:
    def work(session: Session) -> Round:
        found = session.get(Round, round_id)
        if found is None:
            raise InvalidInput("error.no_round")
        change(found)
        session.add(found)
        return found

    return run_write(engine, work)


def publish_round(engine: Engine, round_id: int) -> Round:
    """Share a closed round with the organisation. An open round is refused."""

    def change(found: Round) -> None:
        if found.status != ROUND_CLOSED:
            raise InvalidInput("error.share_open_round")
        found.published = True

    return _change_round(engine, round_id, change)


def withdraw_round(engine: Engine, round_id: int) -> Round:
    """Stop sharing a round: its numbers, message and actions disappear from the manager view."""

    def change(found: Round) -> None:
        found.published = False

    return _change_round(engine, round_id, change)


def share_summary(engine: Engine, round_id: int, text: str | None) -> Round:
    """The team's own short message to the organisation; empty text removes it."""
    cleaned = clean_comment(text)

    def change(found: Round) -> None:
        found.shared_message = cleaned

    return _change_round(engine, round_id, change)
