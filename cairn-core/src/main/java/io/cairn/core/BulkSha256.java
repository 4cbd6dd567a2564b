package io.cairn.core;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * cairn's SHA-256 ({@link Address#sha256} hands it out): OpenSSL's {@code libcrypto} through
 * the FFM API when it is there, else the JDK's.
 *
 * <p>Why (DECISIONS 96): the JDK's SHA-256 is fast (~2 GB/s here, with the SHA extensions) only
 * once C2 has compiled the caller around its intrinsic; interpreted or C1-compiled it runs at
 * ~180 MB/s. A command that runs for two seconds spends much of them in C2 compiling everything
 * else, and runs C1-only faster if its one hot loop does not need C2. libcrypto hashes at the
 * same ~2 GB/s whatever compiled the caller (the client commands run C1-only for that), and a
 * little faster than the JDK's under C2, so the nodes use it too. The JDK's digest stays the
 * fallback (no libcrypto, no native access, or a self-test that fails), so results never depend
 * on which one runs.
 *
 * <p>The state is OpenSSL's {@code SHA256_CTX} (28 32-bit words, 112 bytes), kept in a Java
 * {@code long[]} and passed with the bytes as heap segments to "critical" downcalls, so there is
 * no native memory to free and no copy of the input.
 */
public final class BulkSha256 extends MessageDigest implements Cloneable {
    /** {@code sizeof(SHA256_CTX)} is 112 bytes; room for 128. */
    private static final int CTX_LONGS = 16;
    private static final Native NATIVE = Native.load().orElse(null);

    private long[] ctx = new long[CTX_LONGS];

    private BulkSha256() {
        super("SHA-256");
        init();
    }

    /** A SHA-256 digest: libcrypto's when available, else the JDK's. */
    public static MessageDigest create() {
        return NATIVE != null ? new BulkSha256() : Address.jdkSha256();
    }

    /** True when {@link #create} hands out the libcrypto digest. */
    public static boolean isNative() {
        return NATIVE != null;
    }

    private void init() {
        try {
            int ok = (int) NATIVE.init.invokeExact(MemorySegment.ofArray(ctx));
            check(ok);
        } catch (Throwable t) {
            throw failure(t);
        }
    }

    @Override
    protected void engineUpdate(byte input) {
        engineUpdate(new byte[] {input}, 0, 1);
    }

    @Override
    protected void engineUpdate(byte[] input, int offset, int len) {
        java.util.Objects.checkFromIndexSize(offset, len, input.length);
        if (len == 0) {
            return;
        }
        try {
            int ok = (int) NATIVE.update.invokeExact(MemorySegment.ofArray(ctx),
                    MemorySegment.ofArray(input).asSlice(offset, len), (long) len);
            check(ok);
        } catch (Throwable t) {
            throw failure(t);
        }
    }

    @Override
    protected void engineUpdate(ByteBuffer input) {
        int len = input.remaining();
        if (len == 0) {
            return;
        }
        if (input.isReadOnly() && !input.isDirect()) {
            super.engineUpdate(input); // its array is not reachable: copied in pieces
            return;
        }
        try {
            int ok = (int) NATIVE.update.invokeExact(MemorySegment.ofArray(ctx), MemorySegment.ofBuffer(input), (long) len);
            check(ok);
        } catch (Throwable t) {
            throw failure(t);
        }
        input.position(input.limit());
    }

    @Override
    protected byte[] engineDigest() {
        byte[] out = new byte[32];
        try {
            int ok = (int) NATIVE.fin.invokeExact(MemorySegment.ofArray(out), MemorySegment.ofArray(ctx));
            check(ok);
        } catch (Throwable t) {
            throw failure(t);
        }
        init();
        return out;
    }

    @Override
    protected void engineReset() {
        init();
    }

    @Override
    protected int engineGetDigestLength() {
        return 32;
    }

    @Override
    public Object clone() throws CloneNotSupportedException {
        BulkSha256 copy = (BulkSha256) super.clone();
        copy.ctx = ctx.clone();
        return copy;
    }

    private static void check(int ok) {
        if (ok != 1) {
            throw new IllegalStateException("libcrypto SHA-256 call failed");
        }
    }

    private static RuntimeException failure(Throwable t) {
        if (t instanceof Error e) {
            throw e;
        }
        return t instanceof RuntimeException r ? r : new IllegalStateException(t);
    }

    /** libcrypto's {@code SHA256_Init}, {@code SHA256_Update} and {@code SHA256_Final}. */
    private record Native(MethodHandle init, MethodHandle update, MethodHandle fin) {
        static final byte[] ABC_DIGEST = Hex.decode("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", 32, "digest");

        static Optional<Native> load() {
            if (Boolean.getBoolean("cairn.jdkSha256") || !BulkSha256.class.getModule().isNativeAccessEnabled()) {
                return Optional.empty();
            }
            try {
                Linker linker = Linker.nativeLinker();
                SymbolLookup lib = lookup();
                Linker.Option critical = Linker.Option.critical(true);
                Native n = new Native(
                        linker.downcallHandle(lib.find("SHA256_Init").orElseThrow(),
                                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS), critical),
                        linker.downcallHandle(lib.find("SHA256_Update").orElseThrow(),
                                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS,
                                        ValueLayout.JAVA_LONG), critical),
                        linker.downcallHandle(lib.find("SHA256_Final").orElseThrow(),
                                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS), critical));
                return n.selfTest() ? Optional.of(n) : Optional.empty();
            } catch (Throwable t) { // no libcrypto, no such symbols, no FFM: the JDK's digest
                return Optional.empty();
            }
        }

        private static SymbolLookup lookup() {
            IllegalArgumentException last = null;
            for (String name : new String[] {"libcrypto.so.3", "libcrypto.so"}) {
                try {
                    return SymbolLookup.libraryLookup(name, java.lang.foreign.Arena.global());
                } catch (IllegalArgumentException e) {
                    last = e;
                }
            }
            throw last;
        }

        private boolean selfTest() throws Throwable {
            long[] c = new long[CTX_LONGS];
            byte[] abc = "abc".getBytes(StandardCharsets.US_ASCII);
            byte[] out = new byte[32];
            int a = (int) init.invokeExact(MemorySegment.ofArray(c));
            int b = (int) update.invokeExact(MemorySegment.ofArray(c), MemorySegment.ofArray(abc), (long) abc.length);
            int f = (int) fin.invokeExact(MemorySegment.ofArray(out), MemorySegment.ofArray(c));
            return a == 1 && b == 1 && f == 1 && MessageDigest.isEqual(out, ABC_DIGEST);
        }
    }
}
