"""Federation core: inbox, outbox, deliveries, follows, statuses and interactions

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 02:32:41.093953
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import fedinet.store.base


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('domain_blocks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('domain', sa.String(length=255), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('created_at', fedinet.store.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_domain_blocks')),
    sa.UniqueConstraint('domain', name=op.f('uq_domain_blocks_domain'))
    )
    op.create_table('inbox_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('activity_uri', sa.String(length=2048), nullable=False),
    sa.Column('activity_type', sa.String(length=64), nullable=False),
    sa.Column('actor_uri', sa.String(length=2048), nullable=False),
    sa.Column('key_id', sa.String(length=2048), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('process_after', fedinet.store.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('received_at', fedinet.store.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('processed_at', fedinet.store.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inbox_items')),
    sa.UniqueConstraint('activity_uri', name=op.f('uq_inbox_items_activity_uri'))
    )
    with op.batch_alter_table('inbox_items', schema=None) as batch_op:
        batch_op.create_index('ix_inbox_items_state_id', ['state', 'id'], unique=False)

    op.create_table('remote_servers',
    sa.Column('domain', sa.String(length=255), nullable=False),
    sa.Column('signature_scheme', sa.String(length=16), nullable=True),
    sa.Column('updated_at', fedinet.store.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('domain', name=op.f('pk_remote_servers'))
    )
    op.create_table('tombstones',
    sa.Column('uri', sa.String(length=2048), nullable=False),
    sa.Column('deleted_at', fedinet.store.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('uri', name=op.f('pk_tombstones'))
    )
    op.create_table('actor_blocks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('blocker_id', sa.Integer(), nullable=False),
    sa.Column('blocked_id', sa.Integer(), nullable=False),
    sa.Column('uri', sa.String(length=2048), nullable=False),
    sa.Column('created_at', fedinet.store.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['blocked_id'], ['actors.id'], name=op.f('fk_actor_blocks_blocked_id_actors'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['blocker_id'], ['actors.id'], name=op.f('fk_actor_blocks_blocker_id_actors'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_actor_blocks')),
    sa.UniqueConstraint('blocker_id', 'blocked_id', name=op.f('uq_actor_blocks_blocker_id')),
    sa.UniqueConstraint('uri', name=op.f('uq_actor_blocks_uri'))
    )
    op.create_table('follows',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('follower_id', sa.Integer(), nullable=False),
    sa.Column('followee_id', sa.Integer(), nullable=False),
    sa.Column('uri', sa.String(length=2048), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('created_at', fedinet.store.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('accepted_at', fedinet.store.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['followee_id'], ['actors.id'], name=op.f('fk_follows_followee_id_actors'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['follower_id'], ['actors.id'], name=op.f('fk_follows_follower_id_actors'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_follows')),
    sa.UniqueConstraint('follower_id', 'followee_id', name=op.f('uq_follows_follower_id')),
    sa.UniqueConstraint('uri', name=op.f('uq_follows_uri'))
    )
    with op.batch_alter_table('follows', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_follows_followee_id'), ['followee_id'], unique=False)

    op.create_table('outbox_activities',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uri', sa.String(length=2048), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=False),
    sa.Column('activity_type', sa.String(length=64), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', fedinet.store.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['actors.id'], name=op.f('fk_outbox_activities_actor_id_actors'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_activities')),
    sa.UniqueConstraint('uri', name=op.f('uq_outbox_activities_uri'))
    )
    with op.batch_alter_table('outbox_activities', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbox_activities_actor_id'), ['actor_id'], unique=False)

    op.create_table('statuses',
    sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('uri', sa.String(length=2048), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=False),
    sa.Column('is_local', sa.Boolean(), nullable=False),
    sa.Column('url', sa.String(length=2048), nullable=True),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('sensitive', sa.Boolean(), nullable=False),
    sa.Column('language', sa.String(length=16), nullable=True),
    sa.Column('visibility', sa.String(length=16), nullable=False),
    sa.Column('in_reply_to_uri', sa.String(length=2048), nullable=True),
    sa.Column('addressed_to', sa.JSON(), nullable=False),
    sa.Column('published_at', fedinet.store.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('edited_at', fedinet.store.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['actors.id'], name=op.f('fk_statuses_actor_id_actors'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_statuses')),
    sa.UniqueConstraint('uri', name=op.f('uq_statuses_uri'))
    )
    with op.batch_alter_table('statuses', schema=None) as batch_op:
        batch_op.create_index('ix_statuses_actor_id_id', ['actor_id', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_statuses_in_reply_to_uri'), ['in_reply_to_uri'], unique=False)

    op.create_table('boosts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=False),
    sa.Column('status_id', sa.BigInteger(), nullable=False),
    sa.Column('uri', sa.String(length=2048), nullable=False),
    sa.Column('created_at', fedinet.store.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['actors.id'], name=op.f('fk_boosts_actor_id_actors'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['status_id'], ['statuses.id'], name=op.f('fk_boosts_status_id_statuses'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_boosts')),
    sa.UniqueConstraint('actor_id', 'status_id', name=op.f('uq_boosts_actor_id')),
    sa.UniqueConstraint('uri', name=op.f('uq_boosts_uri'))
    )
    with op.batch_alter_table('boosts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_boosts_status_id'), ['status_id'], unique=False)

    op.create_table('deliveries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('inbox_url', sa.String(length=2048), nullable=False),
    sa.Column('domain', sa.String(length=255), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', fedinet.store.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_status', sa.Integer(), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('created_at', fedinet.store.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('finished_at', fedinet.store.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['activity_id'], ['outbox_activities.id'], name=op.f('fk_deliveries_activity_id_outbox_activities'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deliveries')),
    sa.UniqueConstraint('activity_id', 'inbox_url', name=op.f('uq_deliveries_activity_id'))
    )
    with op.batch_alter_table('deliveries', schema=None) as batch_op:
        batch_op.create_index('ix_deliveries_state_next_attempt_at', ['state', 'next_attempt_at'], unique=False)

    op.create_table('favourites',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=False),
    sa.Column('status_id', sa.BigInteger(), nullable=False),
    sa.Column('uri', sa.String(length=2048), nullable=False),
    sa.Column('created_at', fedinet.store.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['actors.id'], name=op.f('fk_favourites_actor_id_actors'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['status_id'], ['statuses.id'], name=op.f('fk_favourites_status_id_statuses'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_favourites')),
    sa.UniqueConstraint('actor_id', 'status_id', name=op.f('uq_favourites_actor_id')),
    sa.UniqueConstraint('uri', name=op.f('uq_favourites_uri'))
    )
    with op.batch_alter_table('favourites', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_favourites_status_id'), ['status_id'], unique=False)

    op.create_table('mentions',
    sa.Column('status_id', sa.BigInteger(), nullable=False),
    sa.Column('actor_uri', sa.String(length=2048), nullable=False),
    sa.Column('name', sa.String(length=512), nullable=False),
    sa.ForeignKeyConstraint(['status_id'], ['statuses.id'], name=op.f('fk_mentions_status_id_statuses'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('status_id', 'actor_uri', name=op.f('pk_mentions'))
    )
    op.create_table('status_tags',
    sa.Column('status_id', sa.BigInteger(), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.ForeignKeyConstraint(['status_id'], ['statuses.id'], name=op.f('fk_status_tags_status_id_statuses'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('status_id', 'name', name=op.f('pk_status_tags'))
    )
    with op.batch_alter_table('status_tags', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_status_tags_name'), ['name'], unique=False)

    with op.batch_alter_table('actors', schema=None) as batch_op:
        batch_op.add_column(sa.Column('also_known_as', sa.JSON(), nullable=False, server_default='[]'))
        batch_op.add_column(sa.Column('moved_to_uri', sa.String(length=2048), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('actors', schema=None) as batch_op:
        batch_op.drop_column('moved_to_uri')
        batch_op.drop_column('also_known_as')

    with op.batch_alter_table('status_tags', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_status_tags_name'))

    op.drop_table('status_tags')
    op.drop_table('mentions')
    with op.batch_alter_table('favourites', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_favourites_status_id'))

    op.drop_table('favourites')
    with op.batch_alter_table('deliveries', schema=None) as batch_op:
        batch_op.drop_index('ix_deliveries_state_next_attempt_at')

    op.drop_table('deliveries')
    with op.batch_alter_table('boosts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_boosts_status_id'))

    op.drop_table('boosts')
    with op.batch_alter_table('statuses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_statuses_in_reply_to_uri'))
        batch_op.drop_index('ix_statuses_actor_id_id')

    op.drop_table('statuses')
    with op.batch_alter_table('outbox_activities', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_activities_actor_id'))

    op.drop_table('outbox_activities')
    with op.batch_alter_table('follows', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_follows_followee_id'))

    op.drop_table('follows')
    op.drop_table('actor_blocks')
    op.drop_table('tombstones')
    op.drop_table('remote_servers')
    with op.batch_alter_table('inbox_items', schema=None) as batch_op:
        batch_op.drop_index('ix_inbox_items_state_id')

    op.drop_table('inbox_items')
    op.drop_table('domain_blocks')
