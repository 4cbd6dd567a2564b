package io.cairn.node.distribute;

/**
 * What the distribute service believes of one storage node's health, and the pure rule that
 * moves it (issue #3): one failed check makes a node {@link State#SUSPECT} (nothing is placed
 * there, but its copies still count), {@code failuresToDead} consecutive failures make it
 * {@link State#DEAD} (its blocks are re-replicated), and one good check makes it
 * {@link State#ALIVE} again. A dead node that answers again has {@link #returned()}: the
 * service must take its inventory again before it counts as a holder (SPEC §3.2).
 */
public record NodeHealth(State state, int failures, boolean returned) {
    public enum State {
        ALIVE, SUSPECT, DEAD;

        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public static final NodeHealth FRESH = new NodeHealth(State.ALIVE, 0, false);

    public NodeHealth onSuccess() {
        return new NodeHealth(State.ALIVE, 0, state == State.DEAD);
    }

    public NodeHealth onFailure(int failuresToDead) {
        int f = failures + 1;
        return new NodeHealth(f >= failuresToDead ? State.DEAD : State.SUSPECT, f, false);
    }
}
