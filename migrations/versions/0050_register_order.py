"""Register: Swedish sort key for organisation names; indexes for filtering by area and municipality

Revision ID: 0050_register_order
Revises: 0040_ical
Create Date: 2026-11-22 08:20:00.000000

"""
from alembic import op
import sqlalchemy as sa

from meetings.collation import swedish_sort_key


# revision identifiers, used by Alembic.
revision = '0050_register_order'
down_revision = '0040_ical'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sort_key', sa.String(length=400), server_default='', nullable=False))
        batch_op.create_index(batch_op.f('ix_organisation_sort_key'), ['sort_key'], unique=False)

    with op.batch_alter_table('organisation_municipality', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organisation_municipality_municipality_id'), ['municipality_id'],
                              unique=False)

    with op.batch_alter_table('organisation_subject_area', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organisation_subject_area_subject_area_id'), ['subject_area_id'],
                              unique=False)

    # Existing organisations get their key as the model computes it for new ones.
    connection = op.get_bind()
    organisation = sa.table('organisation', sa.column('id', sa.Integer), sa.column('name', sa.String),
                            sa.column('sort_key', sa.String))
    for row in connection.execute(sa.select(organisation.c.id, organisation.c.name)).all():
        connection.execute(organisation.update().where(organisation.c.id == row.id)
                           .values(sort_key=swedish_sort_key(row.name)))


def downgrade():
    with op.batch_alter_table('organisation_subject_area', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organisation_subject_area_subject_area_id'))

    with op.batch_alter_table('organisation_municipality', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organisation_municipality_municipality_id'))

    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organisation_sort_key'))
        batch_op.drop_column('sort_key')
