"""Initial schema: instance settings, actors, their keys, local accounts.

Revision ID: 0001
Revises: 
Create Date: 2026-11-24 02:12:33.028445
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import fedinet.store.base


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('actors',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uri', sa.String(length=2048), nullable=False),
    sa.Column('actor_type', sa.String(length=32), nullable=False),
    sa.Column('username', sa.String(length=255), nullable=True),
    sa.Column('domain', sa.String(length=255), nullable=False),
    sa.Column('is_local', sa.Boolean(), nullable=False),
    sa.Column('display_name', sa.String(length=255), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('inbox_url', sa.String(length=2048), nullable=False),
    sa.Column('shared_inbox_url', sa.String(length=2048), nullable=True),
    sa.Column('outbox_url', sa.String(length=2048), nullable=True),
    sa.Column('followers_url', sa.String(length=2048), nullable=True),
    sa.Column('following_url', sa.String(length=2048), nullable=True),
    sa.Column('profile_url', sa.String(length=2048), nullable=True),
    sa.Column('manually_approves_followers', sa.Boolean(), nullable=False),
    sa.Column('fetched_at', fedinet.store.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', fedinet.store.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', fedinet.store.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_actors')),
    sa.UniqueConstraint('uri', name=op.f('uq_actors_uri'))
    )
    with op.batch_alter_table('actors', schema=None) as batch_op:
        batch_op.create_index('ix_actors_domain_username', ['domain', 'username'], unique=False)

    op.create_table('instance_settings',
    sa.Column('key', sa.String(length=100), nullable=False),
    sa.Column('value', sa.JSON(), nullable=False),
    sa.Column('updated_at', fedinet.store.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_instance_settings'))
    )
    op.create_table('accounts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=30), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('created_at', fedinet.store.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('suspended_at', fedinet.store.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['actors.id'], name=op.f('fk_accounts_actor_id_actors'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_accounts')),
    sa.UniqueConstraint('actor_id', name=op.f('uq_accounts_actor_id')),
    sa.UniqueConstraint('username', name=op.f('uq_accounts_username'))
    )
    op.create_table('actor_keys',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=False),
    sa.Column('key_id', sa.String(length=2048), nullable=False),
    sa.Column('algorithm', sa.String(length=16), nullable=False),
    sa.Column('public_key', sa.Text(), nullable=False),
    sa.Column('private_key_pem', sa.Text(), nullable=True),
    sa.Column('created_at', fedinet.store.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['actors.id'], name=op.f('fk_actor_keys_actor_id_actors'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_actor_keys')),
    sa.UniqueConstraint('key_id', name=op.f('uq_actor_keys_key_id'))
    )
    with op.batch_alter_table('actor_keys', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_actor_keys_actor_id'), ['actor_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('actor_keys', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_actor_keys_actor_id'))

    op.drop_table('actor_keys')
    op.drop_table('accounts')
    op.drop_table('instance_settings')
    with op.batch_alter_table('actors', schema=None) as batch_op:
        batch_op.drop_index('ix_actors_domain_username')

    op.drop_table('actors')
