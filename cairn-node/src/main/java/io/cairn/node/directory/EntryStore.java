package io.cairn.node.directory;

import io.cairn.core.CairnException;
import io.cairn.core.ErrorCode;
import io.cairn.core.names.HlcTime;
import io.cairn.core.names.Name;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.h2.mvstore.Cursor;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.type.ByteArrayDataType;
import org.h2.mvstore.type.StringDataType;

/**
 * This node's directory records, durable in an H2 MVStore file ({@code <data>/directory.mv}).
 * Called by the directory's routes, anti-entropy and lease keeper; promises that a record
 * returned by {@link #merge} as applied survives a crash once {@link #sync} has returned.
 *
 * <p><b>Layout.</b> Map {@code records}: key = the name's UTF-8 bytes, each byte as one char
 * (ISO-8859-1), so that the map's string order is unsigned byte order, i.e. the name order
 * listings promise; value = {@link NameRecordCodec} bytes. Map {@code meta}: {@code hlc} = the
 * last HLC reading written here ({@code physicalMs.logical}), so the clock keeps rising across
 * restarts.
 *
 * <p><b>Merge.</b> A record replaces the stored one only when it wins
 * ({@link NameRecord#merge}); merges of one name are serialised by one of {@value #STRIPES} lock
 * stripes, reads take no lock (MVStore maps are copy-on-write).
 *
 * <p><b>Durability: group commit.</b> Every change bumps {@code written} after it is in the map;
 * {@link #sync} commits and fsyncs unless a commit that started after this thread's change
 * already did. Concurrent writers thus share one fsync, as in the block store's log.
 */
final class EntryStore implements AutoCloseable {
    static final String FILE_NAME = "directory.mv";
    static final int STRIPES = 256;

    private final MVStore store;
    private final MVMap<String, byte[]> records;
    private final MVMap<String, String> meta;
    private final ReentrantLock[] stripes = new ReentrantLock[STRIPES];
    private final AtomicLong written = new AtomicLong();
    private final Object commitLock = new Object();
    private volatile long synced;

    /** What a merge did: the record now stored, and whether the offered one was applied. */
    record Merged(NameRecord stored, boolean applied) {}

    private EntryStore(MVStore store) {
        this.store = store;
        this.records = store.openMap("records", new MVMap.Builder<String, byte[]>()
                .keyType(StringDataType.INSTANCE).valueType(ByteArrayDataType.INSTANCE));
        this.meta = store.openMap("meta", new MVMap.Builder<String, String>()
                .keyType(StringDataType.INSTANCE).valueType(StringDataType.INSTANCE));
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new ReentrantLock();
        }
    }

    static EntryStore open(Path dataDir) {
        try {
            MVStore s = new MVStore.Builder()
                    .fileName(dataDir.resolve(FILE_NAME).toString())
                    .autoCommitDisabled()
                    .cacheSize(64) // MiB of page cache
                    .open();
            return new EntryStore(s);
        } catch (RuntimeException e) {
            throw new CairnException(ErrorCode.INTERNAL, "cannot open the directory store in " + dataDir + ": " + e.getMessage(), e);
        }
    }

    static String key(Name name) {
        return new String(name.utf8(), StandardCharsets.ISO_8859_1);
    }

    static String key(byte[] utf8) {
        return new String(utf8, StandardCharsets.ISO_8859_1);
    }

    NameRecord get(Name name) {
        byte[] v = records.get(key(name));
        return v == null ? null : NameRecordCodec.decode(v);
    }

    /** Merges one record; see the class comment. Not yet durable: call {@link #sync}. */
    Merged merge(NameRecord offered) {
        String k = key(offered.entry().name());
        ReentrantLock lock = stripes[Math.floorMod(k.hashCode(), STRIPES)];
        lock.lock();
        try {
            byte[] current = records.get(k);
            NameRecord stored = current == null ? null : NameRecordCodec.decode(current);
            NameRecord winner = NameRecord.merge(stored, offered);
            if (winner == stored) {
                return new Merged(stored, winner.equals(offered));
            }
            records.put(k, NameRecordCodec.encode(winner));
            written.incrementAndGet();
            return new Merged(winner, true);
        } finally {
            lock.unlock();
        }
    }

    /** Removes the record of a name only if it is still exactly {@code expected} (hand-off). */
    boolean removeIfSame(NameRecord expected) {
        String k = key(expected.entry().name());
        ReentrantLock lock = stripes[Math.floorMod(k.hashCode(), STRIPES)];
        lock.lock();
        try {
            byte[] current = records.get(k);
            if (current == null || !NameRecordCodec.decode(current).equals(expected)) {
                return false;
            }
            records.remove(k);
            written.incrementAndGet();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Makes every change made so far durable (commit + fsync), sharing the fsync with others. */
    void sync() {
        long mine = written.get();
        if (synced >= mine) {
            return;
        }
        synchronized (commitLock) {
            if (synced >= mine) {
                return;
            }
            long target = written.get();
            store.commit();
            store.sync();
            synced = target;
        }
    }

    /**
     * Up to {@code limit} records in name order with names after {@code afterKey} (exclusive;
     * null = from the start) that start with {@code prefixKey} (both in key form).
     */
    List<NameRecord> scan(String afterKey, String prefixKey, int limit) {
        List<NameRecord> out = new ArrayList<>(Math.min(limit, 1024));
        String from = afterKey;
        if (prefixKey != null && !prefixKey.isEmpty() && (from == null || from.compareTo(prefixKey) < 0)) {
            from = prefixKey;
        }
        Cursor<String, byte[]> c = records.cursor(from);
        while (c.hasNext() && out.size() < limit) {
            String k = c.next();
            if (afterKey != null && k.compareTo(afterKey) <= 0) {
                continue;
            }
            if (prefixKey != null && !k.startsWith(prefixKey)) {
                break;
            }
            out.add(NameRecordCodec.decode(c.getValue()));
        }
        return out;
    }

    /** Every record, in name order (a snapshot: changes during the walk may or may not be seen). */
    void forEach(Consumer<NameRecord> action) {
        Iterator<Map.Entry<String, byte[]>> it = records.entrySet().iterator();
        while (it.hasNext()) {
            action.accept(NameRecordCodec.decode(it.next().getValue()));
        }
    }

    /** Rises with every change; equal values mean an unchanged store. */
    long version() {
        return written.get();
    }

    long count() {
        return records.sizeAsLong();
    }

    HlcTime lastHlc() {
        String v = meta.get("hlc");
        if (v == null) {
            return HlcTime.ZERO;
        }
        int dot = v.indexOf('.');
        return new HlcTime(Long.parseLong(v.substring(0, dot)), Integer.parseInt(v.substring(dot + 1)));
    }

    /** Records the last HLC reading (made durable with the next sync). */
    synchronized void saveHlc(HlcTime t) {
        if (t.compareTo(lastHlc()) > 0) {
            meta.put("hlc", t.physicalMs() + "." + t.logical());
            written.incrementAndGet();
        }
    }

    @Override
    public void close() {
        store.close();
    }
}
