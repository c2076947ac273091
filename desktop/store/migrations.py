"""Numbered schema migrations. Append; never edit one that has shipped."""

from __future__ import annotations

MIGRATIONS: list[str] = [
    # 1: items, FTS, sync state, outbox
    """
    CREATE TABLE items (
        id          TEXT PRIMARY KEY,
        source      TEXT NOT NULL,
        kind        TEXT NOT NULL,
        sender      TEXT NOT NULL DEFAULT '',
        title       TEXT NOT NULL DEFAULT '',
        preview     TEXT NOT NULL DEFAULT '',
        time        REAL NOT NULL,
        unread      INTEGER NOT NULL DEFAULT 1,
        state       TEXT NOT NULL DEFAULT '',
        actions     TEXT NOT NULL DEFAULT '[]',
        thread_key  TEXT NOT NULL DEFAULT '',
        urgency     INTEGER NOT NULL DEFAULT 1,
        payload     TEXT NOT NULL DEFAULT '{}',
        -- 0 for chat messages that are not the newest of their conversation:
        -- the inbox lists one row per conversation, the detail pane its history.
        listed      INTEGER NOT NULL DEFAULT 1
    );
    CREATE INDEX items_by_time ON items (listed, time DESC, id DESC);
    CREATE INDEX items_by_thread ON items (thread_key, time DESC) WHERE thread_key != '';
    CREATE INDEX items_unread ON items (listed) WHERE unread = 1;
    CREATE INDEX items_by_source ON items (source);
    CREATE VIRTUAL TABLE items_fts USING fts5 (
        sender, title, preview, content='items', content_rowid='rowid',
        tokenize='trigram'
    );
    CREATE TRIGGER items_ai AFTER INSERT ON items BEGIN
        INSERT INTO items_fts (rowid, sender, title, preview)
        VALUES (new.rowid, new.sender, new.title, new.preview);
    END;
    CREATE TRIGGER items_ad AFTER DELETE ON items BEGIN
        INSERT INTO items_fts (items_fts, rowid, sender, title, preview)
        VALUES ('delete', old.rowid, old.sender, old.title, old.preview);
    END;
    CREATE TRIGGER items_au AFTER UPDATE OF sender, title, preview ON items BEGIN
        INSERT INTO items_fts (items_fts, rowid, sender, title, preview)
        VALUES ('delete', old.rowid, old.sender, old.title, old.preview);
        INSERT INTO items_fts (rowid, sender, title, preview)
        VALUES (new.rowid, new.sender, new.title, new.preview);
    END;
    -- Trigram FTS cannot match words shorter than 3 characters, and two-character
    -- words are common in Chinese and Japanese (审批, 会议). This table holds CJK
    -- character pairs (cjk_bigrams(), a Python function the store registers), so
    -- such words are an index lookup instead of a scan of every row.
    CREATE VIRTUAL TABLE items_bigrams USING fts5 (body, content='', tokenize='unicode61');
    CREATE TRIGGER items_bigrams_ai AFTER INSERT ON items BEGIN
        INSERT INTO items_bigrams (rowid, body)
        VALUES (new.rowid, cjk_bigrams(new.sender || ' ' || new.title || ' ' || new.preview));
    END;
    CREATE TRIGGER items_bigrams_ad AFTER DELETE ON items BEGIN
        INSERT INTO items_bigrams (items_bigrams, rowid, body)
        VALUES ('delete', old.rowid, cjk_bigrams(old.sender || ' ' || old.title || ' ' || old.preview));
    END;
    CREATE TRIGGER items_bigrams_au AFTER UPDATE OF sender, title, preview ON items BEGIN
        INSERT INTO items_bigrams (items_bigrams, rowid, body)
        VALUES ('delete', old.rowid, cjk_bigrams(old.sender || ' ' || old.title || ' ' || old.preview));
        INSERT INTO items_bigrams (rowid, body)
        VALUES (new.rowid, cjk_bigrams(new.sender || ' ' || new.title || ' ' || new.preview));
    END;
    CREATE TABLE sync_state (
        source TEXT NOT NULL,
        key    TEXT NOT NULL,
        value  TEXT NOT NULL,
        PRIMARY KEY (source, key)
    );
    CREATE TABLE outbox (
        id         TEXT PRIMARY KEY,
        source     TEXT NOT NULL,
        action     TEXT NOT NULL,
        item_id    TEXT NOT NULL DEFAULT '',
        payload    TEXT NOT NULL DEFAULT '{}',
        created    REAL NOT NULL,
        attempts   INTEGER NOT NULL DEFAULT 0,
        status     TEXT NOT NULL DEFAULT 'pending',
        last_error TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX outbox_pending ON outbox (source, created) WHERE status = 'pending';
    """,
    # 2: snoozes; outbox entries held back while "Mark all read" can still be undone
    """
    -- A snoozed item is unlisted (items.listed = 0) until its time, then listed again
    -- and unread. Deleted with its item.
    CREATE TABLE snoozes (
        item_id TEXT PRIMARY KEY REFERENCES items (id) ON DELETE CASCADE,
        until   REAL NOT NULL
    );
    CREATE INDEX snoozes_by_time ON snoozes (until);
    -- Entries of one user action over many items share a batch id. status 'held' is
    -- not delivered yet (the action can still be undone); 'pending' once released.
    ALTER TABLE outbox ADD COLUMN batch TEXT NOT NULL DEFAULT '';
    CREATE INDEX outbox_held ON outbox (batch) WHERE status = 'held';
    """,
    # 3: drafts of replies and forwards, saved while typing so a crash loses nothing
    """
    -- One row per compose window: key "<mode>:<item id>" (reply, reply_all, forward).
    -- data is the draft as JSON (recipients as typed, subject, text, its Message-ID).
    CREATE TABLE drafts (
        key     TEXT PRIMARY KEY,
        account TEXT NOT NULL,
        item_id TEXT NOT NULL DEFAULT '',
        data    TEXT NOT NULL,
        updated REAL NOT NULL
    );
    """,
    # 4: one search index whose rowids follow time, so a search reads its newest matches
    # first and stops after a page, and every word of a query is one MATCH expression.
    """
    -- skey: the item's second (clamped to 0 .. 2^42-1) << 20, plus a counter within that
    -- second. Its order follows time to the second, so the index yields matches newest
    -- first; the store sorts each second's rows exactly by (time, id). NULL only if one
    -- second already holds 2^20 items: such an item is listed but not found by search.
    -- Stored items get their key, and their index entries, from migration 5's background
    -- fill (Store.index_step): filling here took 13 s at 100k items, before the window.
    ALTER TABLE items ADD COLUMN skey INTEGER;
    CREATE UNIQUE INDEX items_by_skey ON items (skey);
    -- Trigram columns answer words of 3+ characters (a substring in any script). "pairs"
    -- holds each CJK character pair as "XY|" and each CJK character as "X||"
    -- (search_pairs(), registered by the store), so one- and two-character Chinese,
    -- Japanese and Korean words are single trigrams too.
    CREATE VIRTUAL TABLE items_search USING fts5 (
        sender, title, preview, pairs, content='', tokenize='trigram'
    );
    DROP TRIGGER items_ai;
    DROP TRIGGER items_ad;
    DROP TRIGGER items_au;
    DROP TRIGGER items_bigrams_ai;
    DROP TRIGGER items_bigrams_ad;
    DROP TRIGGER items_bigrams_au;
    DROP TABLE items_fts;
    DROP TABLE items_bigrams;
    CREATE TRIGGER items_search_ai AFTER INSERT ON items BEGIN
        UPDATE items SET skey = (
            SELECT CASE WHEN m IS NULL THEN lo WHEN m < lo + 1048575 THEN m + 1 END
            FROM (SELECT lo, (SELECT max(skey) FROM items WHERE skey BETWEEN lo AND lo + 1048575) AS m
                  FROM (SELECT max(0, min(CAST(new.time AS INTEGER), 4398046511103)) * 1048576 AS lo))
        ) WHERE rowid = new.rowid;
        INSERT INTO items_search (rowid, sender, title, preview, pairs)
            SELECT skey, new.sender, new.title, new.preview,
                   search_pairs(new.sender || ' ' || new.title || ' ' || new.preview)
            FROM items WHERE rowid = new.rowid AND skey IS NOT NULL;
    END;
    CREATE TRIGGER items_search_ad AFTER DELETE ON items WHEN old.skey IS NOT NULL BEGIN
        INSERT INTO items_search (items_search, rowid, sender, title, preview, pairs)
        VALUES ('delete', old.skey, old.sender, old.title, old.preview,
                search_pairs(old.sender || ' ' || old.title || ' ' || old.preview));
    END;
    CREATE TRIGGER items_search_au AFTER UPDATE OF sender, title, preview ON items
    WHEN old.skey IS NOT NULL BEGIN
        INSERT INTO items_search (items_search, rowid, sender, title, preview, pairs)
        VALUES ('delete', old.skey, old.sender, old.title, old.preview,
                search_pairs(old.sender || ' ' || old.title || ' ' || old.preview));
        INSERT INTO items_search (rowid, sender, title, preview, pairs)
        VALUES (new.skey, new.sender, new.title, new.preview,
                search_pairs(new.sender || ' ' || new.title || ' ' || new.preview));
    END;
    """,
    # 5: one- and two-character words of other scripts are a lookup too; stored items are
    # indexed in the background (Store.index_step), so an upgrade does not delay start-up.
    """
    -- A database that ran migration 4 when it filled items_search itself starts over, so
    -- every database takes the same path; keys and entries come back from the fill.
    -- columnsize=0: no per-row token counts (2 MB at 100k items), which only ranking uses.
    UPDATE items SET skey = NULL WHERE skey IS NOT NULL;
    DROP TABLE items_search;
    CREATE VIRTUAL TABLE items_search USING fts5 (
        sender, title, preview, pairs, content='', columnsize=0, tokenize='trigram'
    );
    -- The first one and two characters of each word (word_prefixes(), registered by the
    -- store), as tokens: "q3" finds words that start with it. Rowids only (detail=none):
    -- a row has the token or not, which keeps it small.
    CREATE VIRTUAL TABLE items_words USING fts5 (
        words, content='', columnsize=0, detail=none, tokenize='unicode61 remove_diacritics 0'
    );
    -- While it has a row, stored items below that rowid may still lack a key and index
    -- entries; search scans the rows instead until the fill has deleted it.
    CREATE TABLE search_fill (below INTEGER NOT NULL);
    INSERT INTO search_fill SELECT max(rowid) + 1 FROM items HAVING count(*) > 0;
    DROP TRIGGER items_search_ai;
    DROP TRIGGER items_search_ad;
    DROP TRIGGER items_search_au;
    -- A new item gets its key at once; getting a key (here or from the fill) indexes it.
    CREATE TRIGGER items_search_ai AFTER INSERT ON items BEGIN
        UPDATE items SET skey = (
            SELECT CASE WHEN m IS NULL THEN lo WHEN m < lo + 1048575 THEN m + 1 END
            FROM (SELECT lo, (SELECT max(skey) FROM items WHERE skey BETWEEN lo AND lo + 1048575) AS m
                  FROM (SELECT max(0, min(CAST(new.time AS INTEGER), 4398046511103)) * 1048576 AS lo))
        ) WHERE rowid = new.rowid;
    END;
    CREATE TRIGGER items_search_key AFTER UPDATE OF skey ON items
    WHEN old.skey IS NULL AND new.skey IS NOT NULL BEGIN
        INSERT INTO items_search (rowid, sender, title, preview, pairs)
        VALUES (new.skey, new.sender, new.title, new.preview,
                search_pairs(new.sender || ' ' || new.title || ' ' || new.preview));
        INSERT INTO items_words (rowid, words)
        VALUES (new.skey, word_prefixes(new.sender || ' ' || new.title || ' ' || new.preview));
    END;
    CREATE TRIGGER items_search_ad AFTER DELETE ON items WHEN old.skey IS NOT NULL BEGIN
        INSERT INTO items_search (items_search, rowid, sender, title, preview, pairs)
        VALUES ('delete', old.skey, old.sender, old.title, old.preview,
                search_pairs(old.sender || ' ' || old.title || ' ' || old.preview));
        INSERT INTO items_words (items_words, rowid, words)
        VALUES ('delete', old.skey, word_prefixes(old.sender || ' ' || old.title || ' ' || old.preview));
    END;
    CREATE TRIGGER items_search_au AFTER UPDATE OF sender, title, preview ON items
    WHEN old.skey IS NOT NULL BEGIN
        INSERT INTO items_search (items_search, rowid, sender, title, preview, pairs)
        VALUES ('delete', old.skey, old.sender, old.title, old.preview,
                search_pairs(old.sender || ' ' || old.title || ' ' || old.preview));
        INSERT INTO items_search (rowid, sender, title, preview, pairs)
        VALUES (new.skey, new.sender, new.title, new.preview,
                search_pairs(new.sender || ' ' || new.title || ' ' || new.preview));
        INSERT INTO items_words (items_words, rowid, words)
        VALUES ('delete', old.skey, word_prefixes(old.sender || ' ' || old.title || ' ' || old.preview));
        INSERT INTO items_words (rowid, words)
        VALUES (new.skey, word_prefixes(new.sender || ' ' || new.title || ' ' || new.preview));
    END;
    """,
    # 6: the Unread view's search checks each match against the unread items only
    """
    -- The keys of the listed unread items: a few thousand entries, whose pages stay in the
    -- cache. The Unread view joins each index match here (INDEXED BY) instead of reading its
    -- row of the items table: 38 -> 15 ms to count the unread "meeting" rows at 100k items.
    CREATE INDEX items_unread_by_skey ON items (skey) WHERE unread = 1 AND listed = 1;
    """,
    # 7: two characters of a letter or digit and a symbol ("c#", "5%") are a lookup too;
    # stored items are re-indexed in the background (Store.index_step).
    """
    -- The "pairs" column also holds each pair of a letter or digit and a symbol as "C#|"
    -- (pairs_with_symbols(), registered by the store). A contentless index deletes an
    -- item with the values it was given, so while pairs_fill has a row, items below its
    -- rowid keep (and are given, by the key trigger) the entries of search_pairs(); the
    -- fill re-indexes them newest first, moving "below" down, and then deletes the row.
    CREATE TABLE pairs_fill (below INTEGER NOT NULL);
    INSERT INTO pairs_fill SELECT max(rowid) + 1 FROM items HAVING count(*) > 0;
    DROP TRIGGER items_search_key;
    DROP TRIGGER items_search_ad;
    DROP TRIGGER items_search_au;
    CREATE TRIGGER items_search_key AFTER UPDATE OF skey ON items
    WHEN old.skey IS NULL AND new.skey IS NOT NULL BEGIN
        INSERT INTO items_search (rowid, sender, title, preview, pairs)
        VALUES (new.skey, new.sender, new.title, new.preview,
                CASE WHEN new.rowid < (SELECT below FROM pairs_fill) THEN search_pairs(new.sender || ' ' || new.title || ' ' || new.preview)
                     ELSE pairs_with_symbols(new.sender || ' ' || new.title || ' ' || new.preview) END);
        INSERT INTO items_words (rowid, words)
        VALUES (new.skey, word_prefixes(new.sender || ' ' || new.title || ' ' || new.preview));
    END;
    CREATE TRIGGER items_search_ad AFTER DELETE ON items WHEN old.skey IS NOT NULL BEGIN
        INSERT INTO items_search (items_search, rowid, sender, title, preview, pairs)
        VALUES ('delete', old.skey, old.sender, old.title, old.preview,
                CASE WHEN old.rowid < (SELECT below FROM pairs_fill) THEN search_pairs(old.sender || ' ' || old.title || ' ' || old.preview)
                     ELSE pairs_with_symbols(old.sender || ' ' || old.title || ' ' || old.preview) END);
        INSERT INTO items_words (items_words, rowid, words)
        VALUES ('delete', old.skey, word_prefixes(old.sender || ' ' || old.title || ' ' || old.preview));
    END;
    CREATE TRIGGER items_search_au AFTER UPDATE OF sender, title, preview ON items
    WHEN old.skey IS NOT NULL BEGIN
        INSERT INTO items_search (items_search, rowid, sender, title, preview, pairs)
        VALUES ('delete', old.skey, old.sender, old.title, old.preview,
                CASE WHEN old.rowid < (SELECT below FROM pairs_fill) THEN search_pairs(old.sender || ' ' || old.title || ' ' || old.preview)
                     ELSE pairs_with_symbols(old.sender || ' ' || old.title || ' ' || old.preview) END);
        INSERT INTO items_search (rowid, sender, title, preview, pairs)
        VALUES (new.skey, new.sender, new.title, new.preview,
                CASE WHEN new.rowid < (SELECT below FROM pairs_fill) THEN search_pairs(new.sender || ' ' || new.title || ' ' || new.preview)
                     ELSE pairs_with_symbols(new.sender || ' ' || new.title || ' ' || new.preview) END);
        INSERT INTO items_words (items_words, rowid, words)
        VALUES ('delete', old.skey, word_prefixes(old.sender || ' ' || old.title || ' ' || old.preview));
        INSERT INTO items_words (rowid, words)
        VALUES (new.skey, word_prefixes(new.sender || ' ' || new.title || ' ' || new.preview));
    END;
    """,
]
