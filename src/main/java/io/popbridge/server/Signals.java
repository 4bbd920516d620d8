package io.popbridge.server;

import java.lang.reflect.Proxy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SIGHUP through {@code sun.misc.Signal} where the JVM has it (found by reflection: no compile-time
 * dependency on an internal API); elsewhere, or on Windows, certificate changes are still picked
 * up by polling, and configuration changes with {@code reload.watch-config}.
 */
final class Signals {

    private static final Logger LOG = LoggerFactory.getLogger(Signals.class);

    private Signals() {
    }

    /** Runs {@code action} on every SIGHUP; returns false (and logs at debug) if signals are unavailable. */
    static boolean onHangUp(Runnable action) {
        try {
            Class<?> signalClass = Class.forName("sun.misc.Signal");
            Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
            Object signal = signalClass.getConstructor(String.class).newInstance("HUP");
            Object handler = Proxy.newProxyInstance(Signals.class.getClassLoader(), new Class<?>[] {handlerClass},
                    (proxy, method, args) -> {
                        if (method.getName().equals("handle")) {
                            LOG.info("SIGHUP: reloading the configuration and the POP3 TLS certificate");
                            action.run();
                            return null;
                        }
                        return method.getDeclaringClass() == Object.class ? method.invoke(action, args) : null;
                    });
            signalClass.getMethod("handle", signalClass, handlerClass).invoke(null, signal, handler);
            return true;
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            LOG.debug("SIGHUP handling unavailable ({}); certificate files are still polled", e.toString());
            return false;
        }
    }
}
