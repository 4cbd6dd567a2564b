/**
 * The cairn node process: {@link io.cairn.node.CairnNode} starts one from a
 * {@link io.cairn.node.NodeConfig}. Sub-packages: {@code http} (Jetty handler, router, errors),
 * {@code storage} (block endpoints, internal repair and lease endpoints), {@code files}
 * ({@code /files} assembly), {@code membership} (gossip), {@code metrics}. Every route and wire
 * format is listed in {@code cairn-node/README.md}.
 */
package io.cairn.node;
