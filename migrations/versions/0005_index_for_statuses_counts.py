"""An index on statuses (actor_id, visibility): accounts' statuses_count on every rendered account.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24 04:29:47.847107
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import fedinet.store.base


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('statuses', schema=None) as batch_op:
        batch_op.create_index('ix_statuses_actor_id_visibility', ['actor_id', 'visibility'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('statuses', schema=None) as batch_op:
        batch_op.drop_index('ix_statuses_actor_id_visibility')

