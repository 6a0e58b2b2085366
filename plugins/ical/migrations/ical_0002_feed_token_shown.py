"""ical: personal feed addresses can be shown again (the seed they are derived from)

Revision ID: ical_0002
Revises: ical_0001
Create Date: 2027-01-20 10:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'ical_0002'
down_revision = 'ical_0001'
branch_labels = None
depends_on = None


def upgrade():
    # Addresses made before keep working; their rows have no seed, so their owners make a new one
    # to see it again. (A table made from the models, not by a migration, may have the column already.)
    columns = {column['name'] for column in sa.inspect(op.get_bind()).get_columns('ical_feed_token')}
    if 'seed' in columns:
        return
    with op.batch_alter_table('ical_feed_token', schema=None) as batch_op:
        batch_op.add_column(sa.Column('seed', sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table('ical_feed_token', schema=None) as batch_op:
        batch_op.drop_column('seed')
