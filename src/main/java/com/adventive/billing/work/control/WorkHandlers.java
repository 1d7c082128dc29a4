package com.adventive.billing.work.control;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Every {@link WorkHandler} bean, by kind. A handler registers itself by existing: the webhook
 * creates work for exactly the event types some handler takes, and stores the rest as ignored.
 */
@ApplicationScoped
public class WorkHandlers {

    @Inject
    Instance<WorkHandler> discovered;

    private volatile Map<String, WorkHandler> byKind;

    public boolean handles(String kind) {
        return registry().containsKey(kind);
    }

    public Optional<WorkHandler> forKind(String kind) {
        return Optional.ofNullable(registry().get(kind));
    }

    /** The kinds whose new and retried items a paced waker of their own wakes (see {@link WorkHandler#wokenAtItsOwnPace()}). */
    public Set<String> pacedKinds() {
        return registry().values().stream().filter(WorkHandler::wokenAtItsOwnPace).map(WorkHandler::kind)
                .collect(java.util.stream.Collectors.toUnmodifiableSet());
    }

    private Map<String, WorkHandler> registry() {
        Map<String, WorkHandler> known = byKind;
        if (known == null) {
            known = new HashMap<>();
            for (WorkHandler handler : discovered) {
                WorkHandler clash = known.putIfAbsent(handler.kind(), handler);
                if (clash != null) {
                    // two handlers for one kind would each do the work: refuse to guess which one is meant
                    throw new IllegalStateException("two work handlers for kind " + handler.kind() + ": "
                            + clash.getClass().getName() + " and " + handler.getClass().getName());
                }
            }
            byKind = Map.copyOf(known);
            known = byKind;
        }
        return known;
    }
}
