"""ical: secret addresses of personal feeds (the calendar plugin's own branch)

Revision ID: ical_0001
Revises:
Depends on: 0050_register_order
Create Date: 2026-12-02 06:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'ical_0001'
down_revision = None
branch_labels = ('ical',)
# The core's newest revision when this was written: the person table it refers to exists by then.
depends_on = '0050_register_order'


def upgrade():
    # Databases migrated before the plugin had its own branch got this table from the core's
    # revision 0040_ical; they keep it.
    if sa.inspect(op.get_bind()).has_table('ical_feed_token'):
        return
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
