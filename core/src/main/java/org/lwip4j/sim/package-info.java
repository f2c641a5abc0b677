/**
 * A deterministic virtual network for tests and benchmarks: a {@link org.lwip4j.sim.Simulator}
 * that drives many stacks' event loops on one thread in virtual time, point-to-point
 * {@link org.lwip4j.sim.VirtualLink}s and learning {@link org.lwip4j.sim.VirtualSwitch}es with
 * seeded {@link org.lwip4j.sim.Impairments} (loss, delay, jitter, reordering, duplication,
 * corruption, rate limits), and the {@link org.lwip4j.sim.CaptureDriver} test netif that
 * records what a stack sends and injects what it should receive.
 *
 * <p>Everything here is confined to the thread that drives the simulation; a run is
 * reproducible from the simulator's seed and the order in which links and ports are made.
 */
package org.lwip4j.sim;
