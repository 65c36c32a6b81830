"""round.revealed goes: nothing ever set it, and a round-wide reveal would show an open round's
numbers (a workshop reveals one item at a time, as a frozen snapshot: retained_aggregate)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 06:00:00
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0008'
down_revision: Union[str, None] = '0007'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('round', schema=None) as batch_op:
        batch_op.drop_column('revealed')


def downgrade() -> None:
    with op.batch_alter_table('round', schema=None) as batch_op:
        batch_op.add_column(sa.Column('revealed', sa.Boolean(), server_default=sa.false(), nullable=False))
