"""Formerly the calendar plugin's table; now empty

The calendar plugin (plugins/ical) keeps its table in its own Alembic branch, as every plugin
must, so that the core's history never creates a plugin's table. This revision stays so that
databases migrated before still find the revision they recorded; their table is kept by the
plugin's first revision.

Revision ID: 0040_ical
Revises: 0030_attendance_walk_in
Create Date: 2026-11-22 08:20:00

"""


revision = '0040_ical'
down_revision = '0030_attendance_walk_in'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
