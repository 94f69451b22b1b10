-- The village cooperative (koperasi simpan pinjam; docs/decisions.md, "Cooperative"): members,
-- savings accounts and their transactions, loan products and their account mapping, loans with
-- their schedules and repayments, the chart of accounts, journal entries and lines, idempotency
-- keys, period closes and SHU runs. The rules live in desmigratif_core::coop; these tables store
-- their results. Money is whole rupiah (BIGINT), rates are basis points (INTEGER).
-- Keep in step with ../sqlite/0012_coop.sql (same tables, same columns); the triggers differ
-- only in dialect.

-- One row per co-op (a village): the settings its RAT and pengurus decide.
CREATE TABLE coop_settings (
    region_code               TEXT PRIMARY KEY,
    -- 'ekuitas' or 'kewajiban': where simpanan pokok and wajib are shown.
    member_capital            TEXT NOT NULL,
    principal_savings_amount  BIGINT NOT NULL CHECK (principal_savings_amount > 0),
    mandatory_monthly         BIGINT NOT NULL CHECK (mandatory_monthly > 0),
    -- Collectibility ladder: first day past due of kurang lancar, diragukan, macet.
    substandard_from          INTEGER NOT NULL,
    doubtful_from             INTEGER NOT NULL,
    loss_from                 INTEGER NOT NULL,
    -- No journal entry may be dated on or before this day (NULL: nothing closed yet).
    closed_through            DATE,
    -- Maker-checker: a loan is approved by someone other than whoever entered it.
    maker_checker             BOOLEAN NOT NULL,
    updated_at                TIMESTAMPTZ NOT NULL,
    updated_by                UUID REFERENCES users (id),
    CHECK (0 < substandard_from AND substandard_from < doubtful_from AND doubtful_from < loss_from)
);

-- Every move of closed_through, for the record (a close is never undone).
CREATE TABLE coop_period_closes (
    region_code     TEXT NOT NULL,
    closed_through  DATE NOT NULL,
    closed_by       UUID NOT NULL REFERENCES users (id),
    closed_at       TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (region_code, closed_through)
);

-- The chart of accounts of each co-op, seeded from core::coop::ledger::chart_of_accounts.
CREATE TABLE coop_accounts (
    region_code  TEXT NOT NULL,
    code         TEXT NOT NULL,
    name         TEXT NOT NULL,
    -- aset, kewajiban, ekuitas, pendapatan, beban
    kind         TEXT NOT NULL,
    -- debit or kredit
    normal       TEXT NOT NULL,
    PRIMARY KEY (region_code, code)
);

CREATE TABLE coop_members (
    id           UUID PRIMARY KEY,
    region_code  TEXT NOT NULL,
    -- The villager in the registry, when the member is one (most are).
    person_id    UUID REFERENCES persons (id),
    number       TEXT NOT NULL,
    name         TEXT NOT NULL,
    joined_on    DATE NOT NULL,
    left_on      DATE,
    created_by   UUID NOT NULL REFERENCES users (id),
    created_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL,
    UNIQUE (region_code, number)
);
CREATE INDEX coop_members_person ON coop_members (person_id);

CREATE TABLE coop_loan_products (
    id                  UUID PRIMARY KEY,
    region_code         TEXT NOT NULL,
    code                TEXT NOT NULL,
    name                TEXT NOT NULL,
    -- flat, anuitas, efektif
    method              TEXT NOT NULL,
    annual_rate_bp      INTEGER NOT NULL CHECK (annual_rate_bp >= 0),
    min_amount          BIGINT NOT NULL,
    max_amount          BIGINT NOT NULL,
    max_term            INTEGER NOT NULL CHECK (max_term > 0),
    -- JSON of core::coop::loan::LoanFee values.
    fees                TEXT NOT NULL,
    penalty_bp_per_day  INTEGER NOT NULL CHECK (penalty_bp_per_day >= 0),
    -- JSON list, e.g. ["denda","bunga","pokok"].
    allocation_order    TEXT NOT NULL,
    active              BOOLEAN NOT NULL,
    created_at          TIMESTAMPTZ NOT NULL,
    updated_at          TIMESTAMPTZ NOT NULL,
    UNIQUE (region_code, code),
    CHECK (0 < min_amount AND min_amount <= max_amount)
);

