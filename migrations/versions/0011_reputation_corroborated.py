"""reputation corroborated: stored with the scores; existing scores are recomputed at the next
background run (the stored run state is cleared)

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op



revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('reputation_scores', schema=None) as batch_op:
        batch_op.add_column(sa.Column('corroborated', sa.Boolean(), nullable=False, server_default=sa.false()))
    instance_settings = sa.table("instance_settings", sa.column("key"))
    op.execute(instance_settings.delete().where(instance_settings.c.key == "reputation"))


def downgrade() -> None:
    with op.batch_alter_table('reputation_scores', schema=None) as batch_op:
        batch_op.drop_column('corroborated')

