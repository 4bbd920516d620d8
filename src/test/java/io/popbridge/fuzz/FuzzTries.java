package io.popbridge.fuzz;

import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;

/**
 * Sets the tries of every fuzz property from the system property {@code popbridge.fuzz.tries}
 * (default {@value #DEFAULT_TRIES}, enough for CI). A developer runs a long fuzz with e.g.
 * {@code -Dpopbridge.fuzz.tries=200000}; see docs/testing.md. Use with
 * {@code @AddLifecycleHook(FuzzTries.class)}.
 */
public final class FuzzTries implements AroundPropertyHook {

    public static final int DEFAULT_TRIES = 300;

    public static int tries() {
        return Integer.getInteger("popbridge.fuzz.tries", DEFAULT_TRIES);
    }

    @Override
    public PropertyExecutionResult aroundProperty(PropertyLifecycleContext context, PropertyExecutor property) {
        context.attributes().setTries(tries());
        return property.execute();
    }

    /** Applies to every property of the annotated class. */
    @Override
    public net.jqwik.api.lifecycle.PropagationMode propagateTo() {
        return net.jqwik.api.lifecycle.PropagationMode.ALL_DESCENDANTS;
    }

    /** Outermost, so that the tries are set before jqwik builds the property. */
    @Override
    public int aroundPropertyProximity() {
        return -100;
    }
}
