package io.cairn.core.hummel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.core.CairnException;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RepoPathTest {
    @Test
    void acceptsOrdinaryAndUnicodePaths() {
        for (String p : List.of("a", "a/b/c.txt", "été/日本語/файл", ".hidden", "a/..b", "a/b..", "x/ y /z", "emoji/🎉")) {
            assertThat(RepoPath.problem(p)).as(p).isNull();
        }
    }

    @Test
    void refusesEverythingThatCouldLeaveTheRoot() {
        for (String p : List.of("", "/etc/passwd", "../x", "a/../../x", "a/..", "..", ".", "./a", "a/./b", "a//b",
                "a/", "a\u0000b", "a\nb", "a\u007fb", "x".repeat(256), "a/" + "b".repeat(4095), "\uD800x")) {
            assertThat(RepoPath.problem(p)).as(RepoPath.printable(p)).isNotNull();
        }
        assertThatThrownBy(() -> RepoPath.require("../etc")).isInstanceOf(CairnException.class).hasMessageContaining("..");
    }

    @Test
    void subtreesAndAncestors() {
        assertThat(RepoPath.subtree(null)).isEmpty();
        assertThat(RepoPath.subtree("/")).isEmpty();
        assertThat(RepoPath.subtree("/docs/")).isEqualTo("docs");
        assertThatThrownBy(() -> RepoPath.subtree("docs/../..")).isInstanceOf(CairnException.class);
        assertThat(RepoPath.isUnder("docs/a", "docs")).isTrue();
        assertThat(RepoPath.isUnder("docs", "docs")).isTrue();
        assertThat(RepoPath.isUnder("docsx/a", "docs")).isFalse();
        assertThat(RepoPath.isUnder("anything", "")).isTrue();
        assertThat(RepoPath.ancestors("a/b/c")).containsExactly("a", "a/b");
        assertThat(RepoPath.ancestors("a")).isEmpty();
    }

    @Test
    void randomPathsNeverEscapeWhenValid() {
        long seed = 6001;
        Random r = new Random(seed);
        String[] parts = {"a", "..", ".", "", "b", "/", "\u0000", "é", "c.d"};
        for (int i = 0; i < 20_000; i++) {
            StringBuilder b = new StringBuilder();
            int n = 1 + r.nextInt(6);
            for (int j = 0; j < n; j++) {
                b.append(parts[r.nextInt(parts.length)]);
                if (r.nextBoolean()) {
                    b.append('/');
                }
            }
            String p = b.toString();
            if (RepoPath.valid(p)) {
                java.nio.file.Path root = java.nio.file.Path.of("/root/dir");
                assertThat(root.resolve(p).normalize().startsWith(root)).as("seed %d path %s", seed, RepoPath.printable(p)).isTrue();
                assertThat(root.resolve(p).normalize()).as("seed %d", seed).isEqualTo(root.resolve(p));
            }
        }
    }
}
