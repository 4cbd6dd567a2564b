package io.cairn.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.core.Address;
import io.cairn.core.BlockReads;
import io.cairn.core.CairnException;
import io.cairn.core.ErrorCode;
import io.cairn.core.Manifest;
import io.cairn.core.NodeId;
import io.cairn.core.NodeInfo;
import io.cairn.core.NodeStatus;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A file's chunks read a batch at a time: the pure plan (which node, which chunks together), then
 * the reads against an in-memory cluster that answers {@code POST /blocks/read}, with every kind
 * of batch failure falling back to the single read of each chunk it did not deliver.
 */
class ChunkReadsTest {
    private static final long SEED = 0xc4a2dL;
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final ReplicationPolicy POLICY = ReplicationPolicy.DEFAULT;
    private static final int READ_LIMIT = 9;

    private final SplittableRandom random = new SplittableRandom(SEED);

    private byte[] bytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    /** Storage nodes with different loads, so that the read order is not the distance order. */
    private static List<NodeInfo> nodes(int n, long seed) {
        Random r = new Random(seed);
        List<NodeInfo> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new NodeInfo(NodeId.random(r), URI.create("http://127.0.0.1:" + (9100 + i)), Set.of(NodeInfo.ROLE_STORAGE),
                    NodeStatus.ALIVE, 1L << 30, 1L << 30, r.nextInt(3) * 0.25, 0));
        }
        return out;
    }

    /** Chunks of random content addresses and the given sizes, numbered from 0. */
    private List<Manifest.Chunk> chunks(int... sizes) {
        List<Manifest.Chunk> out = new ArrayList<>();
        for (int i = 0; i < sizes.length; i++) {
            out.add(new Manifest.Chunk(Address.of(bytes(12)), i, sizes[i]));
        }
        return out;
    }

    private List<Manifest.Chunk> randomChunks(int n, int minSize, int maxSize) {
        int[] sizes = new int[n];
        for (int i = 0; i < n; i++) {
            sizes[i] = minSize + random.nextInt(maxSize - minSize + 1);
        }
        return chunks(sizes);
    }

    private static NodeInfo first(Manifest.Chunk c, List<NodeInfo> nodes) {
        return Replicas.readOrder(c.id(), nodes, POLICY, READ_LIMIT).getFirst();
    }

    private static ChunkReads.Plan plan(List<Manifest.Chunk> chunks, List<NodeInfo> nodes, int maxBlocks, long maxBytes,
                                        Predicate<NodeInfo> batchable) {
        return ChunkReads.plan(chunks, nodes, POLICY, READ_LIMIT, maxBlocks, maxBytes, batchable);
    }

    /** Each node's chunks (indices), in slice order, as the plan should group them. */
    private static Map<URI, List<Integer>> byFirstNode(List<Manifest.Chunk> chunks, List<NodeInfo> nodes) {
        Map<URI, List<Integer>> out = new LinkedHashMap<>();
        for (int i = 0; i < chunks.size(); i++) {
            out.computeIfAbsent(first(chunks.get(i), nodes).url(), u -> new ArrayList<>()).add(i);
        }
        return out;
    }

    /** Every chunk exactly once, in a batch or alone; batches never empty and in slice order inside. */
    private static void assertCoversEachChunkOnce(ChunkReads.Plan plan, int n) {
        List<Integer> seen = new ArrayList<>(plan.singles());
        for (ChunkReads.Batch b : plan.batches()) {
            assertThat(b.members()).as("seed %d: no empty batch", SEED).isNotEmpty();
            assertThat(b.members()).as("seed %d: slice order inside a batch", SEED).isSorted();
            seen.addAll(b.members());
        }
        assertThat(seen).as("seed %d", SEED).hasSize(n).doesNotHaveDuplicates();
        assertThat(new HashSet<>(seen)).hasSize(n).allMatch(i -> i >= 0 && i < n);
        assertThat(plan.singles()).isSorted();
    }

    /** The batches of one node, joined in plan order. */
    private static List<Integer> joined(ChunkReads.Plan plan, URI node) {
        List<Integer> out = new ArrayList<>();
        plan.batches().stream().filter(b -> b.node().url().equals(node)).forEach(b -> out.addAll(b.members()));
        return out;
    }

    // ---- the plan ----

    @Test
    void eachChunkIsBatchedUnderTheFirstNodeOfItsReadOrderInSliceOrder() {
        List<NodeInfo> nodes = nodes(7, SEED);
        List<Manifest.Chunk> chunks = randomChunks(200, 1, 70_000);
        ChunkReads.Plan plan = plan(chunks, nodes, 1000, Long.MAX_VALUE, n -> true);

        assertCoversEachChunkOnce(plan, chunks.size());
        assertThat(plan.singles()).isEmpty();
        Map<URI, List<Integer>> expected = byFirstNode(chunks, nodes);
        assertThat(plan.batches()).as("seed %d: one batch per node when nothing cuts", SEED).hasSize(expected.size());
        for (ChunkReads.Batch b : plan.batches()) {
            assertThat(b.members()).as("seed %d node %s", SEED, b.node().url()).isEqualTo(expected.get(b.node().url()));
            assertThat(b.node()).isIn(nodes);
            for (int i : b.members()) {
                assertThat(first(chunks.get(i), nodes)).as("seed %d chunk %d", SEED, i).isEqualTo(b.node());
            }
        }
        // the batches come in the order their nodes first appear in the slice
        assertThat(plan.batches().stream().map(b -> b.node().url()).toList()).containsExactlyElementsOf(expected.keySet());
    }

    @Test
    void theReadOrderDecidesNotTheDistanceSoALoadedReplicaIsPassedOver() {
        // all nodes idle: the first node is the closest; then the closest ones loaded: another replica first
        List<NodeInfo> idle = nodes(5, SEED).stream().map(n -> withLoad(n, 0)).toList();
        List<Manifest.Chunk> chunks = randomChunks(60, 100, 100);
        ChunkReads.Plan calm = plan(chunks, idle, 1000, Long.MAX_VALUE, n -> true);
        // load the node that got the most chunks
        ChunkReads.Batch busiest = calm.batches().stream().max((a, b) -> a.members().size() - b.members().size()).orElseThrow();
        List<NodeInfo> loaded = idle.stream().map(n -> n.url().equals(busiest.node().url()) ? withLoad(n, 0.9) : n).toList();
        ChunkReads.Plan shifted = plan(chunks, loaded, 1000, Long.MAX_VALUE, n -> true);
        assertCoversEachChunkOnce(shifted, chunks.size());
        assertThat(shifted.batches()).noneMatch(b -> b.node().url().equals(busiest.node().url()));
        for (ChunkReads.Batch b : shifted.batches()) {
            for (int i : b.members()) {
                assertThat(first(chunks.get(i), loaded).url()).isEqualTo(b.node().url());
            }
        }
    }

    private static NodeInfo withLoad(NodeInfo n, double load) {
        return new NodeInfo(n.id(), n.url(), n.roles(), n.status(), n.freeBytes(), n.capacityBytes(), load, n.lastSeenMillis());
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3, 5, 16})
    void batchesAreCutAtMaxBlocks(int maxBlocks) {
        List<NodeInfo> nodes = nodes(5, SEED + maxBlocks);
        List<Manifest.Chunk> chunks = randomChunks(150, 1, 1000);
        ChunkReads.Plan plan = plan(chunks, nodes, maxBlocks, Long.MAX_VALUE, n -> true);
        assertCoversEachChunkOnce(plan, chunks.size());
        assertThat(plan.singles()).isEmpty();
        Map<URI, List<Integer>> expected = byFirstNode(chunks, nodes);
        for (Map.Entry<URI, List<Integer>> e : expected.entrySet()) {
            assertThat(joined(plan, e.getKey())).as("seed %d node %s", SEED, e.getKey()).isEqualTo(e.getValue());
            List<ChunkReads.Batch> mine = plan.batches().stream().filter(b -> b.node().url().equals(e.getKey())).toList();
            assertThat(mine).hasSize((e.getValue().size() + maxBlocks - 1) / maxBlocks);
            for (int k = 0; k < mine.size(); k++) {
                if (k < mine.size() - 1) {
                    assertThat(mine.get(k).members()).as("seed %d: full but the last", SEED).hasSize(maxBlocks);
                } else {
                    assertThat(mine.get(k).members().size()).isBetween(1, maxBlocks);
                }
            }
        }
    }

    @Test
    void batchesAreCutAtMaxBytesGreedilyAndABigChunkGoesAlone() {
        List<NodeInfo> nodes = nodes(4, SEED);
        List<Manifest.Chunk> chunks = randomChunks(120, 1, 1000);
        long maxBytes = 2500;
        int maxBlocks = 64;
        ChunkReads.Plan plan = plan(chunks, nodes, maxBlocks, maxBytes, n -> true);
        assertCoversEachChunkOnce(plan, chunks.size());
        for (Map.Entry<URI, List<Integer>> e : byFirstNode(chunks, nodes).entrySet()) {
            assertThat(joined(plan, e.getKey())).isEqualTo(e.getValue());
            List<ChunkReads.Batch> mine = plan.batches().stream().filter(b -> b.node().url().equals(e.getKey())).toList();
            for (int k = 0; k < mine.size(); k++) {
                long bytes = mine.get(k).members().stream().mapToLong(i -> chunks.get(i).size()).sum();
                assertThat(bytes).as("seed %d node %s batch %d", SEED, e.getKey(), k).isLessThanOrEqualTo(maxBytes);
                if (k < mine.size() - 1) {
                    int next = mine.get(k + 1).members().getFirst();
                    assertThat(bytes + chunks.get(next).size()).as("seed %d: cut only when the next does not fit", SEED)
                            .isGreaterThan(maxBytes);
                }
            }
        }

        // chunks larger than maxBytes each go alone, but still as a batch, and the small ones around them together
        List<NodeInfo> one = nodes(1, SEED);
        List<Manifest.Chunk> mixed = chunks(10, 5000, 10, 10, 6000, 7000, 10);
        ChunkReads.Plan p = plan(mixed, one, maxBlocks, 100, n -> true);
        assertThat(p.singles()).isEmpty();
        assertThat(p.batches().stream().map(ChunkReads.Batch::members).toList())
                .containsExactly(List.of(0), List.of(1), List.of(2, 3), List.of(4), List.of(5), List.of(6));
    }

    @Test
    void bothLimitsTogetherCutAtWhicheverComesFirst() {
        List<NodeInfo> one = nodes(1, SEED);
        // 1000-byte chunks: maxBytes allows 3, maxBlocks 2
        assertThat(plan(chunks(1000, 1000, 1000, 1000, 1000), one, 2, 3000, n -> true).batches().stream()
                .map(ChunkReads.Batch::members).toList()).containsExactly(List.of(0, 1), List.of(2, 3), List.of(4));
        // maxBlocks allows 4, maxBytes 2
        assertThat(plan(chunks(1000, 1000, 1000, 1000, 1000), one, 4, 2000, n -> true).batches().stream()
                .map(ChunkReads.Batch::members).toList()).containsExactly(List.of(0, 1), List.of(2, 3), List.of(4));
        // exactly filling maxBytes is not a cut
        assertThat(plan(chunks(1000, 1000, 1000), one, 64, 3000, n -> true).batches().stream()
                .map(ChunkReads.Batch::members).toList()).containsExactly(List.of(0, 1, 2));
        // empty chunks weigh nothing
        assertThat(plan(chunks(0, 0, 3000, 0, 0), one, 64, 3000, n -> true).batches().stream()
                .map(ChunkReads.Batch::members).toList()).containsExactly(List.of(0, 1, 2, 3, 4));
    }

    @ParameterizedTest
    @ValueSource(ints = {Integer.MIN_VALUE, -1, 0, 1})
    void belowTwoBlocksEveryChunkIsReadAlone(int maxBlocks) {
        List<NodeInfo> nodes = nodes(5, SEED);
        List<Manifest.Chunk> chunks = randomChunks(40, 1, 100);
        ChunkReads.Plan plan = plan(chunks, nodes, maxBlocks, Long.MAX_VALUE, n -> true);
        assertThat(plan.batches()).isEmpty();
        assertThat(plan.singles()).isEqualTo(java.util.stream.IntStream.range(0, 40).boxed().toList());
    }

    @Test
    void chunksWhoseFirstNodeIsNotBatchableAreReadAloneAndTheOthersStillBatched() {
        List<NodeInfo> nodes = nodes(6, SEED);
        List<Manifest.Chunk> chunks = randomChunks(100, 1, 100);
        Map<URI, List<Integer>> expected = byFirstNode(chunks, nodes);
        URI refused = expected.keySet().iterator().next();
        ChunkReads.Plan plan = plan(chunks, nodes, 64, Long.MAX_VALUE, n -> !n.url().equals(refused));
        assertCoversEachChunkOnce(plan, chunks.size());
        assertThat(plan.singles()).as("seed %d", SEED).isEqualTo(expected.get(refused));
        assertThat(plan.batches()).noneMatch(b -> b.node().url().equals(refused));
        for (Map.Entry<URI, List<Integer>> e : expected.entrySet()) {
            if (!e.getKey().equals(refused)) {
                assertThat(joined(plan, e.getKey())).isEqualTo(e.getValue());
            }
        }
        // no node batchable: all alone
        assertThat(plan(chunks, nodes, 64, Long.MAX_VALUE, n -> false).batches()).isEmpty();
    }

    @Test
    void withNoNodeToAskEveryChunkIsReadAloneAndAnEmptySliceIsAnEmptyPlan() {
        List<Manifest.Chunk> chunks = randomChunks(5, 1, 100);
        ChunkReads.Plan none = plan(chunks, List.of(), 64, Long.MAX_VALUE, n -> true);
        assertThat(none.batches()).isEmpty();
        assertThat(none.singles()).containsExactly(0, 1, 2, 3, 4);
        List<NodeInfo> dead = nodes(3, SEED).stream().map(n -> new NodeInfo(n.id(), n.url(), n.roles(), NodeStatus.DEAD,
                n.freeBytes(), n.capacityBytes(), 0, 0)).toList();
        assertThat(plan(chunks, dead, 64, Long.MAX_VALUE, n -> true).singles()).hasSize(5);

        ChunkReads.Plan empty = plan(List.of(), nodes(3, SEED), 64, Long.MAX_VALUE, n -> true);
        assertThat(empty.batches()).isEmpty();
        assertThat(empty.singles()).isEmpty();
    }

    @Test
    void theSameChunkTwiceInASliceIsAskedTwiceInTheSameBatch() {
        List<NodeInfo> nodes = nodes(4, SEED);
        Manifest.Chunk c = chunks(100).getFirst();
        List<Manifest.Chunk> twice = List.of(c, new Manifest.Chunk(c.id(), 1, c.size()), new Manifest.Chunk(c.id(), 2, c.size()));
        ChunkReads.Plan plan = plan(twice, nodes, 64, Long.MAX_VALUE, n -> true);
        assertThat(plan.batches()).singleElement().satisfies(b -> {
            assertThat(b.members()).containsExactly(0, 1, 2);
            assertThat(b.node()).isEqualTo(first(c, nodes));
        });
    }

    @Test
    void theDefaultsAreSixtyFourBlocksAndFourMebibytes() {
        assertThat(ChunkReads.DEFAULT_MAX_BLOCKS).isEqualTo(64).isLessThanOrEqualTo(BlockReads.MAX_ADDRESSES);
        assertThat(ChunkReads.DEFAULT_MAX_BYTES).isEqualTo(4L << 20).isLessThanOrEqualTo(BlockReads.MAX_REPLY_BYTES);
        assertThat(ChunkReads.DEFAULT_MAX_BYTES + BlockReads.tableBytes(ChunkReads.DEFAULT_MAX_BLOCKS))
                .as("a default batch's reply fits the transport's response limit")
                .isLessThanOrEqualTo(JettyTransport.DEFAULT_MAX_RESPONSE_BYTES);
    }

    // ---- fetching, against a fake cluster that answers the batch ----

    /** A fake cluster with the given chunks stored on their replicas, and the chunks' contents. */
    private record Setup(FakeCluster fake, ReadBatchCluster cluster, BlockClient blocks, List<Manifest.Chunk> chunks,
                         Map<Address, byte[]> contents) {
        List<NodeInfo> nodes() {
            return fake.infos();
        }

        FakeCluster.FakeNode firstNodeOf(Manifest.Chunk c) {
            return fake.node(Replicas.readOrder(c.id(), nodes(), POLICY, blocks.chunkReadLimit()).getFirst());
        }
    }

    private Setup setup(int nodes, int chunks, java.util.concurrent.Executor completions) {
        FakeCluster fake = new FakeCluster(nodes, SEED ^ nodes ^ chunks);
        ReadBatchCluster cluster = new ReadBatchCluster(fake, completions);
        BlockClient blocks = new BlockClient(cluster, POLICY, TIMEOUT);
        List<Manifest.Chunk> list = new ArrayList<>();
        Map<Address, byte[]> contents = new LinkedHashMap<>();
        for (int i = 0; i < chunks; i++) {
            // one empty chunk (index 3), so that no two chunks share an address
            byte[] b = i == 3 ? new byte[0] : bytes(1 + random.nextInt(5000));
            Address a = Address.of(b);
            list.add(new Manifest.Chunk(a, i, b.length));
            contents.put(a, b);
            for (NodeInfo r : Replicas.replicas(a, fake.infos(), POLICY)) {
                fake.node(r).blocks.put(a, b);
            }
        }
        return new Setup(fake, cluster, blocks, list, contents);
    }

    private Setup setup(int nodes, int chunks) {
        return setup(nodes, chunks, null);
    }

    private static byte[] bytesOf(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    private static Throwable cause(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /** Waits (bounded) for every future and checks each chunk's bytes. */
    private static void assertAllDelivered(Setup s, List<Manifest.Chunk> chunks, List<CompletableFuture<ByteBuffer>> got)
            throws Exception {
        assertThat(got).hasSize(chunks.size());
        CompletableFuture.allOf(got.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
        for (int i = 0; i < chunks.size(); i++) {
            ByteBuffer b = got.get(i).get();
            assertThat(b.remaining()).as("seed %d chunk %d", SEED, i).isEqualTo(chunks.get(i).size());
            assertThat(bytesOf(b)).as("seed %d chunk %d", SEED, i).isEqualTo(s.contents().get(chunks.get(i).id()));
        }
    }

    @Test
    void everyChunkIsDeliveredInBatchesWithoutASingleGet() throws Exception {
        Setup s = setup(5, 100);
        ChunkReads reads = new ChunkReads(s.blocks(), 64, 4L << 20);
        List<CompletableFuture<ByteBuffer>> got = reads.fetch(s.chunks(), s.nodes());
        assertAllDelivered(s, s.chunks(), got);
        ChunkReads.Plan plan = ChunkReads.plan(s.chunks(), s.nodes(), POLICY, s.blocks().chunkReadLimit(), 64, 4L << 20, n -> true);
        assertThat(s.cluster().batches()).as("seed %d: one request per planned batch", SEED).isEqualTo(plan.batches().size());
        assertThat(s.cluster().batches()).isLessThanOrEqualTo(5 * 2);
        assertThat(s.cluster().gets()).as("seed %d: no single reads", SEED).isZero();
        // each node was asked exactly its planned chunks, in order
        for (ChunkReads.Batch b : plan.batches()) {
            List<Address> expected = b.members().stream().map(i -> s.chunks().get(i).id()).toList();
            assertThat(s.cluster().state(s.fake().node(b.node())).asked).contains(expected);
        }
    }

    @Test
    void theBatchIsAnInternalPostOfTheAddressesWithItsContentType() throws Exception {
        Setup s = setup(3, 10);
        assertAllDelivered(s, s.chunks(), new ChunkReads(s.blocks(), 64, 4L << 20).fetch(s.chunks(), s.nodes()));
        for (FakeCluster.FakeNode n : s.fake().nodes) {
            for (HttpCall call : s.cluster().state(n).calls) {
                assertThat(call.method()).isEqualTo("POST");
                assertThat(call.uri()).isEqualTo(n.url.resolve("/blocks/read"));
                assertThat(call.headers()).containsEntry("Content-Type", BlockReads.REQUEST_TYPE);
                assertThat(call.internal()).as("the cluster key rides along, as on single reads").isTrue();
                assertThat(call.timeout()).isEqualTo(TIMEOUT);
            }
        }
    }

    @Test
    void anEmptySliceSendsNothing() {
        Setup s = setup(3, 0);
        assertThat(new ChunkReads(s.blocks(), 64, 4L << 20).fetch(List.of(), s.nodes())).isEmpty();
        assertThat(s.cluster().batches()).isZero();
        assertThat(s.cluster().gets()).isZero();
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1})
    void belowTwoBlocksEveryChunkIsASingleGet(int maxBlocks) throws Exception {
        Setup s = setup(4, 30);
        assertAllDelivered(s, s.chunks(), new ChunkReads(s.blocks(), maxBlocks, 4L << 20).fetch(s.chunks(), s.nodes()));
        assertThat(s.cluster().batches()).isZero();
        assertThat(s.cluster().gets()).isEqualTo(30);
    }

    @Test
    void chunksANodeLacksFallBackToSingleReadsFromOtherReplicas() throws Exception {
        Setup s = setup(5, 60);
        // the first node of every third chunk has lost its copy
        List<Address> lost = new ArrayList<>();
        for (int i = 0; i < s.chunks().size(); i += 3) {
            Manifest.Chunk c = s.chunks().get(i);
            s.firstNodeOf(c).blocks.remove(c.id());
            lost.add(c.id());
        }
        assertAllDelivered(s, s.chunks(), new ChunkReads(s.blocks(), 64, 4L << 20).fetch(s.chunks(), s.nodes()));
        assertThat(s.cluster().gets()).as("seed %d: per lost chunk, the first node (404) then the next replica", SEED)
                .isEqualTo(2 * lost.size());
        for (Address a : lost) {
            assertThat(s.fake().holders(a)).as("seed %d: nothing written back by a read", SEED).hasSize(2);
        }
    }

    @Test
    void corruptBytesInABatchFallBackAndTheResultIsStillRight() throws Exception {
        Setup s = setup(5, 40);
        List<Manifest.Chunk> victims = new ArrayList<>();
        for (Manifest.Chunk c : s.chunks()) {
            if (c.size() > 0 && victims.size() < 6) {
                s.firstNodeOf(c).corrupt(c.id());
                victims.add(c);
            }
        }
        assertThat(victims).isNotEmpty();
        assertAllDelivered(s, s.chunks(), new ChunkReads(s.blocks(), 64, 4L << 20).fetch(s.chunks(), s.nodes()));
        assertThat(s.cluster().gets()).as("seed %d: the victims were read alone", SEED).isGreaterThanOrEqualTo(victims.size());
        // the corrupt node is still asked for batches next time: bad bytes are not a missing route
        int before = s.cluster().batches();
        assertAllDelivered(s, s.chunks(), new ChunkReads(s.blocks(), 64, 4L << 20).fetch(s.chunks(), s.nodes()));
        assertThat(s.cluster().batches()).isGreaterThan(before);
    }

    @Test
    void aChunkCorruptOnEveryReplicaFailsWithHashMismatchAndTheOthersArrive() throws Exception {
        Setup s = setup(5, 20);
        Manifest.Chunk victim = s.chunks().stream().filter(c -> c.size() > 0).findFirst().orElseThrow();
        s.fake().holders(victim.id()).forEach(n -> n.corrupt(victim.id()));
        List<CompletableFuture<ByteBuffer>> got = new ChunkReads(s.blocks(), 64, 4L << 20).fetch(s.chunks(), s.nodes());
        for (int i = 0; i < got.size(); i++) {
            CompletableFuture<ByteBuffer> f = got.get(i);
            if (s.chunks().get(i).id().equals(victim.id())) {
                assertThatThrownBy(() -> f.get(20, TimeUnit.SECONDS)).satisfies(e -> assertThat(cause(e))
                        .isInstanceOfSatisfying(CairnException.class, c -> assertThat(c.code()).isEqualTo(ErrorCode.HASH_MISMATCH)));
            } else {
                assertThat(bytesOf(f.get(20, TimeUnit.SECONDS))).as("seed %d chunk %d", SEED, i)
                        .isEqualTo(s.contents().get(s.chunks().get(i).id()));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {404, 405})
    void aNodeWithoutTheRouteFallsBackAndIsNotAskedForBatchesAgain(int status) throws Exception {
        Setup s = setup(5, 80);
        ChunkReads reads = new ChunkReads(s.blocks(), 64, 4L << 20);
        FakeCluster.FakeNode old = s.firstNodeOf(s.chunks().getFirst());
        s.cluster().state(old).mode = ReadBatchCluster.Mode.STATUS;
        s.cluster().state(old).status = status;
        long oldChunks = s.chunks().stream().filter(c -> s.firstNodeOf(c) == old).count();

        assertAllDelivered(s, s.chunks(), reads.fetch(s.chunks(), s.nodes()));
        int askedOld = s.cluster().state(old).batches.get();
        assertThat(askedOld).as("seed %d: asked once (one batch's worth)", SEED).isEqualTo(1);
        assertThat(old.gets.get()).as("seed %d: its chunks read singly, from it first", SEED).isEqualTo((int) oldChunks);
        int othersBefore = s.cluster().batches() - askedOld;

        // a second slice: the old node gets single reads only, the others batches again
        assertAllDelivered(s, s.chunks(), reads.fetch(s.chunks(), s.nodes()));
        assertThat(s.cluster().state(old).batches.get()).as("seed %d: not asked again", SEED).isEqualTo(askedOld);
        assertThat(old.gets.get()).isEqualTo(2 * (int) oldChunks);
        assertThat(s.cluster().batches() - askedOld).as("the others still batched").isEqualTo(2 * othersBefore);

        // another ChunkReads (another download) starts afresh
        new ChunkReads(s.blocks(), 64, 4L << 20).fetch(s.chunks(), s.nodes());
        assertThat(s.cluster().state(old).batches.get()).isEqualTo(askedOld + 1);
    }

    @ParameterizedTest
    @ValueSource(ints = {400, 413, 500, 503})
    void aRefusedBatchFallsBackButTheNodeIsAskedForBatchesAgain(int status) throws Exception {
        Setup s = setup(5, 50);
        ChunkReads reads = new ChunkReads(s.blocks(), 64, 4L << 20);
        FakeCluster.FakeNode node = s.firstNodeOf(s.chunks().getFirst());
        s.cluster().state(node).mode = ReadBatchCluster.Mode.STATUS;
        s.cluster().state(node).status = status;
        assertAllDelivered(s, s.chunks(), reads.fetch(s.chunks(), s.nodes()));
        assertThat(s.cluster().state(node).batches.get()).isEqualTo(1);
        assertAllDelivered(s, s.chunks(), reads.fetch(s.chunks(), s.nodes()));
        assertThat(s.cluster().state(node).batches.get()).as("seed %d: %d is not a missing route", SEED, status).isEqualTo(2);
    }

    @ParameterizedTest
    @EnumSource(value = ReadBatchCluster.Mode.class, names = {"WRONG_COUNT", "TRUNCATED", "WRONG_ADDRESS", "ALL_ABSENT"})
    void aReplyThatDoesNotAnswerWhatWasAskedFallsBack(ReadBatchCluster.Mode mode) throws Exception {
        Setup s = setup(5, 50);
        // every node misbehaves: every chunk must come from single reads
        s.fake().nodes.forEach(n -> s.cluster().state(n).mode = mode);
        ChunkReads reads = new ChunkReads(s.blocks(), 64, 4L << 20);
        assertAllDelivered(s, s.chunks(), reads.fetch(s.chunks(), s.nodes()));
        assertThat(s.cluster().gets()).as("seed %d %s: every chunk read alone", SEED, mode).isGreaterThanOrEqualTo(50);
        int batches = s.cluster().batches();
        assertThat(batches).isPositive();
        // not a missing route: asked again
        assertAllDelivered(s, s.chunks(), reads.fetch(s.chunks(), s.nodes()));
        assertThat(s.cluster().batches()).isEqualTo(2 * batches);
    }

    @Test
    void aNodeThatIsDownFallsBackAndIsAskedAgainWhenBack() throws Exception {
        Setup s = setup(5, 50);
        ChunkReads reads = new ChunkReads(s.blocks(), 64, 4L << 20);
        FakeCluster.FakeNode down = s.firstNodeOf(s.chunks().getFirst());
        down.down = true;
        assertAllDelivered(s, s.chunks(), reads.fetch(s.chunks(), s.nodes()));
        down.down = false;
        s.cluster().state(down).batches.set(0);
        assertAllDelivered(s, s.chunks(), reads.fetch(s.chunks(), s.nodes()));
        assertThat(s.cluster().state(down).batches.get()).as("seed %d: unreachable is not a missing route", SEED).isEqualTo(1);
    }

    @Test
    void aChunkMissingEverywhereFailsWithNotFoundWhileTheOthersSucceed() throws Exception {
        Setup s = setup(5, 30);
        Manifest.Chunk gone = s.chunks().get(17);
        s.fake().holders(gone.id()).forEach(n -> n.blocks.remove(gone.id()));
        List<CompletableFuture<ByteBuffer>> got = new ChunkReads(s.blocks(), 64, 4L << 20).fetch(s.chunks(), s.nodes());
        for (int i = 0; i < got.size(); i++) {
            CompletableFuture<ByteBuffer> f = got.get(i);
            if (s.chunks().get(i).id().equals(gone.id())) {
                assertThatThrownBy(() -> f.get(20, TimeUnit.SECONDS)).as("seed %d", SEED).satisfies(e -> assertThat(cause(e))
                        .isInstanceOfSatisfying(CairnException.class, c -> assertThat(c.code()).isEqualTo(ErrorCode.NOT_FOUND)));
            } else {
                assertThat(bytesOf(f.get(20, TimeUnit.SECONDS))).as("seed %d chunk %d", SEED, i)
                        .isEqualTo(s.contents().get(s.chunks().get(i).id()));
            }
        }
    }

    @Test
    void duplicateChunksInASliceEachGetTheirBytes() throws Exception {
        Setup s = setup(4, 6);
        List<Manifest.Chunk> slice = new ArrayList<>();
        for (int k = 0; k < 3; k++) {
            for (Manifest.Chunk c : s.chunks()) {
                slice.add(new Manifest.Chunk(c.id(), slice.size(), c.size()));
            }
        }
        assertAllDelivered(s, slice, new ChunkReads(s.blocks(), 64, 4L << 20).fetch(slice, s.nodes()));
        assertThat(s.cluster().gets()).isZero();
    }

    @Test
    void manyFaultsAtOnceWithRepliesOnOtherThreadsStillDeliverEveryChunk() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            Setup s = setup(7, 300, pool);
            ReadBatchCluster.Mode[] modes = ReadBatchCluster.Mode.values();
            for (FakeCluster.FakeNode n : s.fake().nodes) {
                ReadBatchCluster.Mode m = modes[random.nextInt(modes.length)];
                s.cluster().state(n).mode = m;
                s.cluster().state(n).status = new int[] {404, 405, 500, 503}[random.nextInt(4)];
            }
            // and some copies lost or corrupt, never all of one chunk
            for (Manifest.Chunk c : s.chunks()) {
                if (random.nextInt(8) == 0) {
                    s.firstNodeOf(c).blocks.remove(c.id());
                } else if (c.size() > 0 && random.nextInt(8) == 0) {
                    s.firstNodeOf(c).corrupt(c.id());
                }
            }
            ChunkReads reads = new ChunkReads(s.blocks(), 16, 20_000);
            for (int from = 0; from < s.chunks().size(); from += 64) {
                List<Manifest.Chunk> slice = s.chunks().subList(from, Math.min(from + 64, s.chunks().size()));
                assertAllDelivered(s, slice, reads.fetch(slice, s.nodes()));
            }
        } finally {
            pool.shutdownNow();
            assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    // ---- BlockClient.getBatch on its own ----

    @Test
    void getBatchGivesVerifiedViewsInOrderAndNullForAbsentOrCorrupt() throws Exception {
        Setup s = setup(1, 6);
        FakeCluster.FakeNode n = s.fake().nodes.getFirst();
        List<Address> asked = new ArrayList<>(s.chunks().stream().map(Manifest.Chunk::id).toList());
        Address absent = Address.of(bytes(3));
        asked.add(2, absent);
        Manifest.Chunk corrupt = s.chunks().stream().filter(c -> c.size() > 0).reduce((a, b) -> b).orElseThrow();
        n.corrupt(corrupt.id());
        List<ByteBuffer> views = s.blocks().getBatch(n.info(), asked).get(10, TimeUnit.SECONDS);
        assertThat(views).hasSize(asked.size());
        for (int i = 0; i < asked.size(); i++) {
            Address a = asked.get(i);
            if (a.equals(absent) || a.equals(corrupt.id())) {
                assertThat(views.get(i)).as("seed %d entry %d", SEED, i).isNull();
            } else {
                assertThat(bytesOf(views.get(i))).as("seed %d entry %d", SEED, i).isEqualTo(s.contents().get(a));
            }
        }
        assertThat(s.cluster().state(n).asked).containsExactly(asked);
    }

    @Test
    void getBatchFailsWithTheNodesErrorOrBadRequestForAMalformedReply() {
        Setup s = setup(1, 3);
        FakeCluster.FakeNode n = s.fake().nodes.getFirst();
        List<Address> asked = s.chunks().stream().map(Manifest.Chunk::id).toList();
        Map<Integer, ErrorCode> codes = Map.of(404, ErrorCode.NOT_FOUND, 405, ErrorCode.METHOD_NOT_ALLOWED,
                413, ErrorCode.TOO_LARGE, 503, ErrorCode.UNAVAILABLE);
        s.cluster().state(n).mode = ReadBatchCluster.Mode.STATUS;
        codes.forEach((status, code) -> {
            s.cluster().state(n).status = status;
            assertThatThrownBy(() -> s.blocks().getBatch(n.info(), asked).get(10, TimeUnit.SECONDS))
                    .satisfies(e -> assertThat(cause(e)).isInstanceOfSatisfying(CairnException.class,
                            c -> assertThat(c.code()).as("status %d", status).isEqualTo(code)));
        });
        for (ReadBatchCluster.Mode m : List.of(ReadBatchCluster.Mode.WRONG_COUNT, ReadBatchCluster.Mode.TRUNCATED,
                ReadBatchCluster.Mode.WRONG_ADDRESS)) {
            s.cluster().state(n).mode = m;
            assertThatThrownBy(() -> s.blocks().getBatch(n.info(), asked).get(10, TimeUnit.SECONDS))
                    .satisfies(e -> assertThat(cause(e)).isInstanceOfSatisfying(CairnException.class,
                            c -> assertThat(c.code()).as("%s", m).isEqualTo(ErrorCode.BAD_REQUEST)));
        }
        n.down = true;
        s.cluster().state(n).mode = ReadBatchCluster.Mode.SERVE;
        assertThatThrownBy(() -> s.blocks().getBatch(n.info(), asked).get(10, TimeUnit.SECONDS))
                .satisfies(e -> assertThat(cause(e)).isInstanceOfSatisfying(CairnException.class,
                        c -> assertThat(c.code()).isEqualTo(ErrorCode.UNAVAILABLE)));
    }

    // ---- a transport that throws instead of failing its future ----

    /**
     * The plain {@link FakeCluster} (as FileTransferTest uses it) does not know the batch route:
     * it throws from {@code exchange} (it parses "read" as an address) instead of answering. A
     * batch that cannot even be sent is a batch that did not deliver; its chunks should fall back
     * to single reads like those of any other failed batch, and the other batches of the slice
     * must not be lost.
     */
    @Test
    void aTransportThatThrowsOnTheBatchStillGetsEveryChunkBySingleReads() throws Exception {
        FakeCluster fake = new FakeCluster(5, SEED);
        BlockClient blocks = new BlockClient(fake, POLICY, TIMEOUT);
        List<Manifest.Chunk> chunks = new ArrayList<>();
        Map<Address, byte[]> contents = new LinkedHashMap<>();
        for (int i = 0; i < 20; i++) {
            byte[] b = bytes(1 + random.nextInt(2000));
            Address a = Address.of(b);
            chunks.add(new Manifest.Chunk(a, i, b.length));
            contents.put(a, b);
            for (NodeInfo r : Replicas.replicas(a, fake.infos(), POLICY)) {
                fake.node(r).blocks.put(a, b);
            }
        }
        List<CompletableFuture<ByteBuffer>> got = new ChunkReads(blocks, 64, 4L << 20).fetch(chunks, fake.infos());
        CompletableFuture.allOf(got.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
        for (int i = 0; i < chunks.size(); i++) {
            assertThat(bytesOf(got.get(i).get())).as("seed %d chunk %d", SEED, i).isEqualTo(contents.get(chunks.get(i).id()));
        }
    }
}
