package io.cairn.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BlockIndexTest {
    private static final long SEED = 20251121L;

    @Test
    void findsWhatWasInsertedAcrossGrowth() {
        BlockIndex index = new BlockIndex(SEED);
        Random random = new Random(SEED);
        int n = 100_000;
        long[][] keys = new long[n][2];
        for (int i = 0; i < n; i++) {
            keys[i][0] = random.nextLong();
            keys[i][1] = random.nextLong();
            index.insert(keys[i][0], keys[i][1], 1 + i % 7, i, i % 5000, 1000L + i);
        }
        assertThat(index.size()).isEqualTo(n);
        for (int i = 0; i < n; i++) {
            assertThat(index.candidates(keys[i][0], keys[i][1]))
                    .as("seed %d key %d", SEED, i)
                    .containsExactly(new BlockIndex.Location(1 + i % 7, i, i % 5000, 1000L + i));
        }
        assertThat(index.candidates(random.nextLong(), random.nextLong())).isEmpty();
        // load stays between 68% and 85% once shards have grown: at most 36 / 0.68 bytes a block
        assertThat((double) index.arrayBytes() / n).isLessThanOrEqualTo(53.0);
    }

    @Test
    void deletionKeepsEveryOtherEntryFindable() {
        // a model check against a HashMap: random inserts, deletes, lease changes and relocations
        BlockIndex index = new BlockIndex(SEED);
        Random random = new Random(SEED);
        Map<List<Long>, BlockIndex.Location> model = new HashMap<>();
        List<List<Long>> keys = new java.util.ArrayList<>();
        for (int step = 0; step < 200_000; step++) {
            int op = random.nextInt(10);
            if (op < 5 || keys.isEmpty()) {
                // few distinct first bytes: long probe runs in a handful of shards
                List<Long> key = List.of(((long) random.nextInt(3) << 56) | random.nextInt(1 << 20), random.nextLong());
                if (model.containsKey(key)) {
                    continue;
                }
                BlockIndex.Location loc = new BlockIndex.Location(1 + random.nextInt(100), random.nextInt(1 << 30), random.nextInt(4096), random.nextLong());
                index.insert(key.get(0), key.get(1), loc.segment(), loc.offset(), loc.length(), loc.lease());
                model.put(key, loc);
                keys.add(key);
            } else if (op < 8) {
                List<Long> key = keys.remove(random.nextInt(keys.size()));
                BlockIndex.Location loc = model.remove(key);
                assertThat(index.remove(key.get(0), key.get(1), loc.segment(), loc.offset())).as("seed %d step %d", SEED, step).isEqualTo(loc);
            } else {
                List<Long> key = keys.get(random.nextInt(keys.size()));
                BlockIndex.Location loc = model.get(key);
                index.relocate(key.get(0), key.get(1), loc.segment(), loc.offset(), loc.segment() + 1, loc.offset() + 1);
                index.setLease(key.get(0), key.get(1), loc.segment() + 1, loc.offset() + 1, loc.lease() + 1);
                model.put(key, new BlockIndex.Location(loc.segment() + 1, loc.offset() + 1, loc.length(), loc.lease() + 1));
            }
        }
        assertThat(index.size()).isEqualTo(model.size());
        model.forEach((key, loc) -> assertThat(index.candidates(key.get(0), key.get(1))).as("seed %d", SEED).containsExactly(loc));
    }

    @Test
    void entriesSharingTheSixteenBytePrefixAreAllReturnedAndRemovedOneByOne() {
        BlockIndex index = new BlockIndex(SEED);
        index.insert(7, 9, 1, 0, 10, 100);
        index.insert(7, 9, 1, 78, 20, 200);
        index.insert(7, 9, 2, 0, 30, 300);
        assertThat(index.candidates(7, 9)).hasSize(3);
        assertThat(index.remove(7, 9, 1, 78)).isEqualTo(new BlockIndex.Location(1, 78, 20, 200));
        assertThat(index.remove(7, 9, 1, 78)).isNull();
        assertThat(index.candidates(7, 9)).containsExactlyInAnyOrder(new BlockIndex.Location(1, 0, 10, 100), new BlockIndex.Location(2, 0, 30, 300));
        assertThat(index.setLease(7, 9, 2, 0, 999)).isTrue();
        assertThat(index.setLease(7, 9, 3, 0, 999)).isFalse();
        assertThat(index.candidates(7, 9)).contains(new BlockIndex.Location(2, 0, 30, 999));
    }

    @Test
    void refusesSegmentZeroWhichMarksEmptySlots() {
        BlockIndex index = new BlockIndex(SEED);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> index.insert(1, 2, 0, 0, 0, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
