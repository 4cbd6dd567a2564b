package io.cairn.node.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The {@code {name...}} tail segment used by {@code /names/}. */
class RouterTailTest {
    private final Route names = ex -> { };
    private final Route list = ex -> { };
    private final Router router = new Router()
            .add("GET", "/names", list)
            .add("GET", "/names/{name...}", names);

    @Test
    void theTailTakesTheRestOfThePathSlashesIncluded() {
        assertThat(router.match("GET", "/names/a/b/c").params()).containsEntry("name", "a/b/c");
        assertThat(router.match("GET", "/names/a").params()).containsEntry("name", "a");
        assertThat(router.match("GET", "/names/").params()).containsEntry("name", "");
        assertThat(router.match("GET", "/names").entry().route()).isSameAs(list);
        assertThat(router.match("GET", "/namesx/a").entry()).isNull();
        assertThat(router.match("PUT", "/names/a").allowed()).containsExactly("GET");
    }
}
