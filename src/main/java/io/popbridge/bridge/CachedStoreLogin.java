package io.popbridge.bridge;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Promise;
import io.popbridge.imap.ImapClient;
import io.popbridge.imap.SelectedMailbox;
import io.popbridge.mapping.Listing;
import io.popbridge.mapping.MailboxKey;
import io.popbridge.mapping.MappingStore;
import io.popbridge.pop3.Mailbox;
import io.popbridge.pop3.MailboxException;
import java.util.function.Consumer;

/**
 * The listing step of a login with the mapping store and the listing cache: {@link CachedListings}
 * selects the mailbox and brings the cached listing up to date (QRESYNC, CONDSTORE or plain
 * searches; a full {@code UID FETCH 1:*} only without a usable cache), {@link StoreListing}
 * assigns UIDLs only to messages the cached listing records none for, and the listing with the
 * UIDLs given out is saved (written to the store only if it changed) before the mailbox is
 * handed to the session. The cache key is the mailbox's {@link MailboxKeys key}: device views of
 * one mailbox share its listing (it holds the upstream's flags, not a device's hidden set).
 *
 * <p>Runs on the session's event loop. Failures: upstream ones as {@link Failures#upstream};
 * a store failure (other than the cached listing being unreadable, which costs a full listing)
 * as {@code -ERR [SYS/TEMP]}.
 */
final class CachedStoreLogin {

    /** What the provider shares with every login. */
    record Shared(BridgeOptions options, MappingOptions mapping, MappingStore store, CachedListings listings,
            SizeCorrections sizes, UpstreamObserver observer) {
    }

    private CachedStoreLogin() {
    }

    /**
     * Selects, lists and snapshots for a logged-in {@code client}; completes {@code promise}, or
     * hands a failure to {@code fail} (which closes the client).
     */
    static void open(Shared shared, ImapClient client, EventLoop loop, String upstreamName, MailboxKey key,
            String user, String device, MappingOptions.Window window, Promise<Mailbox> promise,
            Consumer<MailboxException> fail) {
        BridgeOptions options = shared.options();
        shared.listings().open(client, loop, key, options.mailbox(), false, options.hideKeyword()).addListener(f -> {
            if (!f.isSuccess()) {
                shared.observer().error(upstreamName, "listing");
                fail.accept(Failures.upstream("select and list " + options.mailbox(), f.cause()));
                return;
            }
            ListingSync.Result synced = (ListingSync.Result) f.getNow();
            SelectedMailbox selected = synced.selected();
            Listing listing = synced.listing();
            StoreView view = new StoreView(shared.store(), key, user, device,
                    selected.allowsKeyword(options.hideKeyword()) && !selected.readOnly(),
                    options.deletePolicy().kind());
            SizeCorrections.View learnt = shared.sizes().view(SizeCorrections.mailboxKey(upstreamName, key.user(),
                    options.mailbox(), selected.uidValidity()), (uid, size) -> {
                        shared.observer().sizeCorrected(upstreamName);
                        view.learnSize(selected.uidValidity(), uid, size);
                    });
            new StoreListing(client, loop, shared.store(), key, selected.uidValidity(), shared.observer(), upstreamName)
                    .run(listing, view.readsHidden() ? view.device() : null, window.fromNowOn())
                    .addListener(stored -> {
                        if (!stored.isSuccess()) {
                            fail.accept(Failures.upstream("mapping store", stored.cause()));
                            return;
                        }
                        StoreListing.Result result = (StoreListing.Result) stored.getNow();
                        Snapshot snapshot = Snapshot.of(ListingSync.asFetched(listing), selected.uidValidity(),
                                view.device().isEmpty() ? options.hideKeyword() : null,
                                uid -> result.uidls().get(uid), result.hidden()::contains,
                                (uid, reported) -> result.sizes().getOrDefault(uid, learnt.size(uid, reported)),
                                Windows.filter(window, result.firstLogin(), java.time.Instant.now()), window.newest());
                        Listing recorded = listing.withUidls(uid -> result.uidls().get(uid));
                        // wait for the save (it never fails): the session may end, and the store
                        // close, before a save still in flight would land
                        shared.listings().save(key, recorded).whenComplete((ok, never) -> loop.execute(() -> {
                            if (!promise.trySuccess(new ImapMailbox(client, loop, options, selected, snapshot, learnt,
                                    shared.observer(), upstreamName, view))) {
                                client.close();
                            }
                        }));
                    });
        });
    }
}
