"""Indexes that keep pages independent of history: coming meetings found by their end, a forum's
meetings by forum and time, attendance by organisation

Revision ID: 0140_meeting_indexes
Revises: 0130_meeting_contact
Create Date: 2026-12-09 09:00:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0140_meeting_indexes'
down_revision = '0130_meeting_contact'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.create_index('ix_meeting_ends_at', ['ends_at'], unique=False)
        batch_op.create_index('ix_meeting_forum_id_ends_at', ['forum_id', 'ends_at'], unique=False)
        batch_op.create_index('ix_meeting_forum_id_starts_at', ['forum_id', 'starts_at'], unique=False)
        # (forum_id, …) serves every look-up by forum alone.
        batch_op.drop_index('ix_meeting_forum_id')

    with op.batch_alter_table('attendance', schema=None) as batch_op:
        batch_op.create_index('ix_attendance_organisation_id', ['organisation_id'], unique=False)


def downgrade():
    with op.batch_alter_table('attendance', schema=None) as batch_op:
        batch_op.drop_index('ix_attendance_organisation_id')

    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.create_index('ix_meeting_forum_id', ['forum_id'], unique=False)
        batch_op.drop_index('ix_meeting_forum_id_starts_at')
        batch_op.drop_index('ix_meeting_forum_id_ends_at')
        batch_op.drop_index('ix_meeting_ends_at')
