-- Issue 4, bulk registration (docs/performance.md): the log's entries are stored as C2SP entry
-- bundles of 256, exactly as they are served at <prefix>/tile/entries/N, instead of one row and
-- one leaf-hash index entry per leaf (src/zhijian/ledger/log_store.h).
--
-- log_bundles: bundle N holds entries N·256 … N·256 + count − 1 (count = 1 … 256), each as a
-- 2-byte big-endian length and the entry bytes. A full bundle (256 entries) is never written
-- again; the one partial bundle, the last, is rewritten until it is full.
CREATE TABLE log_bundles (
  idx {{PK}},
  entries {{BLOB}} NOT NULL
);

-- The lookup of a leaf by its hash (inclusion proof by hash): the first 4 bytes of each leaf
-- hash as a big-endian integer. A look-up reads the (few) leaves with that prefix and compares
-- their full hashes, recomputed from the entries. Rows are appended in leaf order; only the
-- index on prefix is written in random order, and its entries are small.
CREATE TABLE log_leaf_prefixes (
  leaf_index {{PK}},
  prefix BIGINT NOT NULL
);
CREATE INDEX log_leaf_prefixes_prefix ON log_leaf_prefixes (prefix);

-- The old layout: one row per leaf with its hash, indexed by hash. LogStore::Open moves the
-- rows of a database made before this migration into log_bundles and log_leaf_prefixes (once,
-- in one transaction) and deletes them; nothing writes the table any more.
DROP INDEX log_entries_leaf_hash;
