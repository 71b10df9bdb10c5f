//! The plan file's schema as numbered migrations. `PRAGMA user_version` holds the number of
//! migrations applied; each runs in its own transaction together with the version bump, so a
//! file is always at one whole version. New tables are added by appending a migration, never by
//! editing an old one.

/// Identifies a SalesPlan plan file (`PRAGMA application_id`): "SPLN".
pub const APPLICATION_ID: i32 = 0x5350_4C4E;

/// Migration `i` brings a file from version `i` to `i + 1`.
pub const MIGRATIONS: &[&str] = &[
    // 1: the plan workbench — plan, versions, organisation, products, channels, customers,
    // target cells, settings, working-day calendar, sales history, undo log.
    r#"
CREATE TABLE versions (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('draft', 'round', 'confirmed', 'revision')),
    parent_id   INTEGER REFERENCES versions(id),
    created_at  TEXT NOT NULL,
    note        TEXT NOT NULL DEFAULT '',
    locked      INTEGER NOT NULL DEFAULT 0 CHECK (locked IN (0, 1))
);

CREATE TABLE plan (
    id                  INTEGER PRIMARY KEY CHECK (id = 1),
    name                TEXT NOT NULL,
    organisation        TEXT NOT NULL DEFAULT '',
    fiscal_year         INTEGER NOT NULL CHECK (fiscal_year BETWEEN 1900 AND 2999),
    fiscal_start_month  INTEGER NOT NULL DEFAULT 1 CHECK (fiscal_start_month BETWEEN 1 AND 12),
    current_version_id  INTEGER NOT NULL REFERENCES versions(id),
    created_at          TEXT NOT NULL
);

CREATE TABLE org_nodes (
    id               INTEGER PRIMARY KEY,
    parent_id        INTEGER REFERENCES org_nodes(id),
    kind             TEXT NOT NULL,
    name             TEXT NOT NULL,
    sort_order       INTEGER NOT NULL DEFAULT 0,
    title            TEXT NOT NULL DEFAULT '',
    email            TEXT NOT NULL DEFAULT '',
    visits_per_week  INTEGER CHECK (visits_per_week IS NULL OR visits_per_week >= 0)
);
CREATE UNIQUE INDEX org_nodes_sibling_name ON org_nodes (IFNULL(parent_id, 0), name);
CREATE INDEX org_nodes_parent ON org_nodes (parent_id);

