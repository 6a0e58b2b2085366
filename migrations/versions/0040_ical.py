"""Calendar plugin: secret addresses of personal feeds

Revision ID: 0040_ical
Revises: 0030_attendance_walk_in
Create Date: 2026-11-22 08:20:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0040_ical'
down_revision = '0030_attendance_walk_in'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('ical_feed_token',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_ical_feed_token_person_id_person'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ical_feed_token')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_ical_feed_token_token_hash'))
    )
    with op.batch_alter_table('ical_feed_token', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ical_feed_token_person_id'), ['person_id'], unique=False)


def downgrade():
    with op.batch_alter_table('ical_feed_token', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ical_feed_token_person_id'))
    op.drop_table('ical_feed_token')
