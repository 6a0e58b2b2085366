"""Open registration keeps the association someone says they come for, as they wrote it

Revision ID: 0120_registration_org_name
Revises: 0110_outbox_attempts
Create Date: 2026-12-02 06:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0120_registration_org_name'
down_revision = '0110_outbox_attempts'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.add_column(sa.Column('organisation_name', sa.String(length=200), server_default='',
                                      nullable=False))


def downgrade():
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.drop_column('organisation_name')