CREATE TABLE product_lines (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL UNIQUE,
    code         TEXT NOT NULL DEFAULT '',
    description  TEXT NOT NULL DEFAULT '',
    sort_order   INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE products (
    id          INTEGER PRIMARY KEY,
    line_id     INTEGER NOT NULL REFERENCES product_lines(id),
    name        TEXT NOT NULL UNIQUE,
    list_price  INTEGER NOT NULL DEFAULT 0 CHECK (list_price >= 0),
    sort_order  INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX products_line ON products (line_id);

CREATE TABLE channels (
    id    INTEGER PRIMARY KEY,
    name  TEXT NOT NULL UNIQUE,
    kind  TEXT NOT NULL CHECK (kind IN ('direct', 'distribution', 'ecommerce', 'other'))
);

CREATE TABLE customers (
    id             INTEGER PRIMARY KEY,
    name           TEXT NOT NULL UNIQUE,
    industry       TEXT NOT NULL DEFAULT '',
    region         TEXT NOT NULL DEFAULT '',
    credit_rating  TEXT NOT NULL DEFAULT '',
    owner_id       INTEGER REFERENCES org_nodes(id)
);
CREATE INDEX customers_owner ON customers (owner_id);

CREATE TABLE target_cells (
    id          INTEGER PRIMARY KEY,
    version_id  INTEGER NOT NULL REFERENCES versions(id),
    node_id     INTEGER NOT NULL REFERENCES org_nodes(id),
    line_id     INTEGER REFERENCES product_lines(id),
    period      TEXT NOT NULL,
    metric      TEXT NOT NULL,
    value       INTEGER NOT NULL
);
CREATE UNIQUE INDEX target_cells_key
    ON target_cells (version_id, node_id, IFNULL(line_id, 0), period, metric);
CREATE INDEX target_cells_node ON target_cells (node_id);
CREATE INDEX target_cells_line ON target_cells (line_id);

CREATE TABLE settings (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
);

CREATE TABLE calendar_days (
    date  TEXT PRIMARY KEY,
    kind  TEXT NOT NULL CHECK (kind IN ('holiday', 'workday')),
    name  TEXT NOT NULL DEFAULT ''
);

CREATE TABLE history_sales (
    id           INTEGER PRIMARY KEY,
    date         TEXT NOT NULL,
    amount       INTEGER NOT NULL,
    line_id      INTEGER REFERENCES product_lines(id),
    product_id   INTEGER REFERENCES products(id),
    node_id      INTEGER REFERENCES org_nodes(id),
    customer_id  INTEGER REFERENCES customers(id),
    reference    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX history_sales_date ON history_sales (date);
CREATE INDEX history_sales_node ON history_sales (node_id);
CREATE INDEX history_sales_line ON history_sales (line_id);
CREATE INDEX history_sales_customer ON history_sales (customer_id);

CREATE TABLE undo_steps (
    step    INTEGER PRIMARY KEY,
    kind    TEXT NOT NULL CHECK (kind IN ('undo', 'redo')),
    label   TEXT NOT NULL,
    detail  TEXT NOT NULL DEFAULT '',
    at      TEXT NOT NULL
);
CREATE TABLE undo_log (
    seq   INTEGER PRIMARY KEY,
    step  INTEGER NOT NULL,
    sql   TEXT NOT NULL
);
CREATE INDEX undo_log_step ON undo_log (step);
"#,
    // 2: data in — the pipeline's stages, opportunities with their stage history, actuals,
    // region and source keys on history, name aliases, remembered import column mappings.
    r#"
CREATE TABLE pipeline_stages (
    position     INTEGER PRIMARY KEY CHECK (position BETWEEN 1 AND 20),
    name         TEXT NOT NULL DEFAULT '',
    probability  TEXT NOT NULL,
    playbook     TEXT NOT NULL DEFAULT '',
    is_won       INTEGER NOT NULL DEFAULT 0 CHECK (is_won IN (0, 1))
);
INSERT INTO pipeline_stages (position, probability, is_won) VALUES
    (1, '1/10', 0), (2, '1/5', 0), (3, '3/10', 0), (4, '1/2', 0), (5, '7/10', 0),
    (6, '1/1', 1), (7, '1/1', 0), (8, '1/1', 0), (9, '1/1', 0);

CREATE TABLE opportunities (
    id           INTEGER PRIMARY KEY,
    source_id    TEXT UNIQUE,
    name         TEXT NOT NULL DEFAULT '',
    node_id      INTEGER REFERENCES org_nodes(id),
    customer_id  INTEGER REFERENCES customers(id),
    product_id   INTEGER REFERENCES products(id),
    stage        INTEGER NOT NULL CHECK (stage BETWEEN 1 AND 20),
    status       TEXT NOT NULL CHECK (status IN ('open', 'won', 'lost')),
    engage_date  TEXT,
    close_date   TEXT,
    value        INTEGER
);
CREATE INDEX opportunities_node ON opportunities (node_id);
CREATE INDEX opportunities_customer ON opportunities (customer_id);
CREATE INDEX opportunities_product ON opportunities (product_id);

CREATE TABLE opportunity_stages (
    id              INTEGER PRIMARY KEY,
    opportunity_id  INTEGER NOT NULL REFERENCES opportunities(id),
    stage           INTEGER NOT NULL,
    entered_on      TEXT NOT NULL,
    UNIQUE (opportunity_id, stage)
);

CREATE TABLE actuals (
    id           INTEGER PRIMARY KEY,
    source_key   TEXT UNIQUE,
    date         TEXT NOT NULL,
    kind         TEXT NOT NULL
                 CHECK (kind IN ('contract', 'collection', 'lead', 'visit', 'bid', 'other')),
    node_id      INTEGER REFERENCES org_nodes(id),
    customer_id  INTEGER REFERENCES customers(id),
    product_id   INTEGER REFERENCES products(id),
    line_id      INTEGER REFERENCES product_lines(id),
    amount       INTEGER,
    count        INTEGER NOT NULL DEFAULT 1 CHECK (count >= 0),
    reference    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX actuals_date ON actuals (date);
CREATE INDEX actuals_node ON actuals (node_id);

ALTER TABLE history_sales ADD COLUMN region TEXT NOT NULL DEFAULT '';
ALTER TABLE history_sales ADD COLUMN source_key TEXT;
CREATE UNIQUE INDEX history_sales_source_key ON history_sales (source_key);

CREATE TABLE aliases (
    id         INTEGER PRIMARY KEY,
    kind       TEXT NOT NULL CHECK (kind IN ('person', 'customer', 'product', 'product_line')),
    alias      TEXT NOT NULL,
    canonical  TEXT NOT NULL,
    UNIQUE (kind, alias)
);

CREATE TABLE import_mappings (
    id         INTEGER PRIMARY KEY,
    kind       TEXT NOT NULL,
    signature  TEXT NOT NULL,
    mapping    TEXT NOT NULL,
    UNIQUE (kind, signature)
);
"#,
    // 3: annual targets — derivation inputs per scope, product life-cycle stages, allocation
    // rules, negotiation rounds and their units, confirmation and revision details.
    r#"
CREATE TABLE derivations (
    id          INTEGER PRIMARY KEY,
    version_id  INTEGER NOT NULL REFERENCES versions(id),
    line_id     INTEGER REFERENCES product_lines(id),
    inputs      TEXT NOT NULL
);
CREATE UNIQUE INDEX derivations_scope ON derivations (version_id, IFNULL(line_id, 0));

ALTER TABLE product_lines ADD COLUMN life_cycle TEXT NOT NULL DEFAULT '';

CREATE TABLE allocation_rules (
    id          INTEGER PRIMARY KEY,
    version_id  INTEGER NOT NULL REFERENCES versions(id),
    node_id     INTEGER NOT NULL REFERENCES org_nodes(id),
    dimension   TEXT NOT NULL CHECK (dimension IN ('children', 'lines', 'months')),
    method      TEXT NOT NULL,
    params      TEXT NOT NULL DEFAULT '{}'
);
CREATE UNIQUE INDEX allocation_rules_key ON allocation_rules (version_id, node_id, dimension);

ALTER TABLE versions ADD COLUMN state TEXT NOT NULL DEFAULT 'open'
    CHECK (state IN ('open', 'superseded', 'confirmed'));
ALTER TABLE versions ADD COLUMN round_number INTEGER;
ALTER TABLE versions ADD COLUMN confirmed_at TEXT;
ALTER TABLE versions ADD COLUMN content_hash TEXT;
ALTER TABLE versions ADD COLUMN reason TEXT NOT NULL DEFAULT '';
ALTER TABLE versions ADD COLUMN requested_by TEXT NOT NULL DEFAULT '';

CREATE TABLE round_units (
    id              INTEGER PRIMARY KEY,
    version_id      INTEGER NOT NULL REFERENCES versions(id),
    node_id         INTEGER NOT NULL REFERENCES org_nodes(id),
    top_down        INTEGER,
    bottom_up       INTEGER,
    status          TEXT NOT NULL DEFAULT 'draft'
                    CHECK (status IN ('draft', 'proposed', 'countered', 'agreed')),
    leader_comment  TEXT NOT NULL DEFAULT '',
    unit_comment    TEXT NOT NULL DEFAULT '',
    updated_at      TEXT NOT NULL,
    UNIQUE (version_id, node_id)
);
"#,
    // 4: the monthly plan — grid cells locked against editing and pasting, each person's
    // monthly actions and market-support requests.
    r#"
CREATE TABLE target_locks (
    id          INTEGER PRIMARY KEY,
    version_id  INTEGER NOT NULL REFERENCES versions(id),
    node_id     INTEGER NOT NULL REFERENCES org_nodes(id),
    line_id     INTEGER REFERENCES product_lines(id),
    period      TEXT NOT NULL,
    metric      TEXT NOT NULL
);
CREATE UNIQUE INDEX target_locks_key
    ON target_locks (version_id, node_id, IFNULL(line_id, 0), period, metric);

CREATE TABLE monthly_actions (
    id           INTEGER PRIMARY KEY,
    node_id      INTEGER NOT NULL REFERENCES org_nodes(id),
    month        INTEGER NOT NULL CHECK (month BETWEEN 1 AND 12),
    customer_id  INTEGER REFERENCES customers(id),
    product_id   INTEGER REFERENCES products(id),
    kind         TEXT NOT NULL CHECK (kind IN ('visit', 'demo', 'survey', 'bid', 'negotiate',
                                                'sign', 'deliver', 'renew')),
    count        INTEGER NOT NULL DEFAULT 1 CHECK (count >= 1),
    expected     INTEGER NOT NULL DEFAULT 0 CHECK (expected >= 0),
    status       TEXT NOT NULL DEFAULT 'planned'
                 CHECK (status IN ('planned', 'in_progress', 'done', 'dropped')),
    note         TEXT NOT NULL DEFAULT ''
);
CREATE INDEX monthly_actions_person ON monthly_actions (node_id, month);

CREATE TABLE support_requests (
    id           INTEGER PRIMARY KEY,
    node_id      INTEGER NOT NULL REFERENCES org_nodes(id),
    month        INTEGER NOT NULL CHECK (month BETWEEN 1 AND 12),
    kind         TEXT NOT NULL CHECK (kind IN ('showroom', 'demo', 'event', 'ads', 'other')),
    description  TEXT NOT NULL DEFAULT ''
);
"#,
    // 5: the key-account battle plan — customers' contacts, the customer × product matrix (each
    // cell tracking an opportunity on the pipeline board), and goal cards.
    r#"
CREATE TABLE customer_contacts (
    id           INTEGER PRIMARY KEY,
    customer_id  INTEGER NOT NULL REFERENCES customers(id),
    name         TEXT NOT NULL,
    title        TEXT NOT NULL DEFAULT '',
    role         TEXT NOT NULL DEFAULT '',
    phone        TEXT NOT NULL DEFAULT '',
    email        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX customer_contacts_customer ON customer_contacts (customer_id);

CREATE TABLE matrix_cells (
    id              INTEGER PRIMARY KEY,
    customer_id     INTEGER NOT NULL REFERENCES customers(id),
    product_id      INTEGER NOT NULL REFERENCES products(id),
    opportunity_id  INTEGER REFERENCES opportunities(id),
    strategy        TEXT NOT NULL DEFAULT '',
    people          INTEGER NOT NULL DEFAULT 0 CHECK (people >= 0),
    budget          INTEGER NOT NULL DEFAULT 0 CHECK (budget >= 0),
    potential       INTEGER NOT NULL DEFAULT 0 CHECK (potential >= 0),
    close_month     TEXT,
    probability     TEXT,
    UNIQUE (customer_id, product_id)
);

CREATE TABLE goal_items (
    id          INTEGER PRIMARY KEY,
    node_id     INTEGER NOT NULL REFERENCES org_nodes(id),
    kind        TEXT NOT NULL CHECK (kind IN ('new_accounts', 'contract_amount', 'implementation',
                                              'renewal', 'custom')),
    name        TEXT NOT NULL DEFAULT '',
    unit        TEXT NOT NULL CHECK (unit IN ('count', 'money', 'percent')),
    target      TEXT NOT NULL,
    actual      TEXT
);
CREATE UNIQUE INDEX goal_items_built_in ON goal_items (node_id, kind) WHERE kind <> 'custom';
"#,
    // 6: expenses and receivables — expense items with the default ones, the monthly budget,
    // actual spending, budget moves; contracts with payment schedules, receipts, and the
    // payment terms each credit rating sets.
    r#"
CREATE TABLE expense_items (
    id        INTEGER PRIMARY KEY,
    category  TEXT NOT NULL,
    code      TEXT UNIQUE,
    name      TEXT NOT NULL DEFAULT ''
);
INSERT INTO expense_items (category, code) VALUES
    ('promotion', 'trade_shows'), ('promotion', 'online_ads'),
    ('relationship', 'events'), ('relationship', 'gifts'),
    ('team', 'travel'), ('team', 'training'),
    ('research', 'market_research');

CREATE TABLE expense_budget (
    node_id  INTEGER NOT NULL REFERENCES org_nodes(id),
    item_id  INTEGER NOT NULL REFERENCES expense_items(id),
    month    INTEGER NOT NULL CHECK (month BETWEEN 1 AND 12),
    amount   INTEGER NOT NULL CHECK (amount >= 0),
    PRIMARY KEY (node_id, item_id, month)
);

CREATE TABLE expense_actuals (
    id          INTEGER PRIMARY KEY,
    node_id     INTEGER NOT NULL REFERENCES org_nodes(id),
    item_id     INTEGER NOT NULL REFERENCES expense_items(id),
    month       INTEGER NOT NULL CHECK (month BETWEEN 1 AND 12),
    amount      INTEGER NOT NULL CHECK (amount >= 0),
    note        TEXT NOT NULL DEFAULT '',
    source_key  TEXT UNIQUE
);
CREATE INDEX expense_actuals_node ON expense_actuals (node_id, month);

CREATE TABLE budget_moves (
    id           INTEGER PRIMARY KEY,
    node_id      INTEGER NOT NULL REFERENCES org_nodes(id),
    month        INTEGER NOT NULL CHECK (month BETWEEN 1 AND 12),
    from_item    INTEGER NOT NULL REFERENCES expense_items(id),
    to_item      INTEGER NOT NULL REFERENCES expense_items(id),
    amount       INTEGER NOT NULL CHECK (amount > 0),
    reason       TEXT NOT NULL,
    recorded_on  TEXT NOT NULL
);

CREATE TABLE contracts (
    id           INTEGER PRIMARY KEY,
    customer_id  INTEGER REFERENCES customers(id),
    node_id      INTEGER REFERENCES org_nodes(id),
    number       TEXT NOT NULL UNIQUE,
    signed_on    TEXT NOT NULL,
    amount       INTEGER NOT NULL CHECK (amount >= 0)
);

CREATE TABLE installments (
    id           INTEGER PRIMARY KEY,
    contract_id  INTEGER NOT NULL REFERENCES contracts(id),
    label        TEXT NOT NULL DEFAULT '',
    due_on       TEXT NOT NULL,
    amount       INTEGER NOT NULL CHECK (amount >= 0)
);
CREATE INDEX installments_contract ON installments (contract_id);

CREATE TABLE receipts (
    id              INTEGER PRIMARY KEY,
    contract_id     INTEGER NOT NULL REFERENCES contracts(id),
    installment_id  INTEGER REFERENCES installments(id),
    received_on     TEXT NOT NULL,
    amount          INTEGER NOT NULL CHECK (amount > 0),
    reference       TEXT NOT NULL DEFAULT '',
    source_key      TEXT UNIQUE
);
CREATE INDEX receipts_contract ON receipts (contract_id);

CREATE TABLE credit_terms (
    rating        TEXT PRIMARY KEY,
    prepayment    TEXT NOT NULL,
    credit_days   INTEGER NOT NULL CHECK (credit_days >= 0),
    credit_limit  INTEGER NOT NULL CHECK (credit_limit >= 0)
);
INSERT INTO credit_terms VALUES
    ('A', '0/1', 90, 5000000000), ('B', '1/5', 60, 2000000000),
    ('C', '1/2', 30, 500000000), ('D', '1/1', 0, 0);
"#,
    // 7: review meetings — monthly, quarterly and special ones, the variances each discussed
    // (with the figures of the day), and the actions decided, tracked to done.
    r#"
CREATE TABLE reviews (
    id         INTEGER PRIMARY KEY,
    kind       TEXT NOT NULL CHECK (kind IN ('monthly', 'quarterly', 'special')),
    held_on    TEXT NOT NULL,
    title      TEXT NOT NULL DEFAULT '',
    attendees  TEXT NOT NULL DEFAULT '',
    causes     TEXT NOT NULL DEFAULT '',
    decisions  TEXT NOT NULL DEFAULT ''
);

CREATE TABLE review_variances (
    id         INTEGER PRIMARY KEY,
    review_id  INTEGER NOT NULL REFERENCES reviews(id),
    node_id    INTEGER REFERENCES org_nodes(id),
    metric     TEXT NOT NULL,
    period     TEXT NOT NULL,
    plan       INTEGER,
    actual     INTEGER NOT NULL,
    note       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX review_variances_review ON review_variances (review_id);

CREATE TABLE review_actions (
    id           INTEGER PRIMARY KEY,
    review_id    INTEGER NOT NULL REFERENCES reviews(id),
    description  TEXT NOT NULL,
    owner_id     INTEGER REFERENCES org_nodes(id),
    due_on       TEXT,
    status       TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done', 'dropped')),
    closed_on    TEXT
);
CREATE INDEX review_actions_review ON review_actions (review_id);
"#,
];

/// The schema version this build writes and reads.
pub const LATEST_VERSION: i64 = MIGRATIONS.len() as i64;
