"""fedinet protocol: proposals, agreements, introductions, evidence

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import fedinet.store.base


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('dropped_evidence',
    sa.Column('reason', sa.String(length=64), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('last_at', fedinet.store.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('reason', name=op.f('pk_dropped_evidence'))
    )
    op.create_table('evidence',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uri', sa.String(length=2048), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('activity_uri', sa.String(length=2048), nullable=True),
    sa.Column('context_uri', sa.String(length=2048), nullable=True),
    sa.Column('relationship_kind', sa.String(length=32), nullable=True),
    sa.Column('topics', sa.JSON(), nullable=False),
    sa.Column('outcome', sa.String(length=16), nullable=True),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('document', sa.Text(), nullable=False),
    sa.Column('published_at', fedinet.store.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('received_at', fedinet.store.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', fedinet.store.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['author_id'], ['actors.id'], name=op.f('fk_evidence_author_id_actors'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['subject_id'], ['actors.id'], name=op.f('fk_evidence_subject_id_actors'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evidence')),
    sa.UniqueConstraint('uri', name=op.f('uq_evidence_uri'))
    )
    with op.batch_alter_table('evidence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evidence_activity_uri'), ['activity_uri'], unique=False)
        batch_op.create_index(batch_op.f('ix_evidence_author_id'), ['author_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_evidence_context_uri'), ['context_uri'], unique=False)
        batch_op.create_index('ix_evidence_kind_subject_id', ['kind', 'subject_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_evidence_subject_id'), ['subject_id'], unique=False)

    op.create_table('introductions',
    sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('uri', sa.String(length=2048), nullable=True),
    sa.Column('request_uri', sa.String(length=2048), nullable=True),
    sa.Column('connector_id', sa.Integer(), nullable=False),
    sa.Column('introduced_id', sa.Integer(), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=24), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('benefit', sa.Text(), nullable=False),
    sa.Column('request_document', sa.Text(), nullable=True),
    sa.Column('document', sa.Text(), nullable=True),
    sa.Column('created_at', fedinet.store.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', fedinet.store.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['connector_id'], ['actors.id'], name=op.f('fk_introductions_connector_id_actors'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['introduced_id'], ['actors.id'], name=op.f('fk_introductions_introduced_id_actors'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['target_id'], ['actors.id'], name=op.f('fk_introductions_target_id_actors'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_introductions')),
    sa.UniqueConstraint('request_uri', name=op.f('uq_introductions_request_uri')),
    sa.UniqueConstraint('uri', name=op.f('uq_introductions_uri'))
    )
    with op.batch_alter_table('introductions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_introductions_connector_id'), ['connector_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_introductions_introduced_id'), ['introduced_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_introductions_target_id'), ['target_id'], unique=False)

    op.create_table('agreements',
    sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('offer_uri', sa.String(length=2048), nullable=False),
    sa.Column('uri', sa.String(length=2048), nullable=True),
    sa.Column('proposal_status_id', sa.BigInteger(), nullable=False),
    sa.Column('responder_id', sa.Integer(), nullable=False),
    sa.Column('proposer_id', sa.Integer(), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('created_at', fedinet.store.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('decided_at', fedinet.store.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['proposal_status_id'], ['statuses.id'], name=op.f('fk_agreements_proposal_status_id_statuses'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['proposer_id'], ['actors.id'], name=op.f('fk_agreements_proposer_id_actors'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['responder_id'], ['actors.id'], name=op.f('fk_agreements_responder_id_actors'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agreements')),
    sa.UniqueConstraint('offer_uri', name=op.f('uq_agreements_offer_uri')),
    sa.UniqueConstraint('uri', name=op.f('uq_agreements_uri'))
    )
    with op.batch_alter_table('agreements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agreements_proposal_status_id'), ['proposal_status_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_agreements_proposer_id'), ['proposer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_agreements_responder_id'), ['responder_id'], unique=False)

    op.create_table('proposals',
    sa.Column('status_id', sa.BigInteger(), nullable=False),
    sa.Column('purpose', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('action', sa.String(length=32), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('reciprocity', sa.String(length=32), nullable=True),
    sa.Column('amount', sa.String(length=32), nullable=True),
    sa.Column('currency', sa.String(length=3), nullable=True),
    sa.Column('ends_at', fedinet.store.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['status_id'], ['statuses.id'], name=op.f('fk_proposals_status_id_statuses'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('status_id', name=op.f('pk_proposals'))
    )
    with op.batch_alter_table('proposals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_proposals_state'), ['state'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('proposals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_proposals_state'))

    op.drop_table('proposals')
    with op.batch_alter_table('agreements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agreements_responder_id'))
        batch_op.drop_index(batch_op.f('ix_agreements_proposer_id'))
        batch_op.drop_index(batch_op.f('ix_agreements_proposal_status_id'))

    op.drop_table('agreements')
    with op.batch_alter_table('introductions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_introductions_target_id'))
        batch_op.drop_index(batch_op.f('ix_introductions_introduced_id'))
        batch_op.drop_index(batch_op.f('ix_introductions_connector_id'))

    op.drop_table('introductions')
    with op.batch_alter_table('evidence', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evidence_subject_id'))
        batch_op.drop_index('ix_evidence_kind_subject_id')
        batch_op.drop_index(batch_op.f('ix_evidence_context_uri'))
        batch_op.drop_index(batch_op.f('ix_evidence_author_id'))
        batch_op.drop_index(batch_op.f('ix_evidence_activity_uri'))

    op.drop_table('evidence')
    op.drop_table('dropped_evidence')
