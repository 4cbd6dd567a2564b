package io.cairn.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SegmentMappingTest {
    @TempDir Path dir;

    @Test
    void unmapsWhenTheLastReferenceGoesAndCannotBeRevived() throws Exception {
        Path file = dir.resolve("f");
        Files.write(file, new byte[] {1, 2, 3, 4, 5});
        SegmentMapping m = SegmentMapping.map(file, 5);
        assertThat(m.tryAcquire()).isTrue(); // a reader
        ByteBuffer view = m.slice(1, 3);
        m.release(); // the owner lets go: the reader still reads
        assertThat(view.get(0)).isEqualTo((byte) 2);
        assertThat(view.remaining()).isEqualTo(3);
        m.release(); // the reader: unmapped
        assertThatThrownBy(() -> view.get(0)).isInstanceOf(IllegalStateException.class);
        assertThat(m.tryAcquire()).isFalse();
    }
}
