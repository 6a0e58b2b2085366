"""Walk-ins keep the name of their organisation when it is not in the register

Revision ID: 0030_attendance_walk_in
Revises: 0020_registration_name
Create Date: 2026-11-22 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0030_attendance_walk_in'
down_revision = '0020_registration_name'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('attendance', schema=None) as batch_op:
        batch_op.add_column(sa.Column('organisation_name', sa.String(length=200), server_default='',
                                      nullable=False))


def downgrade():
    with op.batch_alter_table('attendance', schema=None) as batch_op:
        batch_op.drop_column('organisation_name')
