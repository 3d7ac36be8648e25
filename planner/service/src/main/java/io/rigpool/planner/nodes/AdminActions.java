package io.rigpool.planner.nodes;

import io.rigpool.planner.placement.ChangeScope;
import io.rigpool.planner.placement.Pin;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Admins' changes, applied on the fleet loop: each is checked against the fleet as it is (an unknown node or
 * model is refused with {@link UnknownException}), stored, and re-plans what it affects: a node's drain and
 * reserve re-plan that node, a pin its node, a minimum of replicas adds runners without touching others.
 */
@ApplicationScoped
public class AdminActions {

    /** The request named a node or model the planner does not know. */
    public static final class UnknownException extends RuntimeException {

        private final String field;

        UnknownException(String field, String message) {
            super(message);
            this.field = field;
        }

        public String field() {
            return field;
        }
    }

    private final FleetCoordinator fleet;

    AdminActions(FleetCoordinator fleet) {
        this.fleet = fleet;
    }

    public void drain(String nodeId, boolean drain) {
        run(() -> {
            Node node = known(nodeId);
            if (fleet.rules().drained(nodeId) != drain) {
                fleet.rules().setDrained(nodeId, drain);
                Persist.quietly(() -> fleet.ruleStore().saveDrained(nodeId, drain));
                fleet.adminChanged((drain ? "drain " : "undrain ") + nodeId, ChangeScope.only(Set.of(nodeId)), node);
            }
            return null;
        });
    }

    /** @param bytes the reserve, or null for the configured default */
    public void setReserve(String nodeId, Long bytes) {
        run(() -> {
            Node node = known(nodeId);
            fleet.rules().setReserve(nodeId, bytes);
            Persist.quietly(() -> fleet.ruleStore().saveReserve(nodeId, bytes));
            fleet.adminChanged("reserve of " + nodeId, ChangeScope.only(Set.of(nodeId)), node);
            return null;
        });
    }

    public void pin(String modelId, String nodeId, boolean present) {
        run(() -> {
            Node node = known(nodeId);
            knownModel(modelId, present);
            Pin pin = new Pin(modelId, nodeId);
            boolean changed = present ? fleet.rules().pin(pin) : fleet.rules().unpin(pin);
            if (changed) {
                Persist.quietly(() -> fleet.ruleStore().savePin(pin, present));
                fleet.adminChanged((present ? "pin " : "unpin ") + modelId + " → " + nodeId,
                        ChangeScope.only(Set.of(nodeId)), node);
            }
            return null;
        });
    }

    /**
     * Forgets a node id's own credential (a PC reinstalled, its credential file lost): the next hello for that id
     * enrols it again with the cluster token. A live session keeps running.
     */
    public void revokeCredential(String nodeId) {
        run(() -> {
            if (!fleet.enrolment().revoke(nodeId)) {
                throw new UnknownException("node", "node " + nodeId + " has no credential to revoke");
            }
            Persist.quietly(() -> fleet.credentialStore().delete(nodeId));
            return null;
        });
    }

    public void setMinReplicas(String modelId, int replicas) {
        run(() -> {
            knownModel(modelId, replicas > 0);
            if (fleet.rules().minReplicas(modelId) != replicas) {
                fleet.rules().setMinReplicas(modelId, replicas);
                Persist.quietly(() -> fleet.ruleStore().saveMinReplicas(modelId, replicas));
                fleet.adminChanged("minimum replicas of " + modelId, ChangeScope.only(Set.of()), null);
            }
            return null;
        });
    }

    private Node known(String nodeId) {
        Node node = fleet.node(nodeId);
        if (node == null) {
            throw new UnknownException("node", "no node '" + nodeId + "' has connected to this planner");
        }
        return node;
    }

    /** A model some node holds; removing a rule is allowed for any model a rule names. */
    private void knownModel(String modelId, boolean adding) {
        boolean held = fleet.knownModels().containsKey(modelId);
        boolean ruled = fleet.rules().minReplicas(modelId) > 0
                || fleet.rules().pins().stream().anyMatch(p -> p.modelId().equals(modelId));
        if (!held && (adding || !ruled)) {
            throw new UnknownException("model", "no connected node holds a model '" + modelId + "'");
        }
    }

    private void run(java.util.concurrent.Callable<Void> action) {
        try {
            fleet.submit(action).get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("the fleet loop did not answer in 30 s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
    }
}
