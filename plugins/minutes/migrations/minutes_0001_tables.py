"""minutes: protocols, signers, present list, § paragraphs, action items, revisions, extracts

Revision ID: minutes_0001
Revises:
Depends on: 0050_register_order
Create Date: 2026-12-02 07:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'minutes_0001'
down_revision = None
branch_labels = ('minutes',)
depends_on = '0050_register_order'


def upgrade():
    op.create_table('minutes_counter',
    sa.Column('forum_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('last_number', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['forum_id'], ['forum.id'], name=op.f('fk_minutes_counter_forum_id_forum'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('forum_id', 'year', name=op.f('pk_minutes_counter'))
    )
    op.create_table('minutes_protocol',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('forum_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('place', sa.String(length=300), nullable=False),
    sa.Column('secretary_name', sa.String(length=200), nullable=False),
    sa.Column('secretary_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.Column('approved_at', sa.DateTime(), nullable=True),
    sa.Column('published_at', sa.DateTime(), nullable=True),
    sa.Column('reminded_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['forum_id'], ['forum.id'], name=op.f('fk_minutes_protocol_forum_id_forum'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_minutes_protocol_meeting_id_meeting'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['secretary_id'], ['person.id'], name=op.f('fk_minutes_protocol_secretary_id_person'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_minutes_protocol')),
    sa.UniqueConstraint('meeting_id', name=op.f('uq_minutes_protocol_meeting_id'))
    )
    op.create_index(op.f('ix_minutes_protocol_forum_id'), 'minutes_protocol', ['forum_id'], unique=False)
    op.create_table('minutes_signer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('protocol_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('approved_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_minutes_signer_person_id_person'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['protocol_id'], ['minutes_protocol.id'], name=op.f('fk_minutes_signer_protocol_id_minutes_protocol'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_minutes_signer')),
    sa.UniqueConstraint('protocol_id', 'person_id', name=op.f('uq_minutes_signer_protocol_id'))
    )
    op.create_index(op.f('ix_minutes_signer_person_id'), 'minutes_signer', ['person_id'], unique=False)
    op.create_index(op.f('ix_minutes_signer_protocol_id'), 'minutes_signer', ['protocol_id'], unique=False)
    op.create_table('minutes_attendee',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('protocol_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('organisation_name', sa.String(length=200), nullable=False),
    sa.Column('mode', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_minutes_attendee_organisation_id_organisation'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_minutes_attendee_person_id_person'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['protocol_id'], ['minutes_protocol.id'], name=op.f('fk_minutes_attendee_protocol_id_minutes_protocol'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_minutes_attendee'))
    )
    op.create_index(op.f('ix_minutes_attendee_person_id'), 'minutes_attendee', ['person_id'], unique=False)
    op.create_index(op.f('ix_minutes_attendee_protocol_id'), 'minutes_attendee', ['protocol_id'], unique=False)
    op.create_table('minutes_paragraph',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('protocol_id', sa.Integer(), nullable=False),
    sa.Column('forum_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('case_number', sa.String(length=60), nullable=False),
    sa.Column('discussion', sa.Text(), nullable=False),
    sa.Column('decision', sa.Text(), nullable=False),
    sa.Column('immediate', sa.Boolean(), nullable=False),
    sa.Column('immediate_approved_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['forum_id'], ['forum.id'], name=op.f('fk_minutes_paragraph_forum_id_forum'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['protocol_id'], ['minutes_protocol.id'], name=op.f('fk_minutes_paragraph_protocol_id_minutes_protocol'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_minutes_paragraph')),
    sa.UniqueConstraint('forum_id', 'year', 'number', name=op.f('uq_minutes_paragraph_forum_id'))
    )
    op.create_index(op.f('ix_minutes_paragraph_protocol_id'), 'minutes_paragraph', ['protocol_id'], unique=False)
    op.create_table('minutes_speaker',
    sa.Column('paragraph_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_minutes_speaker_organisation_id_organisation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['paragraph_id'], ['minutes_paragraph.id'], name=op.f('fk_minutes_speaker_paragraph_id_minutes_paragraph'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('paragraph_id', 'organisation_id', name=op.f('pk_minutes_speaker'))
    )
    op.create_table('minutes_paragraph_approval',
    sa.Column('paragraph_id', sa.Integer(), nullable=False),
    sa.Column('signer_id', sa.Integer(), nullable=False),
    sa.Column('approved_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['paragraph_id'], ['minutes_paragraph.id'], name=op.f('fk_minutes_paragraph_approval_paragraph_id_minutes_paragraph'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['signer_id'], ['minutes_signer.id'], name=op.f('fk_minutes_paragraph_approval_signer_id_minutes_signer'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('paragraph_id', 'signer_id', name=op.f('pk_minutes_paragraph_approval'))
    )
    op.create_table('minutes_action',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('paragraph_id', sa.Integer(), nullable=False),
    sa.Column('what', sa.Text(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('who_name', sa.String(length=200), nullable=False),
    sa.Column('due', sa.Date(), nullable=True),
    sa.Column('done_at', sa.DateTime(), nullable=True),
    sa.Column('reminded_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_minutes_action_organisation_id_organisation'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['paragraph_id'], ['minutes_paragraph.id'], name=op.f('fk_minutes_action_paragraph_id_minutes_paragraph'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_minutes_action_person_id_person'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_minutes_action'))
    )
    op.create_index(op.f('ix_minutes_action_organisation_id'), 'minutes_action', ['organisation_id'], unique=False)
    op.create_index(op.f('ix_minutes_action_paragraph_id'), 'minutes_action', ['paragraph_id'], unique=False)
    op.create_index(op.f('ix_minutes_action_person_id'), 'minutes_action', ['person_id'], unique=False)
    op.create_table('minutes_revision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('protocol_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('started_by', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('before_text', sa.Text(), nullable=False),
    sa.Column('after_text', sa.Text(), nullable=False),
    sa.Column('approved_by', sa.Text(), nullable=False),
    sa.Column('approved_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['protocol_id'], ['minutes_protocol.id'], name=op.f('fk_minutes_revision_protocol_id_minutes_protocol'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_minutes_revision'))
    )
    op.create_index(op.f('ix_minutes_revision_protocol_id'), 'minutes_revision', ['protocol_id'], unique=False)
    op.create_table('minutes_extract',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('protocol_id', sa.Integer(), nullable=False),
    sa.Column('paragraphs', sa.String(length=300), nullable=False),
    sa.Column('recipients', sa.Text(), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=False),
    sa.Column('sent_by', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['protocol_id'], ['minutes_protocol.id'], name=op.f('fk_minutes_extract_protocol_id_minutes_protocol'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_minutes_extract'))
    )
    op.create_index(op.f('ix_minutes_extract_protocol_id'), 'minutes_extract', ['protocol_id'], unique=False)


def downgrade():
    for table in ('minutes_extract', 'minutes_revision', 'minutes_action', 'minutes_paragraph_approval',
                  'minutes_speaker', 'minutes_paragraph', 'minutes_attendee', 'minutes_signer',
                  'minutes_protocol', 'minutes_counter'):
        op.drop_table(table)
