"""the answer scales each round was answered on; how a team addresses residents

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 02:30:00
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0006'
down_revision: Union[str, None] = '0005'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    # Every round that exists now was answered on the first scales ("2025"); new rounds get the
    # current version from the application.
    with op.batch_alter_table('round', schema=None) as batch_op:
        batch_op.add_column(sa.Column('scales', sa.String(length=20), server_default='2025', nullable=False))
    with op.batch_alter_table('team', schema=None) as batch_op:
        batch_op.add_column(sa.Column('residents_informal', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('team', schema=None) as batch_op:
        batch_op.drop_column('residents_informal')
    with op.batch_alter_table('round', schema=None) as batch_op:
        batch_op.drop_column('scales')
