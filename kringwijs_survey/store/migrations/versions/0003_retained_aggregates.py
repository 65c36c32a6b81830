"""retained aggregates: the summary numbers kept when old raw answers are deleted

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 11:07:07.942128
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0003'
down_revision: Union[str, None] = '0002'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('retained_aggregate',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.String(length=20), nullable=False),
    sa.Column('respondents', sa.Integer(), nullable=False),
    sa.Column('n', sa.Integer(), nullable=True),
    sa.Column('mean', sa.Float(), nullable=True),
    sa.Column('median', sa.Float(), nullable=True),
    sa.Column('sd', sa.Float(), nullable=True),
    sa.Column('n_dont_know', sa.Integer(), nullable=True),
    sa.Column('count_1', sa.Integer(), nullable=True),
    sa.Column('count_2', sa.Integer(), nullable=True),
    sa.Column('count_3', sa.Integer(), nullable=True),
    sa.Column('count_4', sa.Integer(), nullable=True),
    sa.Column('count_5', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['round_id'], ['round.id'], name=op.f('fk_retained_aggregate_round_id_round'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_retained_aggregate')),
    sa.UniqueConstraint('round_id', 'item_id', name='uq_retained_aggregate_round_item')
    )


def downgrade() -> None:
    op.drop_table('retained_aggregate')
