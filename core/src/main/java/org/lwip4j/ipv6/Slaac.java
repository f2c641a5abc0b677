package org.lwip4j.ipv6;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.lwip4j.addr.Ip6Address;
import org.lwip4j.addr.MacAddress;
import org.lwip4j.netif.Ip6Addresses;
import org.lwip4j.netif.Netif;
import org.lwip4j.stack.StackContext;
import org.lwip4j.stack.Timer;
import org.lwip4j.wire.NdOption;

/**
 * Stateless address autoconfiguration from router advertisements (RFC 4862 §5.5.3; lwIP's
 * {@code nd6.c} with {@code LWIP_IPV6_AUTOCONFIG}), for netifs that have it on
 * ({@link Ip6Addresses#setAutoconfig}). For a prefix information option with the A flag:
 *
 * <ul>
 *   <li>(b) the link-local prefix is ignored; (c) a preferred lifetime above the valid one
 *       makes the option ignored;</li>
 *   <li>(d) a prefix no address of ours was formed from, with a non-zero valid lifetime and
 *       a length of 64 (the interface identifier length of Ethernet, RFC 4291 §2.5.1; other
 *       lengths are ignored, as §5.5.3 (d) says), gets an address: the prefix and an RFC 7217
 *       stable interface identifier (secret key per stack, netif name as Net_Iface, DAD
 *       counter 0), or the modified EUI-64 of the MAC with {@code ip6StableIids} off. It is
 *       tentative while DAD runs; a duplicate is formed again with the next DAD counter, up to
 *       IDGEN_RETRIES times (RFC 7217 §6);</li>
 *   <li>(e) an address formed from the prefix before gets the advertised preferred lifetime,
 *       and its valid lifetime by the two-hour rule: set to the advertised one when that is
 *       above two hours or above the time left; left alone when the time left is two hours or
 *       less; else set to two hours (so a forged RA cannot make our addresses vanish).</li>
 * </ul>
 * When the preferred lifetime ends the address is deprecated, when the valid lifetime ends it
 * is removed ({@link Ip6Addresses} runs the timers, §5.5.4).
 *
 * <h2>Temporary addresses (RFC 8981)</h2>
 * On netifs with {@link Ip6Addresses#setTemporaryAddresses} on, each prefix that forms (or
 * has) a SLAAC address also gets a temporary address (§3.4): a random interface identifier
 * (not a reserved one, RFC 5453), valid for at most TEMP_VALID_LIFETIME (2 days) and
 * preferred for at most TEMP_PREFERRED_LIFETIME (1 day) less DESYNC_FACTOR (drawn once per
 * stack, below MAX_DESYNC_FACTOR, §3.8), both bounded by the prefix's lifetimes and, as
 * RAs refresh them, by the address's age; none is made when its preferred lifetime would
 * not exceed REGEN_ADVANCE. REGEN_ADVANCE before it is deprecated a new one is formed for
 * the prefix (§3.5); a duplicate is replaced by a new random identifier up to
 * TEMP_IDGEN_RETRIES times (§3.6).
 */
final class Slaac {
    /** RFC 4862 §5.5.3 (e): two hours. */
    static final long TWO_HOURS_SECONDS = 7200;
    /** RFC 8981 §3.8 TEMP_VALID_LIFETIME: 2 days. */
    static final long TEMP_VALID_SECONDS = 2 * 86_400;
    /** RFC 8981 §3.8 TEMP_PREFERRED_LIFETIME: 1 day. */
    static final long TEMP_PREFERRED_SECONDS = 86_400;
    /** RFC 8981 §3.8 TEMP_IDGEN_RETRIES. */
    static final int TEMP_IDGEN_RETRIES = 3;

    /** A temporary address and its regeneration timer. */
    private final class Temp {
        final Netif netif;
        final Ip6Address address;
        final int retries;
        final Timer regen;

        Temp(Netif netif, Ip6Address address, int retries) {
            this.netif = netif;
            this.address = address;
            this.retries = retries;
            this.regen = ctx.timers().create(() -> regenerate(this));
        }
    }

    private final StackContext ctx;
    private final byte[] secretKey;
    private final RouterDiscovery links;
    private long desyncNanos = -1;
    private final List<Temp> temps = new ArrayList<>();

    Slaac(StackContext ctx, byte[] secretKey, RouterDiscovery links) {
        this.ctx = ctx;
        this.secretKey = secretKey;
        this.links = links;
    }

    /** DESYNC_FACTOR of this stack in nanoseconds, drawn on first use (§3.8: in [0, 0.4 * TEMP_PREFERRED_LIFETIME)). */
    long desyncNanos() {
        if (desyncNanos < 0) {
            desyncNanos = (long) (ctx.random().nextDouble() * 0.4 * TEMP_PREFERRED_SECONDS * 1e9);
        }
        return desyncNanos;
    }

    /** RFC 8981 §3.8 REGEN_ADVANCE for {@code netif}: 2 s + TEMP_IDGEN_RETRIES * DupAddrDetectTransmits * RetransTimer. */
    long regenAdvanceNanos(Netif netif) {
        return 2_000_000_000L + TEMP_IDGEN_RETRIES * (long) ctx.config().ip6().dupDetectAttempts() * links.retransNanos(netif);
    }

