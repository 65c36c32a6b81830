"""roles, drafts, workshop, notes and actions

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 11:01:14.804873
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel.sql.sqltypes


revision: str = '0002'
down_revision: Union[str, None] = '0001'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('action',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.String(length=20), nullable=True),
    sa.Column('what', sa.String(length=500), nullable=False),
    sa.Column('owner', sa.String(length=100), nullable=True),
    sa.Column('due', sa.Date(), nullable=True),
    sa.Column('scope', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('closed_in_round_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("scope IN ('team', 'organisation', 'municipality')", name=op.f('ck_action_scope_value')),
    sa.CheckConstraint("status IN ('open', 'ongoing', 'done', 'dropped')", name=op.f('ck_action_status_value')),
    sa.CheckConstraint('length(what) BETWEEN 1 AND 500', name=op.f('ck_action_what_length')),
    sa.ForeignKeyConstraint(['closed_in_round_id'], ['round.id'], name=op.f('fk_action_closed_in_round_id_round'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['round_id'], ['round.id'], name=op.f('fk_action_round_id_round'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['team_id'], ['team.id'], name=op.f('fk_action_team_id_team'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_action'))
    )
    with op.batch_alter_table('action', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_action_team_id'), ['team_id'], unique=False)

    op.create_table('note',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.String(length=20), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.CheckConstraint('length(text) <= 2000', name=op.f('ck_note_text_length')),
    sa.ForeignKeyConstraint(['round_id'], ['round.id'], name=op.f('fk_note_round_id_round'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_note')),
    sa.UniqueConstraint('round_id', 'item_id', name='uq_note_round_item')
    )
    with op.batch_alter_table('answer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('discuss', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('target', sa.Integer(), nullable=True))
        batch_op.create_check_constraint(op.f('ck_answer_target_range'), 'target BETWEEN 1 AND 5')

    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.add_column(sa.Column('submitted', sa.Boolean(), server_default=sa.true(), nullable=False))

    with op.batch_alter_table('round', schema=None) as batch_op:
        batch_op.add_column(sa.Column('audience', sa.String(length=10), server_default='team', nullable=False))
        batch_op.add_column(sa.Column('join_code', sa.String(length=6), nullable=True))
        batch_op.add_column(sa.Column('revealed', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('published', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('shared_summary', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('live_item', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('live_revealed', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('live_snapshot', sa.Text(), nullable=True))
        batch_op.drop_constraint(batch_op.f('uq_round_team_period_framework'), type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_round_join_code'), ['join_code'])
        batch_op.create_unique_constraint('uq_round_team_period_framework_audience', ['team_id', 'period', 'framework', 'audience'])

    with op.batch_alter_table('team', schema=None) as batch_op:
        batch_op.add_column(sa.Column('key_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('is_group', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.create_unique_constraint(batch_op.f('uq_team_key_hash'), ['key_hash'])



def downgrade() -> None:
    with op.batch_alter_table('team', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_team_key_hash'), type_='unique')
        batch_op.drop_column('is_group')
        batch_op.drop_column('key_hash')

    with op.batch_alter_table('round', schema=None) as batch_op:
        batch_op.drop_constraint('uq_round_team_period_framework_audience', type_='unique')
        batch_op.drop_constraint(batch_op.f('uq_round_join_code'), type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_round_team_period_framework'), ['team_id', 'period', 'framework'])
        batch_op.drop_column('live_snapshot')
        batch_op.drop_column('live_revealed')
        batch_op.drop_column('live_item')
        batch_op.drop_column('shared_summary')
        batch_op.drop_column('published')
        batch_op.drop_column('revealed')
        batch_op.drop_column('join_code')
        batch_op.drop_column('audience')

    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.drop_column('submitted')

    with op.batch_alter_table('answer', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_answer_target_range'), type_='check')
        batch_op.drop_column('target')
        batch_op.drop_column('discuss')

    op.drop_table('note')
    with op.batch_alter_table('action', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_action_team_id'))

    op.drop_table('action')
