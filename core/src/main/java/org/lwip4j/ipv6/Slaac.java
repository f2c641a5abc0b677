package org.lwip4j.ipv6;

import java.lang.System.Logger.Level;
import java.time.Duration;
import org.lwip4j.addr.Ip6Address;
import org.lwip4j.addr.MacAddress;
import org.lwip4j.netif.Ip6Addresses;
import org.lwip4j.netif.Netif;
import org.lwip4j.stack.StackContext;
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
 */
final class Slaac {
    /** RFC 4862 §5.5.3 (e): two hours. */
    static final long TWO_HOURS_SECONDS = 7200;

    private final StackContext ctx;
    private final byte[] secretKey;

    Slaac(StackContext ctx, byte[] secretKey) {
        this.ctx = ctx;
        this.secretKey = secretKey;
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
            form(netif, hi, 0, lifetime(valid), lifetime(preferred));
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
