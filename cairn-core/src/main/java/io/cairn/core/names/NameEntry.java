package io.cairn.core.names;

import io.cairn.core.Address;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;

/**
 * One directory entry (SPEC §3.4): a name bound to a block or file address, or a tombstone that
 * records its deletion. Held by the R ring successors of the name; stored and sent as
 * {@link NameEntryCodec} bytes.
 *
 * <p>A tombstone has no address and size 0. It must be kept (and replicated) like a live entry:
 * dropping it early would let an older live copy on a lagging replica win again. When tombstones
 * may be collected is the directory service's business, not this record's.
 *
 * @param name      the name
 * @param address   the block or file address; {@code null} exactly when {@code deleted}
 * @param size      the content's length in bytes, 0 for a tombstone
 * @param version   orders writes to this name (last writer wins)
 * @param deleted   true for a tombstone
 * @param updatedAt wall-clock time of the write, for people and listings; whole milliseconds
 */
public record NameEntry(Name name, Address address, long size, Version version, boolean deleted, Instant updatedAt) {
    public NameEntry {
        if (name == null || version == null || updatedAt == null) {
            throw new IllegalArgumentException("name, version and updatedAt are required");
        }
        if (deleted != (address == null)) {
            throw new IllegalArgumentException("a tombstone has no address and a live entry has one");
        }
        if (size < 0 || (deleted && size != 0)) {
            throw new IllegalArgumentException("bad size " + size + (deleted ? " for a tombstone" : ""));
        }
        updatedAt.toEpochMilli(); // throws ArithmeticException when the format could not hold it
        updatedAt = updatedAt.truncatedTo(ChronoUnit.MILLIS);
    }

    public static NameEntry live(Name name, Address address, long size, Version version, Instant updatedAt) {
        return new NameEntry(name, address, size, version, false, updatedAt);
    }

    public static NameEntry tombstone(Name name, Version version, Instant updatedAt) {
        return new NameEntry(name, null, 0, version, true, updatedAt);
    }

    /**
     * The entry that wins between two copies of one name's entry: a last-writer-wins register.
     *
     * <p>The winner is the larger by the total order (version, then encoded bytes read unsigned).
     * Being the maximum under a total order, merge is commutative, associative and idempotent, so
     * replicas that exchange entries in any order, any number of times, converge. The byte
     * comparison only decides when two different entries carry one version, which the HLC rules
     * out unless a node lost its clock state; it keeps merge deterministic even then.
     *
     * @throws IllegalArgumentException when the entries are for different names
     */
    public static NameEntry merge(NameEntry a, NameEntry b) {
        if (!a.name.equals(b.name)) {
            throw new IllegalArgumentException("cannot merge entries of " + a.name + " and " + b.name);
        }
        int c = a.version.compareTo(b.version);
        if (c == 0 && !a.equals(b)) {
            c = Arrays.compareUnsigned(NameEntryCodec.encode(a), NameEntryCodec.encode(b));
        }
        return c >= 0 ? a : b;
    }

    public NameKey key() {
        return NameKey.of(name);
    }
}
