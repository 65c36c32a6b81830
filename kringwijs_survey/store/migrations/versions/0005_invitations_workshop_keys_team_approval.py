"""invitations, response sources, workshop keys, team origin and approval

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 02:30:00

Existing data: rounds made before this revision keep their open join code
(invitation_only = false) and their responses count as before (source 'open'); existing
teams count as made by an admin and approved. Only team rounds started from now on need
personal invitations (docs/threat-model-actors.md, "Rounds from before invitations").
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0005'
down_revision: Union[str, None] = '0004'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'invitation',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('round_id', sa.Integer(), nullable=False),
        sa.Column('code_hash', sa.String(length=64), nullable=False),
        sa.Column('used', sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.ForeignKeyConstraint(['round_id'], ['round.id'], name=op.f('fk_invitation_round_id_round'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_invitation')),
        sa.UniqueConstraint('code_hash', name=op.f('uq_invitation_code_hash')),
    )
    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invitation_round_id'), ['round_id'], unique=False)
    with op.batch_alter_table('team', schema=None) as batch_op:
        batch_op.add_column(sa.Column('origin', sa.String(length=10), server_default='admin', nullable=False))
        batch_op.add_column(sa.Column('approved', sa.Boolean(), server_default=sa.true(), nullable=False))
        batch_op.create_check_constraint(op.f('ck_team_origin_value'), "origin IN ('admin', 'self', 'import', 'group')")
    op.execute("UPDATE team SET origin = 'group' WHERE is_group")
    with op.batch_alter_table('round', schema=None) as batch_op:
        batch_op.add_column(sa.Column('invitation_only', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('presenter_key_hash', sa.String(length=64), nullable=True))
    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source', sa.String(length=10), server_default='open', nullable=False))
        batch_op.create_check_constraint(op.f('ck_response_source_value'), "source IN ('invited', 'open', 'paper', 'import')")


def downgrade() -> None:
    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_response_source_value'), type_='check')
        batch_op.drop_column('source')
    with op.batch_alter_table('round', schema=None) as batch_op:
        batch_op.drop_column('presenter_key_hash')
        batch_op.drop_column('invitation_only')
    with op.batch_alter_table('team', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_team_origin_value'), type_='check')
        batch_op.drop_column('approved')
        batch_op.drop_column('origin')
    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invitation_round_id'))
    op.drop_table('invitation')
