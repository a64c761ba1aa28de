"""reputation scores

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import fedinet.store.base


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('reputation_scores',
    sa.Column('actor_id', sa.Integer(), nullable=False),
    sa.Column('trust', sa.Double(), nullable=False),
    sa.Column('percentile', sa.Double(), nullable=False),
    sa.Column('established', sa.Boolean(), nullable=False),
    sa.Column('balance', sa.Double(), nullable=False),
    sa.Column('connector', sa.Double(), nullable=False),
    sa.Column('computed_at', fedinet.store.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['actors.id'], name=op.f('fk_reputation_scores_actor_id_actors'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('actor_id', name=op.f('pk_reputation_scores'))
    )


def downgrade() -> None:
    op.drop_table('reputation_scores')