    /** The interface identifier for {@code prefixHi} on {@code netif} with DAD counter {@code counter}. */
    long iid(Netif netif, long prefixHi, int counter) {
        if (!ctx.config().ip6().stableIids()) {
            MacAddress mac = netif.mac();
            return Ip6Address.eui64(mac);
        }
        return Ip6Address.stableIid(prefixHi, netif.name(), new byte[0], counter, secretKey);
    }

    /** A prefix information option with the A flag from a valid RA on {@code netif} (already checked for autoconfig). */
    void prefix(Netif netif, long hi, long lo, int length, long valid, long preferred) {
        if (Ipv6.isLinkLocal(hi) || preferred > valid) {
            return; // (b), (c)
        }
        Ip6Addresses a6 = netif.ip6();
        Ip6Addresses.Entry formed = null;
        for (int i = 0, n = a6.count(); i < n; i++) {
            Ip6Addresses.Entry e = a6.at(i);
            if (e.origin() == Ip6Addresses.Origin.SLAAC && e.address().hi() == hi && e.prefixLength() == length
                    && e.state() != Ip6Addresses.State.DUPLICATE) {
                formed = e;
                break;
            }
        }
        if (formed == null) {
            if (valid == 0 || length != 64) {
                return; // (d)
            }
            if (form(netif, hi, 0, lifetime(valid), lifetime(preferred)) && a6.temporaryAddresses()) {
                formTemporary(netif, hi, seconds(valid), seconds(preferred), 0);
            }
            return;
        }
        // (e): the preferred lifetime as advertised, the valid one by the two-hour rule.
        Duration newValid;
        long until = formed.validUntil();
        long remaining = until < 0 ? Long.MAX_VALUE : Math.max(0, (until - ctx.now()) / 1_000_000_000L);
        if (valid > TWO_HOURS_SECONDS || valid > remaining) {
            newValid = lifetime(valid);
        } else if (remaining <= TWO_HOURS_SECONDS) {
            newValid = until < 0 ? null : Duration.ofNanos(until - ctx.now());
        } else {
            newValid = Duration.ofSeconds(TWO_HOURS_SECONDS);
        }
        Duration newPreferred = lifetime(preferred);
        if (newValid != null && newPreferred != null && newPreferred.compareTo(newValid) > 0) {
            newPreferred = newValid;
        }
        a6.setLifetimes(formed, newValid, newPreferred);
        if (a6.temporaryAddresses()) {
            // RFC 8981 §3.4: bounded by the public address's lifetimes (after the two-hour rule).
            long now = ctx.now();
            long pv = formed.validUntil() < 0 ? Long.MAX_VALUE : formed.validUntil() - now;
            long pp = formed.state() == Ip6Addresses.State.DEPRECATED ? 0
                    : formed.preferredUntil() < 0 ? Long.MAX_VALUE : formed.preferredUntil() - now;
            refreshTemporaries(netif, hi, pv, pp);
        }
    }

    /** Nanoseconds of a lifetime in seconds, {@link Long#MAX_VALUE} for infinity. */
    private static long seconds(long s) {
        return s == NdOption.INFINITE ? Long.MAX_VALUE : s * 1_000_000_000L;
    }

    /**
     * Forms a temporary address in prefix {@code hi}/64 (RFC 8981 §3.4) for a prefix valid
     * {@code validNanos} and preferred {@code preferredNanos} more; false when its preferred
     * lifetime would not exceed REGEN_ADVANCE or there is no room.
     */
    boolean formTemporary(Netif netif, long hi, long validNanos, long preferredNanos, int retries) {
        long valid = Math.min(validNanos, TEMP_VALID_SECONDS * 1_000_000_000L);
        long preferred = Math.min(preferredNanos, TEMP_PREFERRED_SECONDS * 1_000_000_000L - desyncNanos());
        preferred = Math.min(preferred, valid);
        long advance = regenAdvanceNanos(netif);
        if (preferred <= advance) {
            return false;
        }
        Ip6Addresses a6 = netif.ip6();
        if (a6.count() >= ctx.config().ip6().numAddresses()) {
            ctx.stats().nd6.memerr++;
            return false;
        }
        long iid;
        do {
            iid = ctx.random().nextLong();
        } while (Ip6Address.isReservedIid(iid) || a6.find(hi, iid) != null);
        Ip6Address a = new Ip6Address(hi, iid, 0);
        a6.add(a, 64, Duration.ofNanos(valid), Duration.ofNanos(preferred), Ip6Addresses.Origin.TEMPORARY);
        Temp t = new Temp(netif, a, retries);
        temps.add(t);
        t.regen.schedule(preferred - advance);
        return true;
    }

