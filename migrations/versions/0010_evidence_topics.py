"""evidence topics: one row per topic a vouch names, filled from the vouches already stored

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-24
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('evidence_topics',
    sa.Column('evidence_id', sa.Integer(), nullable=False),
    sa.Column('topic', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['evidence_id'], ['evidence.id'], name=op.f('fk_evidence_topics_evidence_id_evidence'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('evidence_id', 'topic', name=op.f('pk_evidence_topics'))
    )
    with op.batch_alter_table('evidence_topics', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evidence_topics_topic'), ['topic'], unique=False)
    _fill_from_stored_vouches()


def _fill_from_stored_vouches() -> None:
    """Topics as `fedinet.market.vocabulary.topic_keys` normalises them (copied here: a
    migration must not change when the code does)."""
    evidence = sa.table("evidence", sa.column("id"), sa.column("topics"))
    topics_table = sa.table("evidence_topics", sa.column("evidence_id"), sa.column("topic"))
    connection = op.get_bind()
    rows = []
    for evidence_id, topics in connection.execute(sa.select(evidence.c.id, evidence.c.topics)):
        names = json.loads(topics) if isinstance(topics, str) else topics
        keys = []
        for name in names if isinstance(names, list) else []:
            key = name.strip().removeprefix("#").lower() if isinstance(name, str) else ""
            if key and len(key) <= 64 and key not in keys:
                keys.append(key)
        rows += [{"evidence_id": evidence_id, "topic": key} for key in keys]
    if rows:
        op.bulk_insert(topics_table, rows)


def downgrade() -> None:
    with op.batch_alter_table('evidence_topics', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evidence_topics_topic'))

    op.drop_table('evidence_topics')
