package io.cairn.node.events;

/**
 * One thing an operator should know about, as {@code GET /dashboard/events} and the dashboard
 * show it. {@code node} is the short ID of the node that saw it; {@code subject} the short ID of
 * the node it is about (null when it is about no node, e.g. a repair).
 *
 * @param seq    1, 2, ... per node and process: (node, seq) identifies an event
 * @param type   a name from {@link EventType}'s wire names
 * @param level  "info" or "warn"
 */
public record Event(long seq, long atEpochMillis, String node, String type, String level, String subject,
                    String message) {}
