"""Memberships remember the admin who added a representative to an organisation not their own

Revision ID: 0060_membership_added_by
Revises: 0050_register_order
Create Date: 2026-12-02 06:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0060_membership_added_by'
down_revision = '0050_register_order'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('membership', schema=None) as batch_op:
        batch_op.add_column(sa.Column('added_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_membership_added_by_id_person'), 'person', ['added_by_id'], ['id'],
                                    ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('membership', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_membership_added_by_id_person'), type_='foreignkey')
        batch_op.drop_column('added_by_id')
