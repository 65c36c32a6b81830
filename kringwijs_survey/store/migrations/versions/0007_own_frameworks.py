"""an organisation's own frameworks (uploaded, versioned); the version a round was answered with

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 04:30:00
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0007'
down_revision: Union[str, None] = '0006'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'framework_version',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('framework_id', sa.String(length=100), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('yaml_text', sa.Text(), nullable=False),
        sa.Column('uploaded_by', sa.String(length=100), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint('version >= 1', name=op.f('ck_framework_version_version_positive')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_framework_version')),
        sa.UniqueConstraint('framework_id', 'version', name='uq_framework_version_framework_id_version'),
    )
    with op.batch_alter_table('framework_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_framework_version_framework_id'), ['framework_id'], unique=False)
    # Every round that exists now was answered with a built-in file (NULL).
    with op.batch_alter_table('round', schema=None) as batch_op:
        batch_op.add_column(sa.Column('framework_version', sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('round', schema=None) as batch_op:
        batch_op.drop_column('framework_version')
    with op.batch_alter_table('framework_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_framework_version_framework_id'))
    op.drop_table('framework_version')
