/** One schema step. `version`s are applied in order and recorded, so `migrate()` is idempotent. */
export interface PostgresMigration {
  readonly version: number
  readonly name: string
  /** The DDL, with `{s}` standing for the quoted schema name. */
  readonly sql: string
}

/**
 * The schema of the Postgres adapter, one entry per released change. Never edit a released entry:
 * append a new one. Ids and states use the "C" collation so keyset order is code-point order, the
 * same as the other stores; JSON is `json` (not `jsonb`) so it reads back byte for byte.
 */
export const POSTGRES_MIGRATIONS: readonly PostgresMigration[] = [
  {
    version: 1,
    name: 'initial',
    sql: `
CREATE TABLE {s}.cases (
  id text COLLATE "C" PRIMARY KEY,
  workflow text NOT NULL,
  workflow_version integer NOT NULL,
  parties json NOT NULL,
  party_keys text[] NOT NULL,
  state text COLLATE "C" NOT NULL,
  done boolean NOT NULL,
  snapshot json NOT NULL,
  version integer NOT NULL,
  timers json NOT NULL,
  created_at bigint NOT NULL,
  updated_at bigint NOT NULL
);
CREATE INDEX cases_workflow ON {s}.cases (workflow, id);
CREATE INDEX cases_state ON {s}.cases (state, id);
CREATE INDEX cases_open ON {s}.cases (id) WHERE NOT done;
CREATE INDEX cases_party ON {s}.cases USING gin (party_keys);

CREATE TABLE {s}.audit (
  case_id text COLLATE "C" NOT NULL,
  seq integer NOT NULL,
  entry json NOT NULL,
  PRIMARY KEY (case_id, seq)
);

CREATE TABLE {s}.idempotency (
  key text PRIMARY KEY,
  case_id text NOT NULL,
  record json NOT NULL,
  at bigint NOT NULL
);

CREATE TABLE {s}.outbox (
  position bigserial PRIMARY KEY,
  id text NOT NULL UNIQUE,
  case_id text NOT NULL,
  event json NOT NULL,
  attempts integer NOT NULL DEFAULT 0,
  claimed_until bigint NOT NULL DEFAULT 0
);
CREATE INDEX outbox_case ON {s}.outbox (case_id, position);

CREATE TABLE {s}.deadlines (
  case_id text COLLATE "C" NOT NULL,
  name text COLLATE "C" NOT NULL,
  event text NOT NULL,
  due_at bigint NOT NULL,
  token text,
  claimed_until bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (case_id, name)
);
CREATE INDEX deadlines_due ON {s}.deadlines (due_at, case_id, name);
`,
  },
]
