package org.lwip4j.ipv4;

import org.lwip4j.netif.Netif;

/**
 * Sees every well-formed ARP packet a netif receives, before the cache is updated: the
 * hook address conflict detection needs while it probes an address the netif does not
 * have yet (RFC 5227 §2.1.1: a packet whose sender IP is the candidate, or a probe for the
 * candidate from another station), as lwIP calls {@code acd_arp_reply}. The arguments are
 * plain values so nothing is allocated per packet. Called on the stack's loop; must not
 * throw, keep or send anything synchronously that depends on the cache update.
 */
@FunctionalInterface
public interface ArpObserver {
    /**
     * @param netif     where the packet came in
     * @param operation {@code 1} request, {@code 2} reply (other values are passed on too)
     * @param senderMac sender hardware address (48 bits)
     * @param senderIp  sender protocol address (32 bits, network order)
     * @param targetMac target hardware address (48 bits)
     * @param targetIp  target protocol address (32 bits, network order)
     */
    void arp(Netif netif, int operation, long senderMac, int senderIp, long targetMac, int targetIp);
}