    /** RFC 8981 §3.4: an RA refreshed prefix {@code hi}: its temporary addresses get lifetimes bounded by their age. */
    private void refreshTemporaries(Netif netif, long hi, long validNanos, long preferredNanos) {
        boolean any = false;
        long now = ctx.now();
        for (Temp t : List.copyOf(temps)) {
            if (t.netif != netif || t.address.hi() != hi) {
                continue;
            }
            Ip6Addresses.Entry e = netif.ip6().find(t.address);
            if (e == null || e.state() == Ip6Addresses.State.DUPLICATE) {
                continue;
            }
            long age = now - e.createdAt();
            long valid = Math.max(0, Math.min(validNanos, TEMP_VALID_SECONDS * 1_000_000_000L - age));
            long preferred = Math.max(0, Math.min(Math.min(preferredNanos,
                    TEMP_PREFERRED_SECONDS * 1_000_000_000L - age - desyncNanos()), valid));
            if (valid == 0) {
                netif.ip6().remove(t.address);
                continue;
            }
            netif.ip6().setLifetimes(e, Duration.ofNanos(valid), Duration.ofNanos(preferred));
            any |= preferred > 0;
        }
        if (!any) {
            formTemporary(netif, hi, validNanos, preferredNanos, 0);
        }
    }

    /** RFC 8981 §3.5: REGEN_ADVANCE before {@code t} is deprecated, a new temporary address for its prefix. */
    private void regenerate(Temp t) {
        Netif netif = t.netif;
        if (!netif.ip6().temporaryAddresses() || netif.ip6().find(t.address) == null) {
            return;
        }
        Ip6Addresses.Entry pub = publicOf(netif, t.address.hi());
        if (pub == null || !pub.state().isValid()) {
            return;
        }
        long now = ctx.now();
        long valid = pub.validUntil() < 0 ? Long.MAX_VALUE : pub.validUntil() - now;
        long preferred = pub.state() == Ip6Addresses.State.DEPRECATED ? 0
                : pub.preferredUntil() < 0 ? Long.MAX_VALUE : pub.preferredUntil() - now;
        formTemporary(netif, t.address.hi(), valid, preferred, 0);
    }

    /** The SLAAC (public) address of prefix {@code hi} on {@code netif}, or {@code null}. */
    private static Ip6Addresses.Entry publicOf(Netif netif, long hi) {
        Ip6Addresses a6 = netif.ip6();
        for (int i = 0, n = a6.count(); i < n; i++) {
            Ip6Addresses.Entry e = a6.at(i);
            if (e.origin() == Ip6Addresses.Origin.SLAAC && e.address().hi() == hi) {
                return e;
            }
        }
        return null;
    }

    /**
     * RFC 8981 §3.6: temporary address {@code e} was found duplicate: a new random identifier,
     * with the lifetimes it had left, up to TEMP_IDGEN_RETRIES times.
     */
    void temporaryDuplicate(Netif netif, Ip6Addresses.Entry e, Duration valid, Duration preferred) {
        Temp t = find(netif, e.address());
        int retries = t == null ? TEMP_IDGEN_RETRIES : t.retries;
        netif.ip6().remove(e.address());
        if (retries < TEMP_IDGEN_RETRIES && netif.ip6().temporaryAddresses()) {
            formTemporary(netif, e.address().hi(), valid == null ? Long.MAX_VALUE : valid.toNanos(),
                    preferred == null ? Long.MAX_VALUE : preferred.toNanos(), retries + 1);
        }
    }

    private Temp find(Netif netif, Ip6Address a) {
        for (Temp t : temps) {
            if (t.netif == netif && t.address.hi() == a.hi() && t.address.lo() == a.lo()) {
                return t;
            }
        }
        return null;
    }

    /** Address {@code a} of {@code netif} is gone: its regeneration timer with it. */
    void removed(Netif netif, Ip6Address a) {
        Temp t = find(netif, a);
        if (t != null) {
            t.regen.cancel();
            temps.remove(t);
        }
    }

    /** Forgets the temporary addresses of {@code netif} (removed), or of every netif ({@code null}: the stack closes). */
    void flush(Netif netif) {
        for (Temp t : List.copyOf(temps)) {
            if (netif == null || t.netif == netif) {
                t.regen.cancel();
                temps.remove(t);
            }
        }
    }

    /** Forms the address of prefix {@code hi}/64 with DAD counter {@code counter}; false when there is no room. */
    boolean form(Netif netif, long hi, int counter, Duration valid, Duration preferred) {
        Ip6Addresses a6 = netif.ip6();
        Ip6Address a = new Ip6Address(hi, iid(netif, hi, counter), 0);
        if (a6.find(a) != null) {
            return false;
        }
        if (a6.count() >= ctx.config().ip6().numAddresses()) {
            ctx.stats().nd6.memerr++;
            Ipv6.log().log(Level.WARNING, "{0}: no room for a SLAAC address in {1}/64", netif.name(), a);
            return false;
        }
        a6.add(a, 64, valid, preferred, Ip6Addresses.Origin.SLAAC).setDadCounter(counter);
        return true;
    }

    /** A lifetime in seconds as a duration; {@code 0xffffffff} (infinity) is {@code null}. */
    static Duration lifetime(long seconds) {
        return seconds == NdOption.INFINITE ? null : Duration.ofSeconds(seconds);
    }
}
