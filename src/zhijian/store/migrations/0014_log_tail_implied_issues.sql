-- Issue 4, single appends (docs/transparency-log.md §4, docs/performance.md): the entries of the
-- partial last entry bundle are kept one row each in log_tail until the bundle is full, instead
-- of rewriting the whole partial bundle (on average 128 entries, ~30 KB) in every transaction
-- that appends one entry. The served bytes do not change: a partial bundle is served from these
-- rows, a full one from log_bundles (src/zhijian/ledger/log_store.h).
--
-- log_tail: entry `leaf_index` (bundle leaf_index / 256 is not in log_bundles yet). The append
-- that fills the bundle writes it to log_bundles and deletes its rows here, in one transaction.
-- LogStore::Open moves the partial bundle of a database made before this migration into these
-- rows (once, in one transaction).
CREATE TABLE log_tail (
  leaf_index BIGINT PRIMARY KEY,
  entry {{BLOB}} NOT NULL
);

-- Issue events are implied by their report rows (docs/transparency-log.md §4): a report whose
-- leaf has no report_events row was created by the issue event at reports.leaf_index,
-- registered at reports.registered_at (the same instant as registered_at_ms, to the
-- millisecond: both were written from one clock reading). report_events keeps corrections and
-- revocations. One fewer row per registered report; the look-up of the report of a leaf (the
-- auditor, page by page) goes through the index on leaf_index, which grows at its end.
DELETE FROM report_events WHERE type = 'issue';
CREATE INDEX reports_leaf_index ON reports (leaf_index);
