"""Initial schema: entities, keys, status lists, credentials, API clients, audit log.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _timestamp(name: str, *, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _entity_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["entity_id"], ["entities.id"], name=op.f(f"fk_{table}_entity_id_entities")
    )


def upgrade() -> None:
    op.create_table(
        "entities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=64), nullable=False),
        sa.Column("nombre", sa.String(length=300), nullable=False),
        sa.Column("nit", sa.String(length=32), nullable=False),
        sa.Column("did", sa.String(length=500), nullable=False),
        _timestamp("created_at"),
        sa.Column("audit_seq", sa.BigInteger(), nullable=False),
        sa.Column("audit_head", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_entities")),
        sa.UniqueConstraint("did", name=op.f("uq_entities_did")),
        sa.UniqueConstraint("slug", name=op.f("uq_entities_slug")),
    )
    op.create_table(
        "signing_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("fragment", sa.String(length=64), nullable=False),
        sa.Column("algorithm", sa.String(length=16), nullable=False),
        sa.Column("public_jwk", sa.JSON(), nullable=False),
        sa.Column("key_ref", sa.String(length=1000), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        _timestamp("created_at"),
        _timestamp("retired_at", nullable=True),
        sa.CheckConstraint(
            "algorithm IN ('EdDSA', 'ES256')", name=op.f("ck_signing_keys_algorithm")
        ),
        sa.CheckConstraint("state IN ('active', 'retired')", name=op.f("ck_signing_keys_state")),
        _entity_fk("signing_keys"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signing_keys")),
        sa.UniqueConstraint(
            "entity_id", "fragment", name=op.f("uq_signing_keys_entity_id_fragment")
        ),
    )
    op.create_index(op.f("ix_signing_keys_entity_id"), "signing_keys", ["entity_id"])
    op.create_table(
        "status_lists",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=16), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("length", sa.Integer(), nullable=False),
        sa.Column("bits", sa.LargeBinary(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column("full", sa.Boolean(), nullable=False),
        _timestamp("created_at"),
        _timestamp("updated_at"),
        sa.CheckConstraint(
            "purpose IN ('revocation', 'suspension')", name=op.f("ck_status_lists_purpose")
        ),
        sa.CheckConstraint("length > 0", name=op.f("ck_status_lists_length")),
        _entity_fk("status_lists"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_status_lists")),
        sa.UniqueConstraint(
            "entity_id", "purpose", "seq", name=op.f("uq_status_lists_entity_id_purpose_seq")
        ),
    )
    op.create_table(
        "issued_credentials",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("credential_id", sa.String(length=200), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("credential_type", sa.String(length=200), nullable=False),
        sa.Column("codigo_tramite", sa.String(length=64), nullable=True),
        sa.Column("subject_ref", sa.String(length=128), nullable=False),
        sa.Column("client_ref", sa.String(length=200), nullable=False),
        sa.Column("idempotency_key", sa.String(length=200), nullable=True),
        sa.Column("request_digest", sa.String(length=128), nullable=True),
        _timestamp("issued_at"),
        _timestamp("valid_from", nullable=True),
        _timestamp("valid_until", nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        _timestamp("state_changed_at", nullable=True),
        sa.Column("document", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "state IN ('active', 'revoked', 'suspended')",
            name=op.f("ck_issued_credentials_state"),
        ),
        _entity_fk("issued_credentials"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_issued_credentials")),
        sa.UniqueConstraint("credential_id", name=op.f("uq_issued_credentials_credential_id")),
        sa.UniqueConstraint(
            "entity_id",
            "client_ref",
            "idempotency_key",
            name=op.f("uq_issued_credentials_entity_id_client_ref_idempotency_key"),
        ),
    )
    op.create_index(op.f("ix_issued_credentials_entity_id"), "issued_credentials", ["entity_id"])
    op.create_index(
        op.f("ix_issued_credentials_subject_ref"), "issued_credentials", ["subject_ref"]
    )
    op.create_table(
        "status_allocations",
        sa.Column("list_id", sa.Integer(), nullable=False),
        sa.Column("status_index", sa.Integer(), nullable=False),
        sa.Column("credential_id", sa.Integer(), nullable=True),
        _timestamp("allocated_at"),
        sa.ForeignKeyConstraint(
            ["credential_id"],
            ["issued_credentials.id"],
            name=op.f("fk_status_allocations_credential_id_issued_credentials"),
        ),
        sa.ForeignKeyConstraint(
            ["list_id"],
            ["status_lists.id"],
            name=op.f("fk_status_allocations_list_id_status_lists"),
        ),
        sa.PrimaryKeyConstraint("list_id", "status_index", name=op.f("pk_status_allocations")),
    )
    op.create_index(
        op.f("ix_status_allocations_credential_id"), "status_allocations", ["credential_id"]
    )
    op.create_table(
        "api_clients",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.String(length=200), nullable=False),
        sa.Column("secret_hash", sa.String(length=300), nullable=False),
        sa.Column("scopes", sa.JSON(), nullable=False),
        sa.Column("tramites", sa.JSON(), nullable=False),
        _timestamp("created_at"),
        _timestamp("revoked_at", nullable=True),
        _entity_fk("api_clients"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_clients")),
        sa.UniqueConstraint("client_id", name=op.f("uq_api_clients_client_id")),
    )
    op.create_index(op.f("ix_api_clients_entity_id"), "api_clients", ["entity_id"])
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("action", sa.String(length=100), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        _timestamp("created_at"),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        _entity_fk("audit_log"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
        sa.UniqueConstraint("entity_id", "seq", name=op.f("uq_audit_log_entity_id_seq")),
    )


def downgrade() -> None:
    for table in (
        "audit_log",
        "api_clients",
        "status_allocations",
        "issued_credentials",
        "status_lists",
        "signing_keys",
        "entities",
    ):
        op.drop_table(table)
