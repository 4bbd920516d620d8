package io.popbridge.load;

import io.popbridge.load.Scenario.Account;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The {@code idle} scenario: K logged-in sessions opened by the workers, held for the duration
 * with a NOOP round every interval (NOOP latency recorded), then QUIT. Blocking sockets without a
 * thread per session: the NOOP rounds go through the sessions one by one.
 */
final class IdleRun {

    private final Target target;
    private final List<Account> accounts;
    private final int count;
    private final int workers;
    private final double noopInterval;

    IdleRun(Target target, List<Account> accounts, int count, int workers, double noopInterval) {
        this.target = target;
        this.accounts = accounts;
        this.count = count;
        this.workers = workers;
        this.noopInterval = noopInterval;
    }

    LoadTool.Result run(double seconds) throws InterruptedException {
        Stats stats = new Stats();
        List<PopConnection> open = Collections.synchronizedList(new ArrayList<>());
        long start = System.nanoTime();
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(workers);
        for (int w = 0; w < workers; w++) {
            pool.execute(() -> {
                for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                    long t0 = System.nanoTime();
                    try {
                        PopConnection pop = PopConnection.open(target);
                        try {
                            Account account = accounts.get(i % accounts.size());
                            pop.login(account.user(), account.password());
                        } catch (IOException | RuntimeException e) {
                            pop.close();
                            throw e;
                        }
                        open.add(pop);
                        stats.record("login", System.nanoTime() - t0);
                    } catch (IOException | RuntimeException e) {
                        stats.error(e);
                    }
                }
            });
        }
        pool.shutdown();
        pool.awaitTermination(1, TimeUnit.HOURS);
        System.out.println(String.format(java.util.Locale.ROOT, "idle: %d sessions logged in after %.1fs (%d errors); holding %.0fs",
                open.size(), (System.nanoTime() - start) / 1e9, stats.errorCount(), seconds));
        System.out.flush();
        long holdUntil = System.nanoTime() + (long) (seconds * 1e9);
        long interval = (long) (noopInterval * 1e9);
        List<PopConnection> alive = new ArrayList<>(open);
        for (long round = System.nanoTime() + interval; round < holdUntil; round += interval) {
            sleepUntil(round);
            for (int i = alive.size() - 1; i >= 0; i--) {
                long t0 = System.nanoTime();
                try {
                    alive.get(i).noop();
                    stats.record("noop", System.nanoTime() - t0);
                    stats.commands.increment();
                } catch (IOException e) {
                    stats.error(e);
                    alive.remove(i).close();
                }
            }
        }
        sleepUntil(holdUntil);
        for (PopConnection pop : alive) {
            try {
                pop.quit();
                stats.sessions.increment();
            } catch (IOException e) {
                stats.error(e);
            } finally {
                pop.close();
            }
        }
        return new LoadTool.Result(stats, (System.nanoTime() - start) / 1e9);
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        long wait = nanoTime - System.nanoTime();
        if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
        }
    }
}
