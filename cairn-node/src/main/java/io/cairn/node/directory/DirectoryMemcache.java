package io.cairn.node.directory;

import io.cairn.core.CairnException;
import io.cairn.core.ErrorCode;
import io.cairn.core.names.Name;
import io.cairn.node.memcache.MemcacheBackend;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The memcache face's backend: a key is a name, a value a blob stored in cairn exactly as
 * {@code PUT /names/{key}} stores it, so either face reads what the other wrote, through any node.
 * {@code exptime} becomes the record's expiry and the lease of the value's blocks
 * ({@code X-Cairn-Lease}); the lease keeper never renews them past it. Client flags ride in the
 * record. {@code add} and {@code replace} read, then write: they are not atomic across the
 * cluster (two racing {@code add}s may both store; last writer wins).
 */
final class DirectoryMemcache implements MemcacheBackend {
    private final Directory directory;
    private final LeaseKeeper leases;
    private final int maxValueBytes;

    DirectoryMemcache(Directory directory, LeaseKeeper leases, int maxValueBytes) {
        this.directory = directory;
        this.leases = leases;
        this.maxValueBytes = maxValueBytes;
    }

    @Override
    public Item get(Name key) {
        NameRecord r = live(key);
        if (r == null) {
            return null;
        }
        byte[] value = directory.blobs().readAll(r.entry().address(), r.entry().size(), maxValueBytes);
        return new Item(value, r.clientFlags(), cas(r));
    }

    /** A 64-bit unique per write: the HLC reading (48 bits of ms, 16 of counter). */
    static long cas(NameRecord r) {
        return (r.version().physicalMs() << 16) | r.version().logical();
    }

    @Override
    public boolean store(Mode mode, Name key, byte[] value, int flags, long expiresEpochSecond) {
        if (mode != Mode.SET) {
            boolean exists = live(key) != null;
            if (exists == (mode == Mode.ADD)) {
                return false;
            }
        }
        long now = directory.clock().now().getEpochSecond();
        if (expiresEpochSecond != NameRecord.NEVER && expiresEpochSecond <= now) {
            // Stored already expired (negative exptime): nothing will ever read it.
            try {
                directory.delete(key);
            } catch (CairnException e) {
                if (e.code() != ErrorCode.NOT_FOUND) {
                    throw e;
                }
            }
            return true;
        }
        String lease = expiresEpochSecond == NameRecord.NEVER ? null : Long.toString(expiresEpochSecond - now);
        Blobs.Stored stored;
        try {
            stored = directory.blobs().put(new ByteArrayInputStream(value), maxValueBytes, lease);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        directory.bind(key, stored.address(), stored.size(), stored.file(), flags, expiresEpochSecond);
        return true;
    }

    @Override
    public boolean delete(Name key) {
        try {
            directory.delete(key);
            return true;
        } catch (CairnException e) {
            if (e.code() == ErrorCode.NOT_FOUND) {
                return false;
            }
            throw e;
        }
    }

    @Override
    public boolean touch(Name key, long expiresEpochSecond) {
        NameRecord r = live(key);
        if (r == null) {
            return false;
        }
        NameRecord written = directory.bind(key, r.entry().address(), r.entry().size(), r.file(), r.clientFlags(),
                expiresEpochSecond);
        leases.renew(written);
        return true;
    }

    private NameRecord live(Name key) {
        NameRecord r = directory.resolve(key);
        return r != null && r.resolvable(directory.clock().now()) ? r : null;
    }
}
