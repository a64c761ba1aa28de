"""market profiles

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import fedinet.store.base


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('market_profiles',
    sa.Column('actor_id', sa.Integer(), nullable=False),
    sa.Column('approach', sa.Text(), nullable=False),
    sa.Column('audience', sa.String(length=16), nullable=False),
    sa.Column('updated_at', fedinet.store.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['actors.id'], name=op.f('fk_market_profiles_actor_id_actors'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('actor_id', name=op.f('pk_market_profiles'))
    )
    op.create_table('market_profile_topics',
    sa.Column('actor_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('topic', sa.String(length=64), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['market_profiles.actor_id'], name=op.f('fk_market_profile_topics_actor_id_market_profiles'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('actor_id', 'kind', 'topic', name=op.f('pk_market_profile_topics'))
    )
    with op.batch_alter_table('market_profile_topics', schema=None) as batch_op:
        batch_op.create_index('ix_market_profile_topics_topic_kind', ['topic', 'kind'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('market_profile_topics', schema=None) as batch_op:
        batch_op.drop_index('ix_market_profile_topics_topic_kind')

    op.drop_table('market_profile_topics')
    op.drop_table('market_profiles')
