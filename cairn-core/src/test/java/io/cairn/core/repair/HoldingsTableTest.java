package io.cairn.core.repair;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.core.Address;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class HoldingsTableTest {
    private static Address randomAddress(SplittableRandom random) {
        byte[] raw = new byte[32];
        random.nextBytes(raw);
        return Address.ofBytes(raw);
    }

    @Test
    void addRemoveAndHolders() {
        HoldingsTable table = new HoldingsTable();
        Address a = randomAddress(new SplittableRandom(1));
        assertThat(table.add(a, 3)).isTrue();
        assertThat(table.add(a, 3)).isFalse();
        assertThat(table.add(a, 0)).isTrue();
        assertThat(table.holders(a)).containsExactlyInAnyOrder(0, 3);
        assertThat(table.remove(a, 3)).isTrue();
        assertThat(table.remove(a, 3)).isFalse();
        assertThat(table.remove(a, 0)).isTrue();
        assertThat(table.holders(a)).isEmpty();
        assertThat(table.blockCount()).isZero();
    }

    @Test
    void moreThanEightHoldersOverflowAndComeBack() {
        HoldingsTable table = new HoldingsTable();
        Address a = randomAddress(new SplittableRandom(2));
        for (int h = 0; h < 12; h++) {
            table.add(a, h);
        }
        assertThat(table.holders(a)).hasSize(12);
        for (int h = 0; h < 8; h++) {
            table.remove(a, h);
        }
        assertThat(table.holders(a)).containsExactlyInAnyOrder(8, 9, 10, 11);
        assertThat(table.blockCount()).isEqualTo(1);
    }

    /** Random operations checked against a plain map model, with growth and backward-shift deletes. */
    @Test
    void agreesWithAModelUnderRandomOperations() {
        long seed = 99;
        SplittableRandom random = new SplittableRandom(seed);
        HoldingsTable table = new HoldingsTable();
        Map<Address, Set<Integer>> model = new HashMap<>();
        List<Address> known = new ArrayList<>();
        for (int op = 0; op < 200_000; op++) {
            int kind = random.nextInt(10);
            if (kind < 5 || known.isEmpty()) {
                Address a = known.isEmpty() || random.nextInt(3) == 0 ? randomAddress(random) : known.get(random.nextInt(known.size()));
                int h = random.nextInt(12);
                boolean added = model.computeIfAbsent(a, x -> new HashSet<>()).add(h);
                if (!known.contains(a) && known.size() < 5000) {
                    known.add(a);
                }
                assertThat(table.add(a, h)).as("seed %d op %d", seed, op).isEqualTo(added);
            } else if (kind < 9) {
                Address a = known.get(random.nextInt(known.size()));
                int h = random.nextInt(12);
                Set<Integer> s = model.get(a);
                boolean removed = s != null && s.remove(h);
                if (s != null && s.isEmpty()) {
                    model.remove(a);
                }
                assertThat(table.remove(a, h)).as("seed %d op %d", seed, op).isEqualTo(removed);
            } else if (op % 1000 == 0) {
                int h = random.nextInt(12);
                long expected = 0;
                for (var it = model.entrySet().iterator(); it.hasNext(); ) {
                    var e = it.next();
                    if (e.getValue().remove(h)) {
                        expected++;
                    }
                    if (e.getValue().isEmpty()) {
                        it.remove();
                    }
                }
                assertThat(table.removeHolder(h)).as("seed %d op %d", seed, op).isEqualTo(expected);
            }
        }
        assertThat(table.blockCount()).as("seed %d", seed).isEqualTo(model.size());
        for (Address a : known) {
            Set<Integer> expected = model.getOrDefault(a, Set.of());
            assertThat(java.util.Arrays.stream(table.holders(a)).boxed().toList()).as("seed %d", seed).containsExactlyInAnyOrderElementsOf(expected);
        }
        Map<Address, Set<Integer>> visited = new HashMap<>();
        table.forEach((address, holders, count) -> {
            Set<Integer> s = new HashSet<>();
            for (int i = 0; i < count; i++) {
                s.add(holders[i]);
            }
            visited.put(address, s);
        });
        assertThat(visited).isEqualTo(model);
    }
}
