package org.lwip4j.tcp;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.lwip4j.wire.TcpOptions;
import org.lwip4j.wire.TcpOptionsRepr;
import org.lwip4j.wire.TcpPacket;
import org.lwip4j.wire.TcpRepr;

/**
 * A TCP segment for packet scripts (smoltcp's {@code TcpRepr} templates, STYLE.md's
 * sketch): built with withers to send, or used as a pattern to expect, where a field left
 * unset matches anything. {@code syn().seq(1000).mss(1460)}, {@code ack().ack(1001).payload("abc")}.
 */
final class Seg {
    Integer srcPort;
    Integer dstPort;
    Integer seq;
    Integer ack;
    int flags;
    boolean flagsSet;
    Integer window;
    /** The urgent pointer (with URG set by {@link #urg}); as a pattern, {@code null} matches any. */
    Integer urgent;
    byte[] payload;
    Integer mss;
    Integer wscale;
    Boolean sackPermitted;
    Boolean timestamps;
    Integer tsVal;
    Integer tsEcr;
    /** SACK blocks to send, or (as a pattern) exactly the blocks expected; {@code null} matches any. */
    List<TcpOptionsRepr.SackBlock> sack;
    /** Whether the pattern requires the absence of options not named. */
    boolean noOptions;
    /** Set on parsed segments: the raw options. */
    TcpOptionsRepr parsedOptions;
    /** Set on segments the stack sent: the IPv4 header's TOS byte and TTL (-1 otherwise; not part of a pattern). */
    int ipTos = -1;
    int ipTtl = -1;

    static Seg flags(int f) {
        Seg s = new Seg();
        s.flags = f;
        s.flagsSet = true;
        return s;
    }

    static Seg syn() {
        return flags(TcpPacket.SYN);
    }

    static Seg synAck() {
        return flags(TcpPacket.SYN | TcpPacket.ACK);
    }

    static Seg ack() {
        return flags(TcpPacket.ACK);
    }

    /** ACK with PSH: what the stack sends with the last data of a write. */
    static Seg psh() {
        return flags(TcpPacket.ACK | TcpPacket.PSH);
    }

    static Seg fin() {
        return flags(TcpPacket.FIN | TcpPacket.ACK);
    }

    static Seg rst() {
        return flags(TcpPacket.RST);
    }

    static Seg rstAck() {
        return flags(TcpPacket.RST | TcpPacket.ACK);
    }

    /** A pattern that matches any segment. */
    static Seg any() {
        return new Seg();
    }

    Seg ports(int src, int dst) {
        srcPort = src;
        dstPort = dst;
        return this;
    }

    Seg seq(int v) {
        seq = v;
        return this;
    }

    Seg ack(int v) {
        ack = v;
        return this;
    }

    Seg withFlags(int f) {
        flags = f;
        flagsSet = true;
        return this;
    }

    Seg window(int v) {
        window = v;
        return this;
    }

    /** URG set with urgent pointer {@code up} (RFC 9293 §3.8.5: SEG.SEQ + up is the octet after the urgent data). */
    Seg urg(int up) {
        flags |= TcpPacket.URG;
        flagsSet = true;
        urgent = up;
        return this;
    }

    Seg payload(String s) {
        return payload(s.getBytes(StandardCharsets.US_ASCII));
    }

    Seg payload(byte[] b) {
        payload = b;
        return this;
    }

    /** Expects (or sends) this many bytes whose values the pattern does not fix. */
    Seg len(int n) {
        payload = null;
        lenOnly = n;
        return this;
    }

    Integer lenOnly;

    Seg mss(int v) {
        mss = v;
        return this;
    }

    Seg wscale(int v) {
        wscale = v;
        return this;
    }

    Seg sackPermitted() {
        sackPermitted = true;
        return this;
    }

    Seg ts(int val, int ecr) {
        timestamps = true;
        tsVal = val;
        tsEcr = ecr;
        return this;
    }

    /** Adds a SACK block {@code [left, right)} (RFC 2018 §3). */
    Seg sack(int left, int right) {
        if (sack == null) {
            sack = new ArrayList<>();
        }
        sack.add(new TcpOptionsRepr.SackBlock(left, right));
        return this;
    }

    /** As a pattern: no SACK blocks. */
    Seg noSack() {
        sack = new ArrayList<>();
        return this;
    }

    Seg noOptions() {
        noOptions = true;
        return this;
    }

    int dataLen() {
        return payload != null ? payload.length : lenOnly != null ? lenOnly : 0;
    }

    boolean has(int flag) {
        return (flags & flag) != 0;
    }

    /** The segment as bytes (TCP header and payload; the checksum is filled by the caller). */
    TcpRepr repr(int defaultSrc, int defaultDst) {
        TcpOptionsRepr o = new TcpOptionsRepr(mss == null ? TcpOptions.ABSENT : mss,
                wscale == null ? TcpOptions.ABSENT : wscale, Boolean.TRUE.equals(sackPermitted),
                Boolean.TRUE.equals(timestamps), timestamps == null ? 0 : tsVal, timestamps == null ? 0 : tsEcr,
                sack == null ? List.of() : sack);
        return new TcpRepr(srcPort == null ? defaultSrc : srcPort, dstPort == null ? defaultDst : dstPort,
                seq == null ? 0 : seq, ack == null ? 0 : ack, flags, window == null ? 65535 : window, urgent == null ? 0 : urgent, o, dataLen());
    }

