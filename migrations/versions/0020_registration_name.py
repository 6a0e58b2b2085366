"""Registration links keep the registrant's name until the link is followed

Revision ID: 0020_registration_name
Revises: 0010_meetings
Create Date: 2026-11-22 08:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0020_registration_name'
down_revision = '0010_meetings'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('sign_in_token', schema=None) as batch_op:
        batch_op.add_column(sa.Column('person_name', sa.String(length=200), nullable=True))


def downgrade():
    with op.batch_alter_table('sign_in_token', schema=None) as batch_op:
        batch_op.drop_column('person_name')
