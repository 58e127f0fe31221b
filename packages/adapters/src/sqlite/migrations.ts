/** One schema step. `version`s are applied in order and recorded, so `migrate()` is idempotent. */
export interface SqliteMigration {
  readonly version: number
  readonly name: string
  /** The DDL, with `{p}` standing for the table prefix. */
  readonly sql: string
}

/**
 * The schema of the SQLite adapter, one entry per released change. Never edit a released entry:
 * append a new one.
 */
export const SQLITE_MIGRATIONS: readonly SqliteMigration[] = [
  {
    version: 1,
    name: 'initial',
    sql: `
CREATE TABLE {p}cases (
  id TEXT PRIMARY KEY,
  workflow TEXT NOT NULL,
  workflow_version INTEGER NOT NULL,
  parties TEXT NOT NULL,
  state TEXT NOT NULL,
  done INTEGER NOT NULL,
  snapshot TEXT NOT NULL,
  version INTEGER NOT NULL,
  timers TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX {p}cases_workflow ON {p}cases (workflow, id);
CREATE INDEX {p}cases_state ON {p}cases (state, id);
CREATE INDEX {p}cases_open ON {p}cases (id) WHERE done = 0;

-- The party index, kept by triggers so no write path can forget it.
CREATE TABLE {p}case_parties (
  party_id TEXT NOT NULL,
  role TEXT NOT NULL,
  case_id TEXT NOT NULL,
  PRIMARY KEY (party_id, role, case_id)
) WITHOUT ROWID;
CREATE INDEX {p}case_parties_case ON {p}case_parties (case_id);
CREATE TRIGGER {p}cases_parties_insert AFTER INSERT ON {p}cases BEGIN
  INSERT INTO {p}case_parties (party_id, role, case_id)
    SELECT value, key, new.id FROM json_each(new.parties);
END;
CREATE TRIGGER {p}cases_parties_update AFTER UPDATE OF parties ON {p}cases
WHEN old.parties IS NOT new.parties BEGIN
  DELETE FROM {p}case_parties WHERE case_id = new.id;
  INSERT INTO {p}case_parties (party_id, role, case_id)
    SELECT value, key, new.id FROM json_each(new.parties);
END;
CREATE TRIGGER {p}cases_parties_delete AFTER DELETE ON {p}cases BEGIN
  DELETE FROM {p}case_parties WHERE case_id = old.id;
END;

CREATE TABLE {p}audit (
  case_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  entry TEXT NOT NULL,
  PRIMARY KEY (case_id, seq)
) WITHOUT ROWID;

CREATE TABLE {p}idempotency (
  key TEXT PRIMARY KEY,
  case_id TEXT NOT NULL,
  record TEXT NOT NULL,
  at INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE {p}outbox (
  position INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  case_id TEXT NOT NULL,
  event TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  claimed_until INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX {p}outbox_case ON {p}outbox (case_id, position);

CREATE TABLE {p}deadlines (
  case_id TEXT NOT NULL,
  name TEXT NOT NULL,
  event TEXT NOT NULL,
  due_at INTEGER NOT NULL,
  token TEXT,
  claimed_until INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (case_id, name)
) WITHOUT ROWID;
CREATE INDEX {p}deadlines_due ON {p}deadlines (due_at, case_id, name);
`,
  },
]