    /** A parsed segment as a Seg with every field set. */
    static Seg of(TcpRepr r, byte[] data) {
        Seg s = new Seg();
        s.srcPort = r.srcPort();
        s.dstPort = r.dstPort();
        s.seq = r.seq();
        s.ack = r.ack();
        s.flags = r.flags();
        s.flagsSet = true;
        s.window = r.window();
        s.urgent = r.urgent();
        s.payload = data;
        TcpOptionsRepr o = r.options();
        s.parsedOptions = o;
        s.mss = o.mss() == TcpOptions.ABSENT ? null : o.mss();
        s.wscale = o.windowScale() == TcpOptions.ABSENT ? null : o.windowScale();
        s.sackPermitted = o.sackPermitted();
        s.timestamps = o.timestamps();
        s.tsVal = o.tsVal();
        s.tsEcr = o.tsEcr();
        s.sack = new ArrayList<>(o.sackBlocks());
        return s;
    }

    /** Why {@code actual} does not match this pattern, or {@code null} when it does. */
    String mismatch(Seg actual) {
        List<String> why = new ArrayList<>();
        int mask = (flags & TcpPacket.PSH) != 0 ? 0xff : ~TcpPacket.PSH & 0xff; // PSH matters only when asked for
        if (flagsSet && (flags & mask) != (actual.flags & mask)) {
            why.add("flags " + flagNames(actual.flags) + " != " + flagNames(flags));
        }
        check(why, "srcPort", srcPort, actual.srcPort);
        check(why, "dstPort", dstPort, actual.dstPort);
        check(why, "seq", seq, actual.seq);
        check(why, "ack", ack, actual.ack);
        check(why, "window", window, actual.window);
        check(why, "urgent", urgent, actual.urgent);
        check(why, "mss", mss, actual.mss);
        check(why, "wscale", wscale, actual.wscale);
        if (sackPermitted != null && !sackPermitted.equals(actual.sackPermitted)) {
            why.add("sackPermitted " + actual.sackPermitted);
        }
        if (timestamps != null && !timestamps.equals(actual.timestamps)) {
            why.add("timestamps " + actual.timestamps);
        } else if (Boolean.TRUE.equals(timestamps) && tsEcr != null && !tsEcr.equals(actual.tsEcr)) {
            why.add("TSecr " + actual.tsEcr + " != " + tsEcr);
        }
        if (sack != null && !sack.equals(actual.sack)) {
            why.add("SACK blocks " + blocks(actual.sack) + " != " + blocks(sack));
        }
        if (noOptions && !actual.parsedOptions.equals(TcpOptionsRepr.NONE)) {
            why.add("options " + actual.parsedOptions);
        }
        if (payload != null && !Arrays.equals(payload, actual.payload)) {
            why.add("payload of " + actual.payload.length + " bytes differs from the " + payload.length + " expected");
        }
        if (payload == null && lenOnly != null && lenOnly != actual.payload.length) {
            why.add("payload length " + actual.payload.length + " != " + lenOnly);
        }
        if (payload == null && lenOnly == null && actual.payload.length != 0 && flagsSet) {
            why.add("unexpected payload of " + actual.payload.length + " bytes");
        }
        return why.isEmpty() ? null : String.join(", ", why);
    }

    private static void check(List<String> why, String name, Integer want, Integer got) {
        if (want != null && !want.equals(got)) {
            why.add(name + " " + (got == null ? "absent" : Integer.toUnsignedString(got)) + " != "
                    + Integer.toUnsignedString(want));
        }
    }

    static String blocks(List<TcpOptionsRepr.SackBlock> b) {
        StringBuilder sb = new StringBuilder("[");
        for (TcpOptionsRepr.SackBlock k : b) {
            sb.append(sb.length() > 1 ? " " : "").append(Integer.toUnsignedString(k.left())).append('-')
                    .append(Integer.toUnsignedString(k.right()));
        }
        return sb.append(']').toString();
    }

    static String flagNames(int f) {
        StringBuilder sb = new StringBuilder();
        String[] names = {"FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR"};
        for (int i = 0; i < 8; i++) {
            if ((f & (1 << i)) != 0) {
                sb.append(sb.isEmpty() ? "" : "|").append(names[i]);
            }
        }
        return sb.isEmpty() ? "none" : sb.toString();
    }

    @Override
    public String toString() {
        return flagNames(flags) + " seq=" + (seq == null ? "*" : Integer.toUnsignedString(seq)) + " ack="
                + (ack == null ? "*" : Integer.toUnsignedString(ack)) + " win=" + window + " len=" + dataLen()
                + (mss != null ? " mss=" + mss : "") + (wscale != null ? " ws=" + wscale : "")
                + (Boolean.TRUE.equals(sackPermitted) ? " sackOK" : "")
                + (Boolean.TRUE.equals(timestamps) ? " ts=" + tsVal + "/" + tsEcr : "")
                + (sack != null && !sack.isEmpty() ? " sack=" + blocks(sack) : "");
    }
}
