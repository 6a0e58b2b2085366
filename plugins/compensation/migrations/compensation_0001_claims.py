"""compensation: rules, budgets, payment details, claims, audit trail

Revision ID: compensation_0001
Revises:
Depends on: 0050_register_order
Create Date: 2026-12-02 06:50:27.883738

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'compensation_0001'
down_revision = None
branch_labels = ('compensation',)
# The core's newest revision when this was written: forum, meeting, organisation and person exist by then.
depends_on = '0050_register_order'


def upgrade():
    op.create_table('compensation_payment_details',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('method', sa.String(length=20), nullable=False),
    sa.Column('number', sa.String(length=40), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_compensation_payment_details_organisation_id_organisation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_compensation_payment_details')),
    sa.UniqueConstraint('organisation_id', name=op.f('uq_compensation_payment_details_organisation_id'))
    )
    op.create_table('compensation_budget',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('forum_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('amount_ore', sa.Integer(), nullable=True),
    sa.Column('used_ore', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['forum_id'], ['forum.id'], name=op.f('fk_compensation_budget_forum_id_forum'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_compensation_budget')),
    sa.UniqueConstraint('forum_id', 'year', name=op.f('uq_compensation_budget_forum_id'))
    )
    with op.batch_alter_table('compensation_budget', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_compensation_budget_forum_id'), ['forum_id'], unique=False)

    op.create_table('compensation_forum_rules',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('forum_id', sa.Integer(), nullable=False),
    sa.Column('offered', sa.Boolean(), nullable=False),
    sa.Column('kinds', sa.String(length=100), nullable=False),
    sa.Column('fee_on_site_ore', sa.Integer(), nullable=False),
    sa.Column('fee_online_ore', sa.Integer(), nullable=False),
    sa.Column('max_representatives', sa.Integer(), nullable=False),
    sa.Column('mileage', sa.Boolean(), nullable=False),
    sa.Column('receipts', sa.Boolean(), nullable=False),
    sa.Column('deadline_days', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['forum_id'], ['forum.id'], name=op.f('fk_compensation_forum_rules_forum_id_forum'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_compensation_forum_rules')),
    sa.UniqueConstraint('forum_id', name=op.f('uq_compensation_forum_rules_forum_id'))
    )
    op.create_table('compensation_claim',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('claimant_id', sa.Integer(), nullable=True),
    sa.Column('claimant_name', sa.String(length=200), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('total_ore', sa.Integer(), nullable=False),
    sa.Column('fees_ore', sa.Integer(), nullable=False),
    sa.Column('mileage_ore', sa.Integer(), nullable=False),
    sa.Column('receipts_ore', sa.Integer(), nullable=False),
    sa.Column('pay_method', sa.String(length=20), nullable=False),
    sa.Column('pay_number', sa.String(length=40), nullable=False),
    sa.Column('budget_year', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('paid_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['claimant_id'], ['person.id'], name=op.f('fk_compensation_claim_claimant_id_person'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_compensation_claim_meeting_id_meeting'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_compensation_claim_organisation_id_organisation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_compensation_claim')),
    sa.UniqueConstraint('meeting_id', 'organisation_id', name=op.f('uq_compensation_claim_meeting_id'))
    )
    with op.batch_alter_table('compensation_claim', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_compensation_claim_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_compensation_claim_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_compensation_claim_state'), ['state'], unique=False)

    op.create_table('compensation_meeting_rules',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('offered', sa.Boolean(), nullable=True),
    sa.Column('fee_on_site_ore', sa.Integer(), nullable=True),
    sa.Column('fee_online_ore', sa.Integer(), nullable=True),
    sa.Column('max_representatives', sa.Integer(), nullable=True),
    sa.Column('deadline_days', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_compensation_meeting_rules_meeting_id_meeting'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_compensation_meeting_rules')),
    sa.UniqueConstraint('meeting_id', name=op.f('uq_compensation_meeting_rules_meeting_id'))
    )
    op.create_table('compensation_reminder',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_compensation_reminder_meeting_id_meeting'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_compensation_reminder_organisation_id_organisation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_compensation_reminder')),
    sa.UniqueConstraint('meeting_id', 'organisation_id', name=op.f('uq_compensation_reminder_meeting_id'))
    )
    with op.batch_alter_table('compensation_reminder', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_compensation_reminder_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('compensation_claim_attendee',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('claim_id', sa.Integer(), nullable=False),
    sa.Column('attendance_id', sa.Integer(), nullable=True),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('online', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_compensation_claim_attendee_person_id_person'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['claim_id'], ['compensation_claim.id'], name=op.f('fk_compensation_claim_attendee_claim_id_compensation_claim'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_compensation_claim_attendee'))
    )
    with op.batch_alter_table('compensation_claim_attendee', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_compensation_claim_attendee_attendance_id'), ['attendance_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_compensation_claim_attendee_claim_id'), ['claim_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_compensation_claim_attendee_person_id'), ['person_id'], unique=False)

    op.create_table('compensation_claim_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('claim_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('actor', sa.String(length=200), nullable=False),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('old', sa.Text(), nullable=False),
    sa.Column('new', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['claim_id'], ['compensation_claim.id'], name=op.f('fk_compensation_claim_event_claim_id_compensation_claim'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_compensation_claim_event_person_id_person'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_compensation_claim_event'))
    )
    with op.batch_alter_table('compensation_claim_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_compensation_claim_event_claim_id'), ['claim_id'], unique=False)

    op.create_table('compensation_claim_expense',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('claim_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('description', sa.String(length=200), nullable=False),
    sa.Column('amount_ore', sa.Integer(), nullable=False),
    sa.Column('receipt_file', sa.String(length=100), nullable=False),
    sa.Column('receipt_type', sa.String(length=50), nullable=False),
    sa.ForeignKeyConstraint(['claim_id'], ['compensation_claim.id'], name=op.f('fk_compensation_claim_expense_claim_id_compensation_claim'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_compensation_claim_expense'))
    )
    with op.batch_alter_table('compensation_claim_expense', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_compensation_claim_expense_claim_id'), ['claim_id'], unique=False)

    op.create_table('compensation_claim_trip',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('claim_id', sa.Integer(), nullable=False),
    sa.Column('driver', sa.String(length=200), nullable=False),
    sa.Column('from_place', sa.String(length=200), nullable=False),
    sa.Column('to_place', sa.String(length=200), nullable=False),
    sa.Column('km', sa.Integer(), nullable=False),
    sa.Column('passengers', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['claim_id'], ['compensation_claim.id'], name=op.f('fk_compensation_claim_trip_claim_id_compensation_claim'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_compensation_claim_trip'))
    )
    with op.batch_alter_table('compensation_claim_trip', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_compensation_claim_trip_claim_id'), ['claim_id'], unique=False)



def downgrade():
    with op.batch_alter_table('compensation_claim_trip', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_compensation_claim_trip_claim_id'))

    op.drop_table('compensation_claim_trip')
    with op.batch_alter_table('compensation_claim_expense', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_compensation_claim_expense_claim_id'))

    op.drop_table('compensation_claim_expense')
    with op.batch_alter_table('compensation_claim_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_compensation_claim_event_claim_id'))

    op.drop_table('compensation_claim_event')
    with op.batch_alter_table('compensation_claim_attendee', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_compensation_claim_attendee_person_id'))
        batch_op.drop_index(batch_op.f('ix_compensation_claim_attendee_claim_id'))
        batch_op.drop_index(batch_op.f('ix_compensation_claim_attendee_attendance_id'))

    op.drop_table('compensation_claim_attendee')
    with op.batch_alter_table('compensation_reminder', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_compensation_reminder_meeting_id'))

    op.drop_table('compensation_reminder')
    op.drop_table('compensation_meeting_rules')
    with op.batch_alter_table('compensation_claim', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_compensation_claim_state'))
        batch_op.drop_index(batch_op.f('ix_compensation_claim_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_compensation_claim_meeting_id'))

    op.drop_table('compensation_claim')
    op.drop_table('compensation_forum_rules')
    with op.batch_alter_table('compensation_budget', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_compensation_budget_forum_id'))

    op.drop_table('compensation_budget')
    op.drop_table('compensation_payment_details')
