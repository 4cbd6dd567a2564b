package io.cairn.node.directory;

import io.cairn.core.names.NameEntry;
import io.cairn.core.names.Version;
import java.time.Instant;
import java.util.Arrays;

/**
 * What a directory node stores and replicates for one name: the {@link NameEntry} (name, address,
 * size, version, tombstone) plus the two facts the memcache face needs, kept beside the entry so
 * that they travel and win together with it.
 *
 * @param entry              the entry; its version orders records of one name
 * @param file               true when the address is a file's manifest, false for a single block
 * @param clientFlags        memcache client flags (unsigned 32 bits, kept as an int); 0 from HTTP
 * @param expiresEpochSecond when the name stops resolving (memcache {@code exptime}); 0 = never
 */
public record NameRecord(NameEntry entry, boolean file, int clientFlags, long expiresEpochSecond) {
    public static final long NEVER = 0;

    public NameRecord {
        if (entry == null) {
            throw new IllegalArgumentException("a record needs an entry");
        }
        if (file && entry.deleted()) {
            throw new IllegalArgumentException("a tombstone names no file");
        }
        if (expiresEpochSecond < 0) {
            throw new IllegalArgumentException("expiresEpochSecond must be >= 0, got " + expiresEpochSecond);
        }
    }

    public static NameRecord of(NameEntry entry) {
        return new NameRecord(entry, false, 0, NEVER);
    }

    public Version version() {
        return entry.version();
    }

    /** True when the name resolves at {@code now}: a live entry not past its expiry. */
    public boolean resolvable(Instant now) {
        return !entry.deleted() && !expiredAt(now);
    }

    public boolean expiredAt(Instant now) {
        return expiresEpochSecond != NEVER && expiresEpochSecond <= now.getEpochSecond();
    }

    /**
     * The record that wins between two copies for one name: last writer wins by version (see
     * {@link NameEntry#merge}); equal versions with different contents (only possible when a node
     * lost its clock state) are decided by the encoded bytes, so merge stays commutative,
     * associative and idempotent and every replica picks the same winner.
     */
    public static NameRecord merge(NameRecord a, NameRecord b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        if (!a.entry.name().equals(b.entry.name())) {
            throw new IllegalArgumentException("cannot merge records of " + a.entry.name() + " and " + b.entry.name());
        }
        int c = a.version().compareTo(b.version());
        if (c == 0 && !a.equals(b)) {
            c = Arrays.compareUnsigned(NameRecordCodec.encode(a), NameRecordCodec.encode(b));
        }
        return c >= 0 ? a : b;
    }

    /** A 64-bit summary of this record for anti-entropy digests (see {@link BucketDigests}). */
    long fingerprint() {
        byte[] bytes = NameRecordCodec.encode(this);
        byte[] d = io.cairn.core.Address.sha256().digest(bytes);
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (d[i] & 0xff);
        }
        return v;
    }
}
