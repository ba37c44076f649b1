-- Monthly range partitioning of declarations_declaration on submitted_at (PostgreSQL 13 or later).
-- docs/scaling.md, step 4, says when it is worth it and what changes. A DBA runs it once, in a
-- maintenance window, with the app and its jobs stopped, after a backup:
--
--   systemctl stop truyvet truyvet-counts.timer truyvet-purge.timer
--   pg_dump -Fc truyvet > truyvet-before-partitioning.dump
--   psql "$DATABASE_URL" -v ON_ERROR_STOP=1 -f deploy/postgresql/partition_declarations.sql
--   systemctl start truyvet truyvet-counts.timer truyvet-purge.timer
--   systemctl enable --now truyvet-partitions.timer      (creates the coming months' partitions)
--
-- It runs in one transaction: on any error nothing has changed. The old table is kept, without
-- its constraints, as declarations_declaration_unpartitioned; drop it once the site is checked.
--
-- What changes, and why the app needs no change:
-- * The primary key becomes (id, submitted_at): a partitioned table's unique keys must hold the
--   partition key. Ids still come from one sequence, so they stay unique.
-- * The unique submission_token cannot stay unique on its own in a partitioned table, and
--   (submission_token, submitted_at) would not stop a second submission, whose time differs. The
--   tokens move to a small table, declarations_submission_token, unique on the token, filled by a
--   trigger in the same transaction as the declaration. A second submission fails there with
--   "duplicate key ... declarations_submission_token_pkey", the error declaration_submit already
--   treats as "already saved" (declarations/services.py).
-- * No foreign key can point at the partitioned table (it has no unique id alone), so
--   checkpoints_passage.declaration_id loses its foreign key. Django still sets it to NULL when a
--   declaration is deleted (on_delete=SET_NULL is done by Django, not by the database).

BEGIN;
LOCK TABLE declarations_declaration IN ACCESS EXCLUSIVE MODE;
SET LOCAL TIME ZONE 'UTC';  -- months are UTC months

-- 1. The indexes and foreign keys Django made (declarations/models.py and its migrations), noted
--    to make them again on the new table under the same names.
CREATE TEMPORARY TABLE declaration_keys ON COMMIT DROP AS
    SELECT 'index' AS kind, indexname::text AS name, indexdef AS definition
    FROM pg_indexes
    WHERE schemaname = current_schema() AND tablename = 'declarations_declaration'
      AND indexname <> 'declarations_declaration_pkey'
    UNION ALL
    SELECT 'foreign key', conname::text, pg_get_constraintdef(oid)
    FROM pg_constraint
    WHERE conrelid = 'declarations_declaration'::regclass AND contype = 'f';

-- 2. The old table steps aside: renamed, with its indexes, and without foreign keys (so that
--    deleting a person is not blocked by their rows in this copy).
ALTER TABLE declarations_declaration RENAME TO declarations_declaration_unpartitioned;
DO $$
DECLARE
    item record;
BEGIN
    FOR item IN
        SELECT conrelid::regclass AS owner, conname FROM pg_constraint
        WHERE contype = 'f' AND (confrelid = 'declarations_declaration_unpartitioned'::regclass
                                 OR conrelid = 'declarations_declaration_unpartitioned'::regclass)
    LOOP
        RAISE NOTICE 'dropping foreign key % on %', item.conname, item.owner;
        EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', item.owner, item.conname);
    END LOOP;
    FOR item IN
        SELECT indexname FROM pg_indexes
        WHERE schemaname = current_schema() AND tablename = 'declarations_declaration_unpartitioned'
    LOOP
        EXECUTE format('ALTER INDEX %I RENAME TO %I', item.indexname,
                       left(item.indexname, 48) || '_unpartitioned');
    END LOOP;
END $$;

-- 3. The partitioned table: the same columns, defaults, identity and checks; the primary key
--    with the partition key; the same indexes (a unique one, the token's, becomes a plain index:
--    its uniqueness is in step 5) and foreign keys.
CREATE TABLE declarations_declaration (
    LIKE declarations_declaration_unpartitioned
    INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING CONSTRAINTS INCLUDING STORAGE
) PARTITION BY RANGE (submitted_at);
ALTER TABLE declarations_declaration
    ADD CONSTRAINT declarations_declaration_pkey PRIMARY KEY (id, submitted_at);
DO $$
DECLARE
    item record;
BEGIN
    FOR item IN SELECT name, definition FROM declaration_keys WHERE kind = 'index' LOOP
        IF item.definition LIKE 'CREATE UNIQUE INDEX%' THEN
            RAISE NOTICE 'index % is no longer unique', item.name;
        END IF;
        EXECUTE replace(item.definition, 'CREATE UNIQUE INDEX', 'CREATE INDEX');
    END LOOP;
    FOR item IN SELECT name, definition FROM declaration_keys WHERE kind = 'foreign key' LOOP
        EXECUTE format('ALTER TABLE declarations_declaration ADD CONSTRAINT %I %s',
                       item.name, item.definition);
    END LOOP;
END $$;

-- 4. One partition per month: from the oldest declaration to three months ahead, and a default
--    partition that catches anything outside them (it should stay empty: see the check below).
--    Each is vacuumed and analysed once 2% of its rows have changed, as migration
--    declarations.0018 has the table itself (a partitioned table takes no such settings).
CREATE OR REPLACE FUNCTION declarations_declaration_vacuum_settings(partition text)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format(
        'ALTER TABLE %I SET (autovacuum_vacuum_scale_factor = 0.02,'
        ' autovacuum_vacuum_insert_scale_factor = 0.02, autovacuum_analyze_scale_factor = 0.02)',
        partition);
END $$;

CREATE OR REPLACE FUNCTION declarations_declaration_add_months(first_month date, months integer)
RETURNS integer LANGUAGE plpgsql SET TimeZone = 'UTC' AS $$
DECLARE
    created integer := 0;
    month_start timestamptz;
    name text;
BEGIN
    FOR i IN 0 .. months - 1 LOOP
        month_start := (date_trunc('month', first_month) + make_interval(months => i))::timestamp
                       AT TIME ZONE 'UTC';
        name := 'declarations_declaration_' || to_char(month_start AT TIME ZONE 'UTC', 'YYYY_MM');
        IF to_regclass(name) IS NULL THEN
            EXECUTE format(
                'CREATE TABLE %I PARTITION OF declarations_declaration FOR VALUES FROM (%L) TO (%L)',
                name, month_start, month_start + interval '1 month');
            PERFORM declarations_declaration_vacuum_settings(name);
            created := created + 1;
        END IF;
    END LOOP;
    IF EXISTS (SELECT 1 FROM declarations_declaration_default) THEN
        RAISE WARNING 'declarations_declaration_default holds rows: move them to their month';
    END IF;
    RETURN created;
END $$;

CREATE TABLE declarations_declaration_default PARTITION OF declarations_declaration DEFAULT;
SELECT declarations_declaration_vacuum_settings('declarations_declaration_default');
SELECT declarations_declaration_add_months(
    first_month,
    ((extract(year FROM now()) - extract(year FROM first_month)) * 12
     + extract(month FROM now()) - extract(month FROM first_month))::integer + 4
) AS partitions_created
FROM (SELECT coalesce(min(submitted_at), now())::date AS first_month
      FROM declarations_declaration_unpartitioned) AS oldest;

-- 5. The tokens, unique on their own; a trigger keeps them with their declarations.
CREATE TABLE declarations_submission_token (
    submission_token uuid NOT NULL,
    submitted_at timestamptz NOT NULL,
    CONSTRAINT declarations_submission_token_pkey PRIMARY KEY (submission_token)
);

CREATE OR REPLACE FUNCTION declarations_submission_token_keep() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO declarations_submission_token (submission_token, submitted_at)
        VALUES (NEW.submission_token, NEW.submitted_at);
        RETURN NEW;
    END IF;
    DELETE FROM declarations_submission_token WHERE submission_token = OLD.submission_token;
    RETURN OLD;
END $$;

-- 6. The rows, their tokens, the sequence, then the triggers.
INSERT INTO declarations_declaration SELECT * FROM declarations_declaration_unpartitioned;
INSERT INTO declarations_submission_token (submission_token, submitted_at)
    SELECT submission_token, submitted_at FROM declarations_declaration;
SELECT setval(pg_get_serial_sequence('declarations_declaration', 'id'),
              coalesce(max(id), 0) + 1, false)
FROM declarations_declaration;

CREATE TRIGGER declarations_submission_token_insert BEFORE INSERT ON declarations_declaration
    FOR EACH ROW EXECUTE FUNCTION declarations_submission_token_keep();
CREATE TRIGGER declarations_submission_token_delete AFTER DELETE ON declarations_declaration
    FOR EACH ROW EXECUTE FUNCTION declarations_submission_token_keep();

-- 7. Check: the same number of rows on both sides, none in the default partition.
DO $$
BEGIN
    IF (SELECT count(*) FROM declarations_declaration)
       <> (SELECT count(*) FROM declarations_declaration_unpartitioned) THEN
        RAISE EXCEPTION 'row counts differ: nothing was changed';
    END IF;
    IF EXISTS (SELECT 1 FROM declarations_declaration_default) THEN
        RAISE EXCEPTION 'rows fell into the default partition: nothing was changed';
    END IF;
END $$;

COMMIT;
ANALYZE declarations_declaration;
ANALYZE declarations_submission_token;
-- Once the site is checked:  DROP TABLE declarations_declaration_unpartitioned;
