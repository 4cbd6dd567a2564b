package io.cairn.store;

import io.cairn.core.Address;
import io.cairn.core.CairnException;
import io.cairn.core.ErrorCode;
import io.cairn.core.Lease;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * Design (a), kept as the measured alternative: one file per block in 256 fan-out directories,
 * Garage-style (temp file, write, fsync, rename, fsync the directory). File = lease (8 bytes,
 * big-endian epoch seconds), CRC32C of the content (4 bytes), content. The index is an ordinary
 * in-memory map rebuilt by listing the directories at open, which is why this design loses on
 * start time and heap; {@link SegmentBlockStore} is what {@link BlockStores#open} returns. Lease
 * renewals rewrite the 8-byte lease in place without fsync (a lost renewal only shortens a lease).
 */
final class FileBlockStore implements BlockStore {
    private static final int HEADER_BYTES = 12;
    private final Path dir;
    private final StoreConfig config;
    private final ConcurrentHashMap<Address, long[]> index = new ConcurrentHashMap<>(); // {length, lease}
    private final SpaceAccount space;
    private final CopyOnWriteArrayList<BlockListener> listeners = new CopyOnWriteArrayList<>();

    FileBlockStore(StoreConfig config) {
        this.config = config;
        this.dir = config.dir().resolve("blocks");
        try {
            Files.createDirectories(config.dir());
            this.space = new SpaceAccount(config);
            Files.createDirectories(dir);
            for (int i = 0; i < 256; i++) {
                Path fan = dir.resolve(String.format("%02x", i));
                Files.createDirectories(fan);
                try (Stream<Path> files = Files.list(fan)) {
                    for (Path p : (Iterable<Path>) files::iterator) {
                        String name = p.getFileName().toString();
                        if (name.endsWith(".tmp")) {
                            Files.deleteIfExists(p); // a torn write from before a crash: never acknowledged
                            continue;
                        }
                        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
                            ByteBuffer h = ByteBuffer.allocate(HEADER_BYTES);
                            ch.read(h, 0);
                            long len = ch.size() - HEADER_BYTES;
                            index.put(Address.parse(name), new long[] {len, h.getLong(0)});
                            space.added(len);
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Path pathOf(Address a) {
        String hex = a.hex();
        return dir.resolve(hex.substring(0, 2)).resolve(hex);
    }

    @Override
    public PutOutcome put(Address address, ByteBuffer content, Lease lease) {
        int len = content.remaining();
        SegmentRecord.checkPutable(address, content);
        synchronized (lockFor(address)) {
            long[] existing = index.get(address);
            if (existing != null) {
                if (lease.expiresEpochSecond() > existing[1]) {
                    writeLease(address, lease.expiresEpochSecond(), true);
                    existing[1] = lease.expiresEpochSecond();
                }
                return PutOutcome.EXISTED;
            }
            space.reserve(len);
            Path target = pathOf(address);
            Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
            CRC32C crc = new CRC32C();
            crc.update(content.duplicate());
            ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES).putLong(lease.expiresEpochSecond()).putInt((int) crc.getValue()).flip();
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
                ByteBuffer body = content.duplicate();
                while (header.hasRemaining() || body.hasRemaining()) {
                    ch.write(new ByteBuffer[] {header, body});
                }
                ch.force(false); // the content must be on disk before the name makes it visible
            } catch (IOException e) {
                deleteQuietly(tmp);
                space.release(len);
                throw SegmentRecord.storageFailure("writing block " + address, e);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
                fsyncDirectory(target.getParent()); // the rename itself must survive a crash before we acknowledge
            } catch (IOException e) {
                deleteQuietly(tmp);
                space.release(len);
                throw SegmentRecord.storageFailure("renaming block " + address, e);
            }
            index.put(address, new long[] {len, lease.expiresEpochSecond()});
            space.commit(len);
        }
        listeners.forEach(l -> l.added(address));
        return PutOutcome.CREATED;
    }

    private final Object[] locks = Stream.generate(Object::new).limit(256).toArray();

    private Object lockFor(Address a) {
        return locks[a.byteAt(0)];
    }

    static void fsyncDirectory(Path directory) throws IOException {
        try (FileChannel ch = FileChannel.open(directory, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // best effort; a stray .tmp is removed at the next open
        }
    }

    private void writeLease(Address address, long lease, boolean durable) {
        try (FileChannel ch = FileChannel.open(pathOf(address), StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.allocate(8).putLong(0, lease), 0);
            if (durable) {
                ch.force(false); // a re-put's lease merge is acknowledged, so it must be durable
            }
        } catch (IOException e) {
            throw SegmentRecord.storageFailure("writing lease of " + address, e);
        }
    }

    @Override
    public Optional<ByteBuffer> read(Address address) {
        long[] e = index.get(address);
        if (e == null || expired(e)) {
            return Optional.empty();
        }
        byte[] all;
        try {
            all = Files.readAllBytes(pathOf(address));
        } catch (NoSuchFileException gone) {
            return Optional.empty();
        } catch (IOException ex) {
            throw new CairnException(ErrorCode.INTERNAL, "reading " + address + ": " + ex.getMessage(), ex);
        }
        ByteBuffer content = ByteBuffer.wrap(all, HEADER_BYTES, all.length - HEADER_BYTES).slice();
        CRC32C crc = new CRC32C();
        crc.update(content.duplicate());
        if (all.length < HEADER_BYTES || (int) crc.getValue() != ByteBuffer.wrap(all).getInt(8)) {
            quarantine(address);
            return Optional.empty();
        }
        return Optional.of(content);
    }

    private void quarantine(Address address) {
        Path q = config.dir().resolve("quarantine");
        synchronized (lockFor(address)) {
            long[] e = index.remove(address);
            if (e == null) {
                return;
            }
            space.removed(e[0]);
            try {
                Files.createDirectories(q);
                Files.move(pathOf(address), q.resolve(address.hex()), StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException ex) {
                // it is out of the index, so it is never served even if the move failed
            }
        }
        listeners.forEach(l -> l.removed(address, RemovalReason.QUARANTINED));
    }

    private boolean expired(long[] e) {
        return new Lease(e[1]).expiredAt(config.clock().now());
    }

    @Override
    public boolean contains(Address address) {
        long[] e = index.get(address);
        return e != null && !expired(e);
    }

    @Override
    public long sizeOf(Address address) {
        long[] e = index.get(address);
        return e == null || expired(e) ? -1 : e[0];
    }

    @Override
    public Optional<Lease> lease(Address address) {
        long[] e = index.get(address);
        return e == null || expired(e) ? Optional.empty() : Optional.of(new Lease(e[1]));
    }

    @Override
    public boolean renew(Address address, Lease lease) {
        synchronized (lockFor(address)) {
            long[] e = index.get(address);
            if (e == null || expired(e)) {
                return false;
            }
            if (lease.expiresEpochSecond() > e[1]) {
                e[1] = lease.expiresEpochSecond();
                writeLease(address, e[1], false);
            }
            return true;
        }
    }

    @Override
    public boolean delete(Address address) {
        return remove(address, RemovalReason.DELETED);
    }

    private boolean remove(Address address, RemovalReason reason) {
        synchronized (lockFor(address)) {
            long[] e = index.remove(address);
            if (e == null) {
                return false;
            }
            space.removed(e[0]);
            try {
                Files.deleteIfExists(pathOf(address));
                fsyncDirectory(pathOf(address).getParent()); // a delete must not come back after a crash
            } catch (IOException ex) {
                throw SegmentRecord.storageFailure("deleting " + address, ex);
            }
        }
        listeners.forEach(l -> l.removed(address, reason));
        return true;
    }

    @Override
    public int expire(java.time.Instant now) {
        int n = 0;
        for (var entry : index.entrySet()) {
            if (new Lease(entry.getValue()[1]).expiredAt(now) && remove(entry.getKey(), RemovalReason.EXPIRED)) {
                n++;
            }
        }
        return n;
    }

    @Override
    public SpaceReport space() {
        return space.report();
    }

    @Override
    public long blockCount() {
        return index.size();
    }

    @Override
    public void forEachAddress(Consumer<Address> visitor) {
        index.keySet().forEach(visitor);
    }

    @Override
    public ScrubReport scrub(long maxBytes) {
        long blocks = 0;
        long bytes = 0;
        long corrupt = 0;
        for (Address a : index.keySet()) {
            if (bytes >= maxBytes) {
                return new ScrubReport(blocks, bytes, corrupt, false);
            }
            Optional<ByteBuffer> content = read(a);
            blocks++;
            if (content.isPresent()) {
                bytes += content.get().remaining();
                if (!a.matches(content.get())) {
                    quarantine(a);
                    corrupt++;
                }
            }
        }
        return new ScrubReport(blocks, bytes, corrupt, true);
    }

    @Override
    public void addListener(BlockListener listener) {
        listeners.add(listener);
    }

    @Override
    public void close() {
        index.clear();
    }
}
