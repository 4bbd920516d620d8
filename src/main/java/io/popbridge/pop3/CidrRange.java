package io.popbridge.pop3;

import io.netty.handler.ipfilter.IpFilterRuleType;
import io.netty.handler.ipfilter.IpSubnetFilterRule;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/** An IPv4 or IPv6 network written {@code 192.0.2.0/24} or {@code 2001:db8::/32} (a bare address is /32 or /128). */
public final class CidrRange {

    private final String text;
    private final IpSubnetFilterRule rule;

    private CidrRange(String text, IpSubnetFilterRule rule) {
        this.text = text;
        this.rule = rule;
    }

    /**
     * Parses {@code text}.
     *
     * @throws IllegalArgumentException saying what is wrong
     */
    public static CidrRange parse(String text) {
        int slash = text.indexOf('/');
        String address = slash < 0 ? text : text.substring(0, slash);
        byte[] bytes = NetUtil.createByteArrayFromIpAddressString(address);
        if (bytes == null) {
            throw new IllegalArgumentException("'" + text + "' is not a network such as 192.0.2.0/24 or 2001:db8::/32");
        }
        int max = bytes.length * 8;
        int prefix = max;
        if (slash >= 0) {
            String p = text.substring(slash + 1);
            if (!p.matches("\\d{1,3}") || Integer.parseInt(p) > max) {
                throw new IllegalArgumentException("'" + text + "' has a prefix length that is not 0 to " + max);
            }
            prefix = Integer.parseInt(p);
        }
        return new CidrRange(text, new IpSubnetFilterRule(address, prefix, IpFilterRuleType.ACCEPT));
    }

    /** Whether {@code address} is in this network (an IPv4-mapped IPv6 address is taken as IPv4 by Java). */
    public boolean contains(InetAddress address) {
        return rule.matches(new InetSocketAddress(address, 0));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CidrRange c && c.text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    @Override
    public String toString() {
        return text;
    }
}
