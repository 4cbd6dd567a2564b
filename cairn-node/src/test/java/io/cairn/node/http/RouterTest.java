package io.cairn.node.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RouterTest {
    private final Route a = ex -> { };
    private final Route b = ex -> { };
    private final Router router = new Router()
            .add("GET", "/blocks/{address}", a)
            .add("PUT", "/blocks/{address}", b)
            .addInternal("GET", "/internal/inventory", a);

    @Test
    void matchesLiteralAndParameterSegments() {
        Router.Match m = router.match("PUT", "/blocks/abc");
        assertThat(m.entry().route()).isSameAs(b);
        assertThat(m.params()).containsEntry("address", "abc");
        assertThat(router.match("GET", "/internal/inventory").entry().internal()).isTrue();
    }

    @Test
    void wrongMethodListsTheAllowedOnesAndOtherPathsMatchNothing() {
        assertThat(router.match("DELETE", "/blocks/abc").allowed()).containsExactly("GET", "PUT");
        for (String path : new String[] {"/blocks", "/blocks/", "/blocks/a/b", "/blocks//", "//blocks/a", "", "blocks/a"}) {
            Router.Match m = router.match("GET", path);
            assertThat(m.entry()).as(path).isNull();
            assertThat(m.allowed()).as(path).isEmpty();
        }
    }
}