-- Product → account overrides of the loan roles (core::coop::ledger::AccountMap).
CREATE TABLE coop_product_accounts (
    product_id    UUID NOT NULL REFERENCES coop_loan_products (id),
    role          TEXT NOT NULL,
    account_code  TEXT NOT NULL,
    PRIMARY KEY (product_id, role)
);

-- A journal entry is written unposted, its lines added, then posted in the same transaction;
-- the triggers below refuse to post it unbalanced, refuse a line that would push either side
-- past the total, and keep posted entries and their lines unchangeable. A correction is a new
-- entry.
CREATE TABLE coop_journal_entries (
    id           UUID PRIMARY KEY,
    region_code  TEXT NOT NULL,
    entry_on     DATE NOT NULL,
    memo         TEXT NOT NULL,
    -- setoran, penarikan, pencairan, angsuran, biaya, shu, tutup_buku, koreksi
    source       TEXT NOT NULL,
    source_id    UUID,
    -- The sum of either side.
    total        BIGINT NOT NULL CHECK (total > 0),
    posted       BOOLEAN NOT NULL,
    created_by   UUID NOT NULL REFERENCES users (id),
    created_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX coop_journal_entries_region ON coop_journal_entries (region_code, entry_on);

CREATE TABLE coop_journal_lines (
    entry_id      UUID NOT NULL REFERENCES coop_journal_entries (id),
    line_no       INTEGER NOT NULL,
    account_code  TEXT NOT NULL,
    debit         BIGINT NOT NULL,
    credit        BIGINT NOT NULL,
    PRIMARY KEY (entry_id, line_no),
    CHECK ((debit > 0 AND credit = 0) OR (credit > 0 AND debit = 0))
);
CREATE INDEX coop_journal_lines_account ON coop_journal_lines (account_code);

-- Posted amounts per account and day, kept in the posting's transaction, so a trial balance, a
-- neraca or a PHU sums a few thousand rows instead of every journal line (docs/benchmarks.md).
-- Derived data: the journal lines stay the record.
CREATE TABLE coop_day_totals (
    region_code   TEXT NOT NULL,
    account_code  TEXT NOT NULL,
    day           DATE NOT NULL,
    source        TEXT NOT NULL,
    debit         BIGINT NOT NULL,
    credit        BIGINT NOT NULL,
    PRIMARY KEY (region_code, day, account_code, source)
);

CREATE FUNCTION coop_journal_line_check() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    entry_total BIGINT;
BEGIN
    IF TG_OP = 'UPDATE' THEN
        RAISE EXCEPTION 'coop journal: lines are not changed, post a correction';
    END IF;
    IF TG_OP = 'DELETE' THEN
        IF (SELECT posted FROM coop_journal_entries WHERE id = OLD.entry_id) THEN
            RAISE EXCEPTION 'coop journal: lines of a posted entry are kept';
        END IF;
        RETURN OLD;
    END IF;
    -- Locks the entry, so lines inserted at once by two transactions are checked one by one.
    SELECT total INTO entry_total
        FROM coop_journal_entries WHERE id = NEW.entry_id FOR UPDATE;
    IF (SELECT COALESCE(SUM(debit), 0) FROM coop_journal_lines WHERE entry_id = NEW.entry_id)
           + NEW.debit > entry_total
       OR (SELECT COALESCE(SUM(credit), 0) FROM coop_journal_lines WHERE entry_id = NEW.entry_id)
           + NEW.credit > entry_total THEN
        RAISE EXCEPTION 'coop journal: a line would exceed the entry total';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER coop_journal_line_guard BEFORE INSERT OR UPDATE OR DELETE ON coop_journal_lines
FOR EACH ROW EXECUTE FUNCTION coop_journal_line_check();

CREATE FUNCTION coop_journal_entry_check() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.posted THEN
        IF TG_OP = 'DELETE' THEN
            RAISE EXCEPTION 'coop journal: a posted entry is kept';
        END IF;
        RAISE EXCEPTION 'coop journal: a posted entry is final, post a correction';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    IF NEW.posted AND (
        (SELECT COUNT(*) FROM coop_journal_lines WHERE entry_id = NEW.id) < 2
        OR (SELECT COALESCE(SUM(debit), 0) FROM coop_journal_lines WHERE entry_id = NEW.id) <> NEW.total
        OR (SELECT COALESCE(SUM(credit), 0) FROM coop_journal_lines WHERE entry_id = NEW.id) <> NEW.total) THEN
        RAISE EXCEPTION 'coop journal: debits and credits must both equal the total';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER coop_journal_entry_guard BEFORE UPDATE OR DELETE ON coop_journal_entries
FOR EACH ROW EXECUTE FUNCTION coop_journal_entry_check();

-- One account per member and kind (pokok, wajib, sukarela). The balance never goes below zero:
-- a withdrawal is `UPDATE … SET balance = balance - $1 WHERE id = $2 AND balance >= $1`, and no
-- row updated means refused, so two withdrawals at once cannot both pass.
CREATE TABLE coop_savings_accounts (
    id          UUID PRIMARY KEY,
    member_id   UUID NOT NULL REFERENCES coop_members (id),
    kind        TEXT NOT NULL,
    balance     BIGINT NOT NULL CHECK (balance >= 0),
    updated_at  TIMESTAMPTZ NOT NULL,
    UNIQUE (member_id, kind)
);

CREATE TABLE coop_savings_txns (
    id          UUID PRIMARY KEY,
    account_id  UUID NOT NULL REFERENCES coop_savings_accounts (id),
    -- setor, tarik
    direction   TEXT NOT NULL,
    amount      BIGINT NOT NULL CHECK (amount > 0),
    txn_on      DATE NOT NULL,
    entry_id    UUID NOT NULL REFERENCES coop_journal_entries (id),
    created_by  UUID NOT NULL REFERENCES users (id),
    created_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX coop_savings_txns_account ON coop_savings_txns (account_id, txn_on);

-- The product's method and rate are copied when the loan is applied for, so a later change of
-- the product never changes a signed loan. Maker-checker (when the co-op has it on): whoever
-- approves did not apply.
CREATE TABLE coop_loans (
    id                UUID PRIMARY KEY,
    member_id         UUID NOT NULL REFERENCES coop_members (id),
    product_id        UUID NOT NULL REFERENCES coop_loan_products (id),
    method            TEXT NOT NULL,
    annual_rate_bp    INTEGER NOT NULL,
    principal         BIGINT NOT NULL CHECK (principal > 0),
    months            INTEGER NOT NULL CHECK (months > 0),
    purpose           TEXT NOT NULL,
    -- diajukan, disetujui, ditolak, dicairkan, lunas
    status            TEXT NOT NULL,
    applied_on        DATE NOT NULL,
    created_by        UUID NOT NULL REFERENCES users (id),
    approved_by       UUID REFERENCES users (id),
    approved_at       TIMESTAMPTZ,
    disbursed_on      DATE,
    disbursement_entry_id UUID REFERENCES coop_journal_entries (id),
    -- Principal paid ahead of the schedule (core::coop::loan::Loan::prepaid).
    prepaid           BIGINT NOT NULL,
    created_at        TIMESTAMPTZ NOT NULL,
    updated_at        TIMESTAMPTZ NOT NULL,
    -- The co-op's maker-checker setting when the loan was entered (copied like the rate).
    maker_checker     BOOLEAN NOT NULL,
    CHECK (approved_by IS NULL OR approved_by <> created_by OR NOT maker_checker),
    CHECK (0 <= prepaid AND prepaid <= principal)
);
CREATE INDEX coop_loans_member ON coop_loans (member_id, status);

-- The schedule as it stands: a prepayment replaces the rows from the first not-yet-due number.
CREATE TABLE coop_instalments (
    loan_id         UUID NOT NULL REFERENCES coop_loans (id),
    no              INTEGER NOT NULL,
    due_on          DATE NOT NULL,
    principal       BIGINT NOT NULL CHECK (principal >= 0),
    interest        BIGINT NOT NULL CHECK (interest >= 0),
    total           BIGINT NOT NULL,
    balance_after   BIGINT NOT NULL CHECK (balance_after >= 0),
    penalty         BIGINT NOT NULL CHECK (penalty >= 0),
    paid_penalty    BIGINT NOT NULL,
    paid_interest   BIGINT NOT NULL,
    paid_principal  BIGINT NOT NULL,
    PRIMARY KEY (loan_id, no),
    CHECK (total = principal + interest),
    CHECK (0 <= paid_penalty AND paid_penalty <= penalty),
    CHECK (0 <= paid_interest AND paid_interest <= interest),
    CHECK (0 <= paid_principal AND paid_principal <= principal)
);
CREATE INDEX coop_instalments_due ON coop_instalments (due_on);

CREATE TABLE coop_repayments (
    id                 UUID PRIMARY KEY,
    loan_id            UUID NOT NULL REFERENCES coop_loans (id),
    paid_on            DATE NOT NULL,
    amount             BIGINT NOT NULL CHECK (amount > 0),
    penalty            BIGINT NOT NULL CHECK (penalty >= 0),
    interest           BIGINT NOT NULL CHECK (interest >= 0),
    principal          BIGINT NOT NULL CHECK (principal >= 0),
    prepaid_principal  BIGINT NOT NULL CHECK (prepaid_principal >= 0),
    overpayment        BIGINT NOT NULL CHECK (overpayment >= 0),
    entry_id           UUID NOT NULL REFERENCES coop_journal_entries (id),
    created_by         UUID NOT NULL REFERENCES users (id),
    created_at         TIMESTAMPTZ NOT NULL,
    CHECK (amount = penalty + interest + principal + prepaid_principal + overpayment)
);
CREATE INDEX coop_repayments_loan ON coop_repayments (loan_id, paid_on);

-- A money action sent twice (a retried form, an offline client resending) happens once: the key
-- is inserted in the action's own transaction; a second insert conflicts, and the caller returns
-- the first result when the request hash matches, or refuses when it does not.
CREATE TABLE coop_idempotency (
    region_code   TEXT NOT NULL,
    key           TEXT NOT NULL,
    action        TEXT NOT NULL,
    request_hash  TEXT NOT NULL,
    result_id     UUID NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (region_code, key)
);

-- One SHU run per co-op and book year: computed (draft), approved by someone other than its
-- maker, then posted as one journal entry.
CREATE TABLE coop_shu_runs (
    id                     UUID PRIMARY KEY,
    region_code            TEXT NOT NULL,
    year                   INTEGER NOT NULL,
    result                 BIGINT NOT NULL CHECK (result >= 0),
    patronage_interest_bp  INTEGER NOT NULL CHECK (patronage_interest_bp BETWEEN 0 AND 10000),
    unclaimed              BIGINT NOT NULL CHECK (unclaimed >= 0),
    -- draf, disetujui, diposting
    status                 TEXT NOT NULL,
    entry_id               UUID REFERENCES coop_journal_entries (id),
    created_by             UUID NOT NULL REFERENCES users (id),
    approved_by            UUID REFERENCES users (id),
    approved_at            TIMESTAMPTZ,
    created_at             TIMESTAMPTZ NOT NULL,
    UNIQUE (region_code, year),
    CHECK (approved_by IS NULL OR approved_by <> created_by)
);

CREATE TABLE coop_shu_parts (
    run_id  UUID NOT NULL REFERENCES coop_shu_runs (id),
    part    TEXT NOT NULL,
    bp      INTEGER NOT NULL CHECK (bp BETWEEN 0 AND 10000),
    amount  BIGINT NOT NULL CHECK (amount >= 0),
    PRIMARY KEY (run_id, part)
);

CREATE TABLE coop_shu_members (
    run_id         UUID NOT NULL REFERENCES coop_shu_runs (id),
    member_id      UUID NOT NULL REFERENCES coop_members (id),
    savings        BIGINT NOT NULL CHECK (savings >= 0),
    interest_paid  BIGINT NOT NULL CHECK (interest_paid >= 0),
    transactions   BIGINT NOT NULL CHECK (transactions >= 0),
    capital        BIGINT NOT NULL CHECK (capital >= 0),
    patronage      BIGINT NOT NULL CHECK (patronage >= 0),
    total          BIGINT NOT NULL,
    PRIMARY KEY (run_id, member_id),
    CHECK (total = capital + patronage)
);
