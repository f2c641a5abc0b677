package org.lwip4j.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.lwip4j.Stack;
import org.lwip4j.addr.Ip4Address;
import org.lwip4j.buffer.PoolStats;
import org.lwip4j.netif.Ip4Interface;
import org.lwip4j.netif.Netif;
import org.lwip4j.netif.NetifDriver;
import org.lwip4j.sim.Impairments;
import org.lwip4j.sim.Simulator;
import org.lwip4j.sim.VirtualLink;
import org.lwip4j.stack.StackConfig;

/**
 * Test topology builder: stacks on one {@link Simulator} (virtual time, seeded), joined by
 * {@link VirtualLink}s, with helpers to configure netifs and check that every pool is back
 * to zero.
 */
public final class SimNet {
    public final Simulator sim;
    private final List<Stack> stacks = new ArrayList<>();

    public SimNet(long seed) {
        this.sim = new Simulator(seed);
    }

    /**
     * A stack on the simulator; a config without a seed gets the simulator's next stack
     * seed, so runs repeat and stacks differ.
     */
    public Stack stack(StackConfig cfg) {
        if (cfg.randomSeed() == 0) {
            cfg = cfg.toBuilder().randomSeed(sim.nextStackSeed()).build();
        }
        Stack s = Stack.create(cfg, sim.clock());
        sim.add(s.loop());
        stacks.add(s);
        return s;
    }

    public Stack stack() {
        return stack(StackConfig.defaults());
    }

    /** Adds {@code driver} to {@code s} as {@code name} with {@code cidr}, up, default netif if it is the first. */
    public static Netif attach(Stack s, NetifDriver driver, String name, String cidr) {
        Netif n = s.addNetif(driver, name);
        n.ip4().set(Ip4Interface.parse(cidr));
        n.setUp(true);
        if (s.netifs().defaultNetif() == null) {
            s.netifs().setDefault(n);
        }
        return n;
    }

    public VirtualLink link(Impairments both) {
        return new VirtualLink(sim, both);
    }

    public boolean runUntil(BooleanSupplier cond, Duration limit) {
        return sim.runUntil(cond, limit);
    }

    public void runFor(Duration d) {
        sim.runFor(d);
    }

    public static Ip4Address ip(String s) {
        return Ip4Address.parse(s);
    }

    /** Names and usage of every pool of {@code s} that is not back to zero (pcb pools excluded). */
    public static List<String> leakedPbufs(Stack s) {
        List<String> leaks = new ArrayList<>();
        for (PoolStats p : s.stats().pools()) {
            if (p.used != 0 && !p.name.endsWith("_PCB")) {
                leaks.add(p.toString());
            }
        }
        return leaks;
    }

    public List<Stack> stacks() {
        return stacks;
    }
}
