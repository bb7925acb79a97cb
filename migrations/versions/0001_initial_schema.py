"""Create chats, accounts, action requests, connect links and connect dialogs.

Revision ID: 0001
Revises: (none)
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('action_requests',
    sa.Column('id', sa.String(length=16), nullable=False),
    sa.Column('chat_id', sa.BigInteger(), nullable=False),
    sa.Column('message_id', sa.BigInteger(), nullable=True),
    sa.Column('requested_by', sa.BigInteger(), nullable=False),
    sa.Column('requested_by_name', sa.String(length=255), nullable=False),
    sa.Column('decided_by', sa.BigInteger(), nullable=True),
    sa.Column('decided_by_name', sa.String(length=255), nullable=True),
    sa.Column('vm_id', sa.BigInteger(), nullable=False),
    sa.Column('vm_name', sa.String(length=255), nullable=False),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('detail', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('action_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_action_requests_chat_id'), ['chat_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_action_requests_state'), ['state'], unique=False)

    op.create_table('chats',
    sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('type', sa.String(length=16), nullable=False),
    sa.Column('title', sa.String(length=255), nullable=True),
    sa.Column('authorized', sa.Boolean(), nullable=False),
    sa.Column('authorized_by', sa.BigInteger(), nullable=True),
    sa.Column('authorized_at', sa.DateTime(), nullable=True),
    sa.Column('revoked_by', sa.BigInteger(), nullable=True),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.Column('language', sa.String(length=2), nullable=False),
    sa.Column('money_unit', sa.String(length=8), nullable=False),
    sa.Column('action_policy', sa.String(length=8), nullable=False),
    sa.Column('unauthorized_notice_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('connect_dialogs',
    sa.Column('chat_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('user_id', sa.BigInteger(), nullable=False),
    sa.Column('target_chat_id', sa.BigInteger(), nullable=False),
    sa.Column('step', sa.String(length=16), nullable=False),
    sa.Column('base_url', sa.String(length=255), nullable=True),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('chat_id')
    )
    op.create_table('connect_links',
    sa.Column('payload', sa.String(length=32), nullable=False),
    sa.Column('group_chat_id', sa.BigInteger(), nullable=False),
    sa.Column('user_id', sa.BigInteger(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('used_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('payload')
    )
    op.create_table('accounts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('chat_id', sa.BigInteger(), nullable=False),
    sa.Column('base_url', sa.String(length=255), nullable=False),
    sa.Column('token_ciphertext', sa.LargeBinary(), nullable=False),
    sa.Column('linked_by', sa.BigInteger(), nullable=False),
    sa.Column('linked_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['chat_id'], ['chats.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('chat_id')
    )


def downgrade() -> None:
    op.drop_table('accounts')
    op.drop_table('connect_links')
    op.drop_table('connect_dialogs')
    op.drop_table('chats')
    with op.batch_alter_table('action_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_action_requests_state'))
        batch_op.drop_index(batch_op.f('ix_action_requests_chat_id'))

    op.drop_table('action_requests')
