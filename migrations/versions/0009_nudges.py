"""nudges

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import fedinet.store.base


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('nudge_preferences',
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('muted', sa.JSON(), nullable=False),
    sa.Column('direct_messages', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_nudge_preferences_account_id_accounts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('account_id', name=op.f('pk_nudge_preferences'))
    )
    op.create_table('nudges',
    sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('subject_uri', sa.String(length=2048), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('link', sa.String(length=2048), nullable=False),
    sa.Column('created_at', fedinet.store.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('read_at', fedinet.store.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_nudges_account_id_accounts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_nudges')),
    sa.UniqueConstraint('account_id', 'kind', 'subject_uri', name=op.f('uq_nudges_account_id'))
    )
    with op.batch_alter_table('nudges', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_nudges_account_id'), ['account_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('nudges', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_nudges_account_id'))

    op.drop_table('nudges')
    op.drop_table('nudge_preferences')
