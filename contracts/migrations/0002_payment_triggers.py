"""The database refuses, whatever writes the row (a page, the admin, a script, raw SQL): a payment on a tranche that
is not payable yet or of a paused contract, payments adding up to more than the contract's amount, and a contract
amount below what has been paid. Triggers on SQLite and PostgreSQL (a CHECK constraint sees one row only)."""

from django.db import migrations

SQLITE = [
    """
    CREATE TRIGGER contracts_payment_insert BEFORE INSERT ON contracts_payment
    BEGIN
        SELECT RAISE(ABORT, 'contracts_payment_tranche_locked')
        WHERE NOT EXISTS (
            SELECT 1 FROM contracts_tranche t JOIN contracts_contract c ON c.id = t.contract_id
            WHERE t.id = NEW.tranche_id AND t.unlocked_at IS NOT NULL AND c.state <> 'paused'
        );
        SELECT RAISE(ABORT, 'contracts_payment_above_contract_amount')
        WHERE ROUND(NEW.amount + (
            SELECT COALESCE(SUM(p.amount), 0) FROM contracts_payment p JOIN contracts_tranche t ON t.id = p.tranche_id
            WHERE t.contract_id = (SELECT contract_id FROM contracts_tranche WHERE id = NEW.tranche_id)
        ), 2) > ROUND((
            SELECT c.amount FROM contracts_contract c JOIN contracts_tranche t ON t.contract_id = c.id
            WHERE t.id = NEW.tranche_id
        ), 2);
    END
    """,
    """
    CREATE TRIGGER contracts_payment_update BEFORE UPDATE OF amount, tranche_id ON contracts_payment
    BEGIN
        SELECT RAISE(ABORT, 'contracts_payment_tranche_locked')
        WHERE NOT EXISTS (
            SELECT 1 FROM contracts_tranche t JOIN contracts_contract c ON c.id = t.contract_id
            WHERE t.id = NEW.tranche_id AND t.unlocked_at IS NOT NULL AND c.state <> 'paused'
        );
        SELECT RAISE(ABORT, 'contracts_payment_above_contract_amount')
        WHERE ROUND(NEW.amount + (
            SELECT COALESCE(SUM(p.amount), 0) FROM contracts_payment p JOIN contracts_tranche t ON t.id = p.tranche_id
            WHERE t.contract_id = (SELECT contract_id FROM contracts_tranche WHERE id = NEW.tranche_id)
            AND p.id <> OLD.id
        ), 2) > ROUND((
            SELECT c.amount FROM contracts_contract c JOIN contracts_tranche t ON t.contract_id = c.id
            WHERE t.id = NEW.tranche_id
        ), 2);
    END
    """,
    """
    CREATE TRIGGER contracts_contract_amount BEFORE UPDATE OF amount ON contracts_contract
    BEGIN
        SELECT RAISE(ABORT, 'contracts_contract_amount_below_paid')
        WHERE ROUND(NEW.amount, 2) < ROUND((
            SELECT COALESCE(SUM(p.amount), 0) FROM contracts_payment p JOIN contracts_tranche t ON t.id = p.tranche_id
            WHERE t.contract_id = NEW.id
        ), 2);
    END
    """,
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS contracts_payment_insert",
    "DROP TRIGGER IF EXISTS contracts_payment_update",
    "DROP TRIGGER IF EXISTS contracts_contract_amount",
]

POSTGRESQL = [
    """
    CREATE OR REPLACE FUNCTION contracts_payment_check() RETURNS trigger AS $$
    DECLARE
        v_contract bigint;
        v_unlocked timestamptz;
        v_amount numeric;
        v_state varchar;
        v_paid numeric;
        v_old bigint := -1;
    BEGIN
        IF TG_OP = 'UPDATE' THEN
            v_old := OLD.id;
        END IF;
        SELECT t.contract_id, t.unlocked_at INTO v_contract, v_unlocked FROM contracts_tranche t WHERE t.id = NEW.tranche_id;
        -- The contract's row lock makes concurrent payments on one contract wait for each other.
        SELECT c.amount, c.state INTO v_amount, v_state FROM contracts_contract c WHERE c.id = v_contract FOR UPDATE;
        IF v_unlocked IS NULL OR v_state = 'paused' THEN
            RAISE EXCEPTION 'contracts_payment_tranche_locked' USING ERRCODE = 'check_violation';
        END IF;
        SELECT COALESCE(SUM(p.amount), 0) INTO v_paid FROM contracts_payment p
            JOIN contracts_tranche t ON t.id = p.tranche_id
            WHERE t.contract_id = v_contract AND p.id <> v_old;
        IF v_paid + NEW.amount > v_amount THEN
            RAISE EXCEPTION 'contracts_payment_above_contract_amount' USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER contracts_payment_check BEFORE INSERT OR UPDATE OF amount, tranche_id ON contracts_payment
    FOR EACH ROW EXECUTE PROCEDURE contracts_payment_check()
    """,
    """
    CREATE OR REPLACE FUNCTION contracts_contract_amount_check() RETURNS trigger AS $$
    BEGIN
        IF NEW.amount < (
            SELECT COALESCE(SUM(p.amount), 0) FROM contracts_payment p JOIN contracts_tranche t ON t.id = p.tranche_id
            WHERE t.contract_id = NEW.id
        ) THEN
            RAISE EXCEPTION 'contracts_contract_amount_below_paid' USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER contracts_contract_amount BEFORE UPDATE OF amount ON contracts_contract
    FOR EACH ROW EXECUTE PROCEDURE contracts_contract_amount_check()
    """,
]
POSTGRESQL_DROP = [
    "DROP TRIGGER IF EXISTS contracts_payment_check ON contracts_payment",
    "DROP FUNCTION IF EXISTS contracts_payment_check()",
    "DROP TRIGGER IF EXISTS contracts_contract_amount ON contracts_contract",
    "DROP FUNCTION IF EXISTS contracts_contract_amount_check()",
]

STATEMENTS = {"sqlite": (SQLITE, SQLITE_DROP), "postgresql": (POSTGRESQL, POSTGRESQL_DROP)}


def _run(schema_editor, index):
    statements = STATEMENTS.get(schema_editor.connection.vendor)
    if statements is None:
        raise NotImplementedError(f"contracts: no payment triggers for {schema_editor.connection.vendor}")
    for statement in statements[index]:
        schema_editor.execute(statement, params=None)


def create(apps, schema_editor):
    _run(schema_editor, 0)


def drop(apps, schema_editor):
    _run(schema_editor, 1)


class Migration(migrations.Migration):
    dependencies = [("contracts", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
